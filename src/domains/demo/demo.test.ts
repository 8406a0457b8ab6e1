import { createHash } from 'node:crypto';
import turfArea from '@turf/area';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { featureCollection, polygon } from '@turf/helpers';
import union from '@turf/union';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ageOn, parseIdNumber } from '../../lib/id-number.ts';
import { haversine } from '../../lib/location/geometry.ts';
import { parseUscc } from '../../lib/uscc.ts';
import { createTestDatabase, describeEachBackend } from '../../testing/test-context.ts';
import { DEMO_ACCOUNTS, DEMO_DISTRICT, DemoNotEmptyError, generateDemoDistrict, loadDemo } from './index.ts';

const TODAY = '2026-11-23';
const small = generateDemoDistrict({ size: 'small', seed: 7, today: TODAY });

function fingerprint(d: ReturnType<typeof generateDemoDistrict>): string {
  const h = createHash('sha256');
  for (const p of d.population.persons)
    h.update(`${p.name}|${p.idNumber}|${p.phone}|${p.birthDate}|${p.tags.join(',')}\n`);
  return h.digest('hex');
}

describe('the demo district generator', () => {
  it('is deterministic: the same seed gives the same residents, another seed different ones', () => {
    expect(fingerprint(generateDemoDistrict({ size: 'small', seed: 7, today: TODAY }))).toBe(
      fingerprint(small),
    );
    expect(fingerprint(generateDemoDistrict({ size: 'small', seed: 8, today: TODAY }))).not.toBe(
      fingerprint(small),
    );
  });

  it('gives every resident with an ID card a valid, unique number that agrees with sex and birth date', () => {
    const seen = new Set<string>();
    for (const p of small.population.persons) {
      if (p.idType === '414') {
        expect(p.idNumber).toBeNull();
        continue;
      }
      const parsed = parseIdNumber(p.idNumber!, new Date(`${TODAY}T00:00:00Z`));
      expect(parsed.ok, p.idNumber!).toBe(true);
      if (parsed.ok) {
        expect(parsed.sex).toBe(p.sex);
        expect(parsed.birthDate).toBe(p.birthDate);
      }
      expect(seen.has(p.idNumber!)).toBe(false);
      seen.add(p.idNumber!);
    }
  });

  it('has an ageing population (≥20% aged 60+) and elderly living alone who are 65+ and alone', () => {
    const persons = small.population.persons;
    const aged = persons.filter((p) => ageOn(p.birthDate, TODAY) >= 60).length;
    expect(aged / persons.length).toBeGreaterThanOrEqual(0.2);
    const households = new Map(small.population.households.map((h) => [h.id, h]));
    const alone = persons.filter((p) => p.tags.includes('elderly_alone'));
    expect(alone.length).toBeGreaterThan(0);
    for (const p of alone) {
      expect(ageOn(p.birthDate, TODAY)).toBeGreaterThanOrEqual(65);
      expect(households.get(p.householdId)!.memberCount).toBe(1);
    }
  });

  it('tiles the district with grid polygons: no overlaps, no gaps', () => {
    const grids = small.layout.grids;
    const total = grids.reduce((s, g) => s + turfArea(g.polygon), 0);
    const merged = union(featureCollection(grids.map((g) => polygon(g.polygon.coordinates))))!;
    const districtArea = turfArea(small.layout.district.boundary);
    // Overlaps would make the sum exceed the union; gaps would make the union smaller than the district.
    expect(Math.abs(total - turfArea(merged)) / districtArea).toBeLessThan(1e-6);
    expect(Math.abs(turfArea(merged) - districtArea) / districtArea).toBeLessThan(1e-6);
  });

  it('places every building inside its grid, and every grid path below its community and street', () => {
    for (const b of small.population.buildings) {
      expect(booleanPointInPolygon([b.lng, b.lat], b.grid.polygon)).toBe(true);
      expect(b.address).toContain('号楼');
    }
    for (const g of small.layout.grids) {
      expect(g.path.startsWith(`/330192/${g.streetCode}/${g.communityCode}/`)).toBe(true);
    }
  });

  it('houses every resident in a building of their own grid, and every household has its head among its members', () => {
    const { buildings, houses, households, persons } = small.population;
    const buildingById = new Map(buildings.map((b) => [b.id, b]));
    const houseById = new Map(houses.map((h) => [h.id, h]));
    const householdById = new Map(households.map((h) => [h.id, h]));
    const members = new Map<number, number>();
    for (const p of persons) {
      const house = houseById.get(p.houseId)!;
      const building = buildingById.get(house.buildingId)!;
      expect(householdById.get(p.householdId)!.houseId).toBe(p.houseId);
      expect(building.grid.id).toBe(p.grid.id);
      expect(house.grid.id).toBe(p.grid.id);
      expect(booleanPointInPolygon([building.lng, building.lat], p.grid.polygon)).toBe(true);
      members.set(p.householdId, (members.get(p.householdId) ?? 0) + 1);
    }
    const personById = new Map(persons.map((p) => [p.id, p]));
    for (const h of households) {
      expect(members.get(h.id)).toBe(h.memberCount);
      expect(personById.get(h.headPersonId)!.householdId).toBe(h.id);
    }
  });

  it('gives registered (户籍) residents area codes of the district or of its city, floating ones of other provinces', () => {
    const area = (p: { idNumber: string | null }) => p.idNumber!.slice(0, 6);
    const registered = small.population.persons.filter((p) => p.registrationType === 'household');
    const floating = small.population.persons.filter((p) => p.registrationType === 'floating');
    expect(registered.length).toBeGreaterThan(floating.length);
    for (const p of registered) expect(area(p).slice(0, 4)).toBe(DEMO_DISTRICT.code.slice(0, 4));
    const local = registered.filter((p) => area(p) === DEMO_DISTRICT.code).length;
    expect(local / registered.length).toBeGreaterThan(0.4);
    for (const p of floating) expect(area(p).slice(0, 2)).not.toBe(DEMO_DISTRICT.code.slice(0, 2));
  });

  it('has special groups at the rates the brief sets: ~6% disabled, 2–3% low-income households, 10–15% of the 60+ alone', () => {
    const { persons, households } = small.population;
    const aged = persons.filter((p) => ageOn(p.birthDate, TODAY) >= 60).length;
    const share = (tag: string) => persons.filter((p) => p.tags.includes(tag)).length;
    const householdsWith = (tag: string) =>
      new Set(persons.filter((p) => p.tags.includes(tag)).map((p) => p.householdId)).size;
    expect(share('disabled') / persons.length).toBeGreaterThan(0.04);
    expect(share('disabled') / persons.length).toBeLessThan(0.08);
    expect(householdsWith('low_income') / households.length).toBeGreaterThan(0.015);
    expect(householdsWith('low_income') / households.length).toBeLessThan(0.04);
    expect(householdsWith('low_income_edge')).toBeGreaterThan(0);
    expect(share('elderly_alone') / aged).toBeGreaterThan(0.08);
    expect(share('elderly_alone') / aged).toBeLessThan(0.17);
    // 留守儿童 are children living with their grandparents, not with a parent.
    const left = persons.filter((p) => p.tags.includes('left_behind_child'));
    expect(left.length).toBeGreaterThan(0);
    for (const p of left) {
      expect(ageOn(p.birthDate, TODAY)).toBeLessThan(16);
      expect(p.relationToHead).toBe('40');
    }
  });

  it('gives every resident who has a phone a unique 11-digit mobile number, and some old people none', () => {
    const phones = small.population.persons.flatMap((p) => (p.phone ? [p.phone] : []));
    for (const phone of phones) expect(phone).toMatch(/^1[3-9]\d{9}$/);
    expect(new Set(phones).size).toBe(phones.length);
    expect(small.population.persons.some((p) => !p.phone && ageOn(p.birthDate, TODAY) >= 80)).toBe(true);
  });

  it('writes addresses in the standard form, down to 号楼 for buildings and to the room for houses', () => {
    const buildingById = new Map(small.population.buildings.map((b) => [b.id, b]));
    for (const h of small.population.houses) {
      const b = buildingById.get(h.buildingId)!;
      expect(b.address).toBe(
        `浙江省杭州市云溪区${b.grid.streetName}${b.road}${b.roadNo}${b.compound}${b.buildingNo}号楼`,
      );
      expect(h.address).toBe(`${b.address}${h.unitNo}单元${h.roomNo}室`);
      expect(h.roomNo).toMatch(new RegExp(`^${h.floor}\\d{2}$`));
    }
  });

  it('makes every community and street boundary the union of its grids', () => {
    const { grids, communities, streets } = small.layout;
    for (const division of [...communities, ...streets]) {
      const own = grids.filter((g) => g.path.startsWith(division.path));
      const sum = own.reduce((s, g) => s + turfArea(g.polygon), 0);
      expect(own.length).toBeGreaterThan(0);
      expect(Math.abs(turfArea(division.boundary) - sum) / sum, division.name).toBeLessThan(1e-6);
    }
  });

  it('places facilities inside their grids, covering most residents but leaving the named gaps uncovered', () => {
    const { facilities, serviceGaps } = small.supply;
    for (const f of facilities)
      expect(booleanPointInPolygon([f.lng, f.lat], f.grid.polygon), f.name).toBe(true);
    const houseBuilding = new Map(small.population.houses.map((h) => [h.id, h.buildingId]));
    const buildingById = new Map(small.population.buildings.map((b) => [b.id, b]));
    expect(serviceGaps.map((g) => g.facilityType).sort()).toEqual(['ELDER_DAY_CARE', 'KINDERGARTEN']);
    for (const gap of serviceGaps) {
      const sites = facilities.filter((f) => f.type === gap.facilityType);
      const inGap = new Set(gap.gridIds);
      expect(inGap.size).toBeGreaterThan(0);
      expect(sites.filter((f) => inGap.has(f.grid.id))).toEqual([]);
      // Share of residents with a facility of the type within 300 m (GB 50180's 5-minute radius).
      const tally = { gap: { covered: 0, all: 0 }, elsewhere: { covered: 0, all: 0 } };
      for (const p of small.population.persons) {
        const b = buildingById.get(houseBuilding.get(p.houseId)!)!;
        const t = inGap.has(p.grid.id) ? tally.gap : tally.elsewhere;
        t.all++;
        if (sites.some((f) => haversine(b.lng, b.lat, f.lng, f.lat) <= 300)) t.covered++;
      }
      expect(tally.elsewhere.covered / tally.elsewhere.all, gap.facilityType).toBeGreaterThan(0.75);
      expect(tally.gap.covered / tally.gap.all, gap.facilityType).toBeLessThan(0.5);
    }
  });

  it('gives organizations valid unified social credit codes', () => {
    for (const o of small.supply.organizations) expect(parseUscc(o.uscc).ok, o.uscc).toBe(true);
  });
});

describeEachBackend('loading the demo district', createTestDatabase, (ctx) => {
  it('loads the small district with its demo accounts, and refuses a second load without changing anything', async () => {
    const { database, cipher } = ctx();
    const summary = await loadDemo(database, cipher, { size: 'small', seed: 7, today: TODAY });
    expect(summary.persons).toBe(small.population.persons.length);
    const db = database.db;
    const count = async (table: 'person' | 'grid' | 'account') =>
      Number((await db.selectFrom(table).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n);
    expect(await count('person')).toBe(summary.persons);
    expect(await count('grid')).toBe(summary.grids);
    const accounts = await db
      .selectFrom('account')
      .select(['username', 'role', 'scope_path', 'person_id'])
      .execute();
    expect(accounts.map((a) => a.username).sort()).toEqual(DEMO_ACCOUNTS.map((a) => a.username).sort());
    const { district, streets, communities, grids } = small.layout;
    const expectedScope: Record<string, string> = {
      district: district.path,
      street1: streets[0]!.path,
      community1: communities[0]!.path,
      community2: communities[1]!.path,
      grid1: grids.find((g) => g.path.startsWith(communities[0]!.path))!.path,
    };
    for (const demo of DEMO_ACCOUNTS) {
      const account = accounts.find((a) => a.username === demo.username)!;
      expect(account.role, demo.username).toBe(demo.role);
      if (expectedScope[demo.scope])
        expect(account.scope_path, demo.username).toBe(expectedScope[demo.scope]);
    }
    expect(communities[1]!.parentCode).toBe(streets[0]!.code);
    // The handling unit's demo staff member works for the urban management bureau.
    const members = await db
      .selectFrom('handling_unit_member')
      .innerJoin('account', 'account.id', 'handling_unit_member.account_id')
      .select(['account.username', 'handling_unit_member.unit_code'])
      .execute();
    expect(members).toEqual([{ username: 'unit01', unit_code: 'cityManagement' }]);
    const resident = accounts.find((a) => a.username === 'resident01')!;
    expect(resident.scope_path).toBe(expectedScope['grid1']);
    const person = await db
      .selectFrom('person')
      .select(['scope_path'])
      .where('id', '=', resident.person_id!)
      .executeTakeFirstOrThrow();
    expect(person.scope_path).toBe(resident.scope_path);
    // Encrypted at rest, found by the blind index, masked for lists.
    const sample = small.population.persons.find((p) => p.idNumber)!;
    const row = await db
      .selectFrom('person')
      .select(['id_number_cipher', 'id_number_masked'])
      .where('id_number_hash', '=', cipher.blindIndex(sample.idNumber!))
      .executeTakeFirstOrThrow();
    expect(cipher.open(row.id_number_cipher!)).toBe(sample.idNumber);
    expect(row.id_number_masked).toBe(`${sample.idNumber!.slice(0, 6)}********${sample.idNumber!.slice(-4)}`);
    // Every resident-data row's scope path is its grid's, below its street.
    for (const table of ['building', 'house', 'household', 'person', 'organization', 'facility'] as const) {
      const mismatched = await sql<{ n: number }>`
        select count(*)::int as n from ${sql.table(table)} r join grid g on g.id = r.grid_id
        where r.scope_path <> g.path or r.scope_path not like '/330192/' || r.street_code || '/%'`.execute(
        db,
      );
      expect(mismatched.rows[0]!.n, table).toBe(0);
    }
    // …and below its community.
    const outsideCommunity = await sql<{ n: number }>`
      select count(*)::int as n from person r join grid g on g.id = r.grid_id
      join admin_division c on c.code = g.community_code
      where c.level <> 5 or r.scope_path not like c.path || '%'`.execute(db);
    expect(outsideCommunity.rows[0]!.n).toBe(0);
    // Relations, ethnicities and tags are codes of the seeded code tables.
    const unknownCodes = await sql<{ n: number }>`
      select count(*)::int as n from person p
      where not exists (select 1 from code_value v where v.code_set = 'family_relation' and v.code = p.relation_to_head)
         or (p.ethnicity is not null and not exists
              (select 1 from code_value v where v.code_set = 'ethnicity' and v.code = p.ethnicity))
         or exists (select 1 from unnest(p.tags) t
              where not exists (select 1 from code_value v where v.code_set = 'person_tag' and v.code = t))`.execute(
      db,
    );
    expect(unknownCodes.rows[0]!.n).toBe(0);
    // Later inserts get fresh ids.
    const next = await sql<{
      id: number;
    }>`select nextval(pg_get_serial_sequence('person', 'id'))::int as id`.execute(db);
    expect(next.rows[0]!.id).toBeGreaterThan(summary.persons);

    const tables = [
      'admin_division',
      'grid',
      'building',
      'house',
      'household',
      'person',
      'organization',
      'facility',
      'service_provider',
      'account',
    ] as const;
    const counts = async () =>
      Promise.all(
        tables.map(async (t) =>
          Number((await db.selectFrom(t).select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow()).n),
        ),
      );
    const before = await counts();
    await expect(loadDemo(database, cipher, { size: 'small', seed: 8, today: TODAY })).rejects.toBeInstanceOf(
      DemoNotEmptyError,
    );
    expect(await counts()).toEqual(before);
    expect(before[tables.indexOf('person')]).toBe(summary.persons);
  });
});
