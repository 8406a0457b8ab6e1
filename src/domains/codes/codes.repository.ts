// Code tables (GB/T 2261.1, GB/T 3304, GB/T 4761, the platform's own sets) as stored by the migrations.
import type { Db } from '../../platform/db/index.ts';

export async function findCodeSet(db: Db, codeSet: string) {
  return db.selectFrom('code_set').selectAll().where('code_set', '=', codeSet).executeTakeFirst();
}

export async function findCodeValues(db: Db, codeSets: readonly string[]) {
  if (codeSets.length === 0) return [];
  return db
    .selectFrom('code_value')
    .selectAll()
    .where('code_set', 'in', codeSets)
    .orderBy('code_set')
    .orderBy('sort_order')
    .orderBy('code')
    .execute();
}
