// Test helpers for profiles: add a resident (with a household of their own or into a given one) to the mini district.

import type { Db } from '../../platform/db/index.ts';
import type { MiniGrid } from '../../testing/fixtures.ts';

let seq = 100;

export async function addResident(
  db: Db,
  grid: MiniGrid,
  spec: {
    name: string;
    birth: string | null;
    tags?: string[];
    householdId?: number;
    registration?: 'household' | 'floating';
  },
): Promise<{ id: number; householdId: number }> {
  const street = grid.path.split('/')[2]!;
  let householdId = spec.householdId;
  if (!householdId) {
    const hh = await db
      .insertInto('household')
      .values({
        street_code: street,
        grid_id: grid.id,
        scope_path: grid.path,
        house_id: null,
        household_no: `T${seq++}`,
        registration_type: 'household',
        head_person_id: null,
        member_count: 1,
        source: 'test',
        source_updated_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    householdId = hh.id;
  }
  const p = await db
    .insertInto('person')
    .values({
      street_code: street,
      grid_id: grid.id,
      scope_path: grid.path,
      household_id: householdId,
      house_id: null,
      name: spec.name,
      sex: '2',
      birth_date: spec.birth,
      registration_type: spec.registration ?? 'household',
      relation_to_head: null,
      tags: spec.tags ?? [],
      source: 'test',
      source_updated_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: p.id, householdId };
}
