// A division or grid found inside the viewer's scope (its figures come from the stats domain).
import { scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';

export function findDivisionInScope(db: Db, scopePath: string, code: string) {
  return db
    .selectFrom('admin_division as d')
    .leftJoin('admin_division as parent', 'parent.code', 'd.parent_code')
    .select(['d.code', 'd.name', 'd.level', 'd.path', 'parent.name as parent_name'])
    .where('d.code', '=', code)
    .where('d.path', 'like', scopeLikePattern(scopePath))
    .executeTakeFirst();
}

export function findGridInScope(db: Db, scopePath: string, id: number) {
  return db
    .selectFrom('grid as g')
    .innerJoin('admin_division as c', 'c.code', 'g.community_code')
    .select(['g.id', 'g.name', 'g.path', 'c.name as parent_name'])
    .where('g.id', '=', id)
    .where('g.path', 'like', scopeLikePattern(scopePath))
    .executeTakeFirst();
}
