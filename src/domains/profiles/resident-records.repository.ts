// Streams residents of a scope as `ResidentRecord`s in id order, a batch at a time: each batch is one query for
// the persons and one for their households' birth dates, grants and extra facts, so 100k residents cost ~80 queries
// and constant memory. This is the one place that knows the source tables (person/household today, the golden
// records of data integration later).
import { scopeLikePattern } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import type { ResidentRecord } from './resident-fields.ts';

export interface ResidentRow {
  id: number;
  streetCode: string;
  scopePath: string;
  gridId: number;
  record: ResidentRecord;
}

export interface StreamOptions {
  scopePath: string;
  asOf: string;
  batchSize?: number;
  /** Only persons changed after this moment (incremental re-evaluation); their household members come along. */
  changedSince?: Date | null;
  personIds?: number[];
}

export async function countResidents(db: Db, o: StreamOptions): Promise<number> {
  let q = db
    .selectFrom('person')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('scope_path', 'like', scopeLikePattern(o.scopePath));
  if (o.changedSince) q = q.where('updated_at', '>', o.changedSince);
  if (o.personIds) q = q.where('id', 'in', o.personIds.length ? o.personIds : [-1]);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

export async function* streamResidents(db: Db, o: StreamOptions): AsyncGenerator<ResidentRow[]> {
  const size = o.batchSize ?? 2000;
  let after = 0;
  for (;;) {
    let q = db
      .selectFrom('person')
      .select([
        'id',
        'street_code',
        'scope_path',
        'grid_id',
        'household_id',
        'birth_date',
        'sex',
        'registration_type',
        'relation_to_head',
        'tags',
      ])
      .where('scope_path', 'like', scopeLikePattern(o.scopePath))
      .where('id', '>', after)
      .orderBy('id')
      .limit(size);
    if (o.changedSince) q = q.where('updated_at', '>', o.changedSince);
    if (o.personIds) q = q.where('id', 'in', o.personIds.length ? o.personIds : [-1]);
    const persons = await q.execute();
    if (persons.length === 0) return;
    after = persons[persons.length - 1]!.id;
    const ids = persons.map((p) => p.id);
    const householdIds = [
      ...new Set(persons.map((p) => p.household_id).filter((h): h is number => h !== null)),
    ];
    const [members, grants, facts] = await Promise.all([
      householdIds.length
        ? db
            .selectFrom('person')
            .select(['household_id', 'birth_date'])
            .where('household_id', 'in', householdIds)
            .execute()
        : Promise.resolve([]),
      db
        .selectFrom('benefit_grant')
        .select(['person_id', 'policy_id'])
        .where('person_id', 'in', ids)
        .where('start_date', '<=', o.asOf)
        .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', o.asOf)]))
        .execute(),
      db
        .selectFrom('profile_fact')
        .select(['person_id', 'key', 'value_num', 'value_text'])
        .where('person_id', 'in', ids)
        .execute(),
    ]);
    const births = new Map<number, Array<string | null>>();
    for (const m of members) {
      const list = births.get(m.household_id!) ?? [];
      list.push(m.birth_date);
      births.set(m.household_id!, list);
    }
    const receives = new Map<number, string[]>();
    for (const g of grants) receives.set(g.person_id, [...(receives.get(g.person_id) ?? []), g.policy_id]);
    const extra = new Map<number, Record<string, number | string | null>>();
    for (const f of facts) {
      const e = extra.get(f.person_id) ?? {};
      e[f.key] = f.value_num ?? f.value_text;
      extra.set(f.person_id, e);
    }
    yield persons.map((p) => ({
      id: p.id,
      streetCode: p.street_code,
      scopePath: p.scope_path,
      gridId: p.grid_id,
      record: {
        birthDate: p.birth_date,
        sex: p.sex,
        registrationType: p.registration_type,
        relationToHead: p.relation_to_head,
        tags: p.tags,
        // A person without a household lives on their own as far as the records know.
        householdBirthDates:
          p.household_id === null ? [p.birth_date] : (births.get(p.household_id) ?? [p.birth_date]),
        extra: extra.get(p.id) ?? {},
        receives: receives.get(p.id) ?? [],
      },
    }));
    if (persons.length < size) return;
  }
}
