// A tiny, fully known district for tests that need exact expectations (the demo generator's `small` size is the
// realistic one). Two streets; street 1 has communities A and B, street 2 has community C; one or two grids each.
import { makeIdNumber } from '../lib/id-number.ts';
import { maskIdNumber, maskPhone } from '../lib/masking.ts';
import { createAccount } from '../platform/auth/accounts.service.ts';
import type { Role } from '../platform/auth/roles.ts';
import type { FieldCipher } from '../platform/crypto/field-cipher.ts';
import type { Db } from '../platform/db/index.ts';

export const MINI = {
  district: { code: '330192000000', path: '/330192/', name: '云溪区' },
  street1: { code: '330192001000', path: '/330192/330192001/', name: '东湖街道' },
  street2: { code: '330192002000', path: '/330192/330192002/', name: '西岭街道' },
  communityA: { code: '330192001001', path: '/330192/330192001/330192001001/', name: '幸福社区' },
  communityB: { code: '330192001002', path: '/330192/330192001/330192001002/', name: '和平社区' },
  communityC: { code: '330192002001', path: '/330192/330192002/330192002001/', name: '桃源社区' },
  password: 'Passw0rd!2026',
} as const;

export interface MiniGrid {
  id: number;
  path: string;
  name: string;
}

export interface MiniPerson {
  id: number;
  name: string;
  idNumber: string;
  phone: string;
  gridPath: string;
  tags: string[];
}

export interface MiniDistrict {
  grids: { a1: MiniGrid; a2: MiniGrid; b1: MiniGrid; c1: MiniGrid };
  persons: MiniPerson[];
  /** username per role, all with MINI.password; community worker of A is 'cw_a', of C 'cw_c'. */
  accounts: Record<string, { id: number; role: Role; scopePath: string }>;
}

/** A square polygon (GeoJSON, WGS-84) with its south-west corner at lng, lat. */
export function square(lng: number, lat: number, d = 0.01) {
  return {
    type: 'Polygon' as const,
    coordinates: [
      [
        [lng, lat],
        [lng + d, lat],
        [lng + d, lat + d],
        [lng, lat + d],
        [lng, lat],
      ],
    ],
  };
}

export async function seedMiniDistrict(db: Db, cipher: FieldCipher): Promise<MiniDistrict> {
  const division = (
    code: string,
    level: number,
    kind: string,
    name: string,
    parent: string | null,
    path: string,
  ) => ({
    code,
    edition: 2025,
    level,
    kind,
    name,
    parent_code: parent,
    path,
    source: 'test',
    source_updated_at: null,
    boundary: null,
    center_lng: null,
    center_lat: null,
    ur_class: level === 5 ? '111' : null,
  });
  await db
    .insertInto('admin_division')
    .values([
      division(MINI.district.code, 3, '市辖区', MINI.district.name, null, MINI.district.path),
      division(MINI.street1.code, 4, '街道', MINI.street1.name, MINI.district.code, MINI.street1.path),
      division(MINI.street2.code, 4, '街道', MINI.street2.name, MINI.district.code, MINI.street2.path),
      division(
        MINI.communityA.code,
        5,
        '社区居委会',
        MINI.communityA.name,
        MINI.street1.code,
        MINI.communityA.path,
      ),
      division(
        MINI.communityB.code,
        5,
        '社区居委会',
        MINI.communityB.name,
        MINI.street1.code,
        MINI.communityB.path,
      ),
      division(
        MINI.communityC.code,
        5,
        '社区居委会',
        MINI.communityC.name,
        MINI.street2.code,
        MINI.communityC.path,
      ),
    ])
    .execute();

  const grid = async (
    community: { code: string; path: string },
    local: string,
    name: string,
    lng: number,
  ) => {
    const path = `${community.path}${local}/`;
    const row = await db
      .insertInto('grid')
      .values({
        community_code: community.code,
        street_code: community.code.slice(0, 9),
        local_code: local,
        name,
        path,
        boundary: JSON.stringify(square(lng, 30.28)),
        center_lng: lng + 0.005,
        center_lat: 30.285,
        area_m2: 1_000_000,
        source: 'test',
        source_updated_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return { id: row.id, path, name };
  };
  const grids = {
    a1: await grid(MINI.communityA, '001', '幸福社区第一网格', 120.1),
    a2: await grid(MINI.communityA, '002', '幸福社区第二网格', 120.11),
    b1: await grid(MINI.communityB, '001', '和平社区第一网格', 120.12),
    c1: await grid(MINI.communityC, '001', '桃源社区第一网格', 120.13),
  };

  const persons: MiniPerson[] = [];
  const specs: Array<[keyof typeof grids, string, string, '1' | '2', string[]]> = [
    ['a1', '张建国', '1948-03-15', '1', ['elderly_alone']],
    ['a1', '李秀英', '1952-07-01', '2', []],
    ['a2', '王浩然', '1995-11-20', '1', []],
    ['b1', '欧阳明', '1980-01-09', '1', ['disabled']],
    ['c1', '陈欣怡', '2001-05-30', '2', ['low_income']],
  ];
  let seq = 1;
  for (const [g, name, birth, sex, tags] of specs) {
    const target = grids[g];
    const building = await db
      .insertInto('building')
      .values({
        street_code: target.path.split('/')[2]!,
        grid_id: target.id,
        scope_path: target.path,
        name: `${target.name}1号楼`,
        compound: '测试小区',
        road: '湖滨路',
        road_no: `${seq}号`,
        building_no: '1',
        address: `浙江省杭州市云溪区湖滨路${seq}号测试小区1号楼`,
        use_type: 'residential',
        floors: 6,
        units: 2,
        built_year: 1998,
        lng: 120.1,
        lat: 30.28,
        footprint: null,
        source: 'test',
        source_updated_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const house = await db
      .insertInto('house')
      .values({
        building_id: building.id,
        street_code: target.path.split('/')[2]!,
        grid_id: target.id,
        scope_path: target.path,
        unit_no: '1',
        floor: 5,
        room_no: '502',
        address: `浙江省杭州市云溪区湖滨路${seq}号测试小区1号楼1单元502室`,
        area_m2: 78.5,
        use_type: 'residential',
        occupancy: 'owner',
        source: 'test',
        source_updated_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const household = await db
      .insertInto('household')
      .values({
        street_code: target.path.split('/')[2]!,
        grid_id: target.id,
        scope_path: target.path,
        house_id: house.id,
        household_no: `H${String(seq).padStart(6, '0')}`,
        registration_type: 'household',
        head_person_id: null,
        member_count: 1,
        source: 'test',
        source_updated_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const idNumber = makeIdNumber('330192', birth, sex === '1' ? 2 * seq + 1 : 2 * seq);
    const phone = `1380000${String(1000 + seq)}`;
    const person = await db
      .insertInto('person')
      .values({
        street_code: target.path.split('/')[2]!,
        grid_id: target.id,
        scope_path: target.path,
        household_id: household.id,
        house_id: house.id,
        name,
        sex,
        birth_date: birth,
        id_number_cipher: cipher.seal(idNumber),
        id_number_hash: cipher.blindIndex(idNumber),
        id_number_masked: maskIdNumber(idNumber),
        phone_cipher: cipher.seal(phone),
        phone_hash: cipher.blindIndex(phone),
        phone_masked: maskPhone(phone),
        ethnicity: '01',
        registration_type: 'household',
        relation_to_head: '02',
        tags,
        source: 'test',
        source_updated_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .updateTable('household')
      .set({ head_person_id: person.id })
      .where('id', '=', household.id)
      .execute();
    persons.push({ id: person.id, name, idNumber, phone, gridPath: target.path, tags });
    seq++;
  }

  const accounts: MiniDistrict['accounts'] = {};
  const add = async (username: string, role: Role, scopePath: string, extra: { personId?: number } = {}) => {
    const created = await createAccount(db, {
      username,
      password: MINI.password,
      displayName: username,
      role,
      scopePath,
      ...extra,
    });
    accounts[username] = { id: created.id, role, scopePath: created.scopePath };
  };
  await add('admin', 'district_admin', MINI.district.path);
  await add('street1', 'street_officer', MINI.street1.path);
  await add('cw_a', 'community_worker', MINI.communityA.path);
  await add('cw_c', 'community_worker', MINI.communityC.path);
  await add('gw_a1', 'grid_worker', grids.a1.path);
  await add('hotline', 'hotline_operator', MINI.district.path);
  await add('auditor', 'auditor', MINI.district.path);
  await add('resident_a1', 'resident', grids.a1.path, { personId: persons[0]!.id });
  return { grids, persons, accounts };
}
