// Generates the demo district and loads it with COPY in one transaction, so an interrupted load leaves nothing.
import { maskIdNumber, maskPhone } from '../../lib/masking.ts';
import { SeededRandom } from '../../lib/random/seeded.ts';
import { hashPassword } from '../../platform/auth/passwords.ts';
import type { Role } from '../../platform/auth/roles.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { Database, Db } from '../../platform/db/index.ts';
import { seedDemoProfiles } from '../profiles/index.ts';
import { DEMO_DISTRICT, type DemoLayout, type DemoSize, generateLayout } from './district-layout.ts';
import { generatePopulation, type Population } from './population.ts';
import { generateProviderCredentials, type ProviderCredentials } from './provider-credentials.ts';
import { generateSupply, type Supply } from './services-supply.ts';
import { type DemoStreetNetwork, generateStreetNetwork } from './street-network.ts';
import { generateSupplyHistory, type SupplyHistory } from './supply-history.ts';

export interface DemoDistrict {
  layout: DemoLayout;
  population: Population;
  supply: Supply;
  streets: DemoStreetNetwork;
  history: SupplyHistory;
  /** Where providers are based, how far they serve, their prices and licences. */
  credentials: ProviderCredentials[];
  today: string;
}

export interface DemoAccount {
  username: string;
  password: string;
  displayName: string;
  role: Role;
  /** How the account's scope is found in the generated district. */
  scope: 'district' | 'street1' | 'community1' | 'community2' | 'grid1' | 'provider1' | 'resident1';
  /** A handling unit's staff: the unit (a department of the request categories) the account works for. */
  unit?: { code: string; name: string };
}

/** The demo accounts (README lists the same). Browser tests and docs use this list. */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  {
    username: 'admin',
    password: 'Admin@2026',
    displayName: '王立',
    role: 'district_admin',
    scope: 'district',
  },
  {
    username: 'street01',
    password: 'Street@2026',
    displayName: '陈晓',
    role: 'street_officer',
    scope: 'street1',
  },
  {
    username: 'community01',
    password: 'Community@2026',
    displayName: '李敏',
    role: 'community_worker',
    scope: 'community1',
  },
  {
    username: 'community02',
    password: 'Community@2026',
    displayName: '赵婷',
    role: 'community_worker',
    scope: 'community2',
  },
  {
    username: 'grid01',
    password: 'Grid@2026',
    displayName: '周强',
    role: 'grid_worker',
    scope: 'grid1',
  },
  {
    username: 'hotline',
    password: 'Hotline@2026',
    displayName: '孙悦',
    role: 'hotline_operator',
    scope: 'district',
  },
  {
    username: 'provider01',
    password: 'Provider@2026',
    displayName: '颐康居家养老服务中心',
    role: 'service_provider',
    scope: 'provider1',
  },
  {
    username: 'resident01',
    password: 'Resident@2026',
    displayName: '居民',
    role: 'resident',
    scope: 'resident1',
  },
  {
    username: 'unit01',
    password: 'Unit@2026',
    displayName: '刘洋',
    role: 'unit_handler',
    scope: 'district',
    // The department most request categories go to (categories.ts: cityManagement), so the demo has orders to act on.
    unit: { code: 'cityManagement', name: '区城管局' },
  },
  {
    username: 'auditor',
    password: 'Auditor@2026',
    displayName: '吴宁',
    role: 'auditor',
    scope: 'district',
  },
];

export { DEMO_DISTRICT };

export function generateDemoDistrict(opts: { size: DemoSize; seed: number; today?: string }): DemoDistrict {
  const today = opts.today ?? new Date().toISOString().slice(0, 10);
  const rng = new SeededRandom(opts.seed);
  const layout = generateLayout(opts.size, rng);
  const population = generatePopulation(layout.grids, opts.size, new SeededRandom(opts.seed + 1), today);
  const supply = generateSupply(layout, population.buildings, new SeededRandom(opts.seed + 2));
  const streets = generateStreetNetwork(layout, new SeededRandom(opts.seed + 3));
  const history = generateSupplyHistory(
    layout,
    population.persons,
    supply.providers,
    today,
    new SeededRandom(opts.seed + 4),
  );
  const credentials = generateProviderCredentials(
    supply.providers,
    supply.organizations,
    history.providerPrices,
    today,
    opts.seed + 5,
  );
  return { layout, population, supply, streets, history, credentials, today };
}

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const person = await db.selectFrom('person').select('id').limit(1).executeTakeFirst();
  const division = await db.selectFrom('admin_division').select('code').limit(1).executeTakeFirst();
  return !person && !division;
}

export interface DemoSummary {
  size: DemoSize;
  streets: number;
  communities: number;
  grids: number;
  buildings: number;
  houses: number;
  households: number;
  persons: number;
  facilities: number;
  organizations: number;
  providers: number;
  accounts: number;
  generateSeconds: number;
  loadSeconds: number;
}

export class DemoNotEmptyError extends Error {
  constructor() {
    super(
      '数据库中已有数据，演示数据只能加载到空数据库 (the database already holds data; the demo loads into an empty one)',
    );
  }
}

type Progress = (done: number, total: number, label: string) => void;

export async function loadDemo(
  database: Database,
  cipher: FieldCipher,
  opts: {
    size: DemoSize;
    seed: number;
    today?: string;
    onProgress?: Progress;
    /** Run the first profile evaluation (default true). Benchmarks of other domains skip it: at 1,000,000
     * residents it takes minutes and changes nothing they measure. */
    profiles?: boolean;
  },
): Promise<DemoSummary> {
  if (!(await isDatabaseEmpty(database.db))) throw new DemoNotEmptyError();
  const progress = opts.onProgress ?? (() => {});
  const t0 = performance.now();
  progress(0, 10, '生成 generating');
  const demo = generateDemoDistrict(opts);
  const t1 = performance.now();
  const { layout, population: pop, supply } = demo;
  const accountHashes = await Promise.all(DEMO_ACCOUNTS.map((a) => hashPassword(a.password)));
  const src = 'demo';
  const stamp = new Date(`${demo.today}T00:00:00+08:00`);
  await database.bulk(async (s) => {
    progress(1, 10, '区划 divisions');
    const divisions = [layout.district, ...layout.streets, ...layout.communities];
    await s.copy(
      'admin_division',
      [
        'code',
        'edition',
        'level',
        'kind',
        'name',
        'parent_code',
        'path',
        'ur_class',
        'boundary',
        'center_lng',
        'center_lat',
        'source',
        'source_updated_at',
      ],
      divisions.map((d) => [
        d.code,
        DEMO_DISTRICT.edition,
        d.level,
        d.kind,
        d.name,
        d.parentCode,
        d.path,
        d.level === 5 ? '111' : null,
        d.boundary,
        d.centerLng,
        d.centerLat,
        src,
        stamp,
      ]),
    );
    await s.copy(
      'grid',
      [
        'id',
        'community_code',
        'street_code',
        'local_code',
        'name',
        'path',
        'boundary',
        'center_lng',
        'center_lat',
        'area_m2',
        'source',
        'source_updated_at',
      ],
      layout.grids.map((g) => [
        g.id,
        g.communityCode,
        g.streetCode,
        g.localCode,
        g.name,
        g.path,
        g.polygon,
        g.centerLng,
        g.centerLat,
        g.areaM2,
        src,
        stamp,
      ]),
    );
    progress(2, 10, '楼栋 buildings');
    await s.copy(
      'building',
      [
        'id',
        'street_code',
        'grid_id',
        'scope_path',
        'name',
        'compound',
        'road',
        'road_no',
        'building_no',
        'address',
        'use_type',
        'floors',
        'units',
        'built_year',
        'lng',
        'lat',
        'source',
        'source_updated_at',
      ],
      pop.buildings.map((b) => [
        b.id,
        b.grid.streetCode,
        b.grid.id,
        b.grid.path,
        b.name,
        b.compound,
        b.road,
        b.roadNo,
        b.buildingNo,
        b.address,
        'residential',
        b.floors,
        b.units,
        b.builtYear,
        b.lng,
        b.lat,
        src,
        stamp,
      ]),
    );
    progress(3, 10, '房屋 houses');
    await s.copy(
      'house',
      [
        'id',
        'building_id',
        'street_code',
        'grid_id',
        'scope_path',
        'unit_no',
        'floor',
        'room_no',
        'address',
        'area_m2',
        'use_type',
        'occupancy',
        'source',
        'source_updated_at',
      ],
      pop.houses.map((h) => [
        h.id,
        h.buildingId,
        h.grid.streetCode,
        h.grid.id,
        h.grid.path,
        h.unitNo,
        h.floor,
        h.roomNo,
        h.address,
        Math.max(20, h.areaM2),
        'residential',
        h.occupancy,
        src,
        stamp,
      ]),
    );
    progress(4, 10, '户 households');
    await s.copy(
      'household',
      [
        'id',
        'street_code',
        'grid_id',
        'scope_path',
        'house_id',
        'household_no',
        'registration_type',
        'head_person_id',
        'member_count',
        'source',
        'source_updated_at',
      ],
      pop.households.map((h) => [
        h.id,
        h.grid.streetCode,
        h.grid.id,
        h.grid.path,
        h.houseId,
        h.householdNo,
        h.registrationType,
        h.headPersonId,
        h.memberCount,
        src,
        stamp,
      ]),
    );
    progress(5, 10, '居民 residents');
    await s.copy(
      'person',
      [
        'id',
        'street_code',
        'grid_id',
        'scope_path',
        'household_id',
        'house_id',
        'name',
        'sex',
        'birth_date',
        'id_type',
        'id_number_cipher',
        'id_number_hash',
        'id_number_masked',
        'phone_cipher',
        'phone_hash',
        'phone_masked',
        'ethnicity',
        'registration_type',
        'relation_to_head',
        'tags',
        'source',
        'source_updated_at',
      ],
      (function* () {
        for (const p of pop.persons) {
          yield [
            p.id,
            p.grid.streetCode,
            p.grid.id,
            p.grid.path,
            p.householdId,
            p.houseId,
            p.name,
            p.sex,
            p.birthDate,
            p.idType,
            p.idNumber ? cipher.seal(p.idNumber) : null,
            p.idNumber ? cipher.blindIndex(p.idNumber) : null,
            p.idNumber ? maskIdNumber(p.idNumber) : null,
            p.phone ? cipher.seal(p.phone) : null,
            p.phone ? cipher.blindIndex(p.phone) : null,
            p.phone ? maskPhone(p.phone) : null,
            p.ethnicity,
            p.registrationType,
            p.relationToHead,
            p.tags,
            src,
            stamp,
          ];
        }
      })(),
    );
    progress(7, 10, '组织与设施 organizations and facilities');
    await s.copy(
      'organization',
      [
        'id',
        'street_code',
        'grid_id',
        'scope_path',
        'uscc',
        'name',
        'kind',
        'industry',
        'legal_rep_name',
        'contact_phone',
        'address',
        'lng',
        'lat',
        'employees',
        'source',
        'source_updated_at',
      ],
      supply.organizations.map((o) => [
        o.id,
        o.grid.streetCode,
        o.grid.id,
        o.grid.path,
        o.uscc,
        o.name,
        o.kind,
        o.industry,
        o.legalRepName,
        o.contactPhone,
        o.address,
        o.lng,
        o.lat,
        o.employees,
        src,
        stamp,
      ]),
    );
    await s.copy(
      'facility',
      [
        'id',
        'street_code',
        'grid_id',
        'scope_path',
        'type',
        'name',
        'address',
        'lng',
        'lat',
        'capacity',
        'floor_m2',
        'opening_hours',
        'source',
        'source_updated_at',
      ],
      supply.facilities.map((f) => [
        f.id,
        f.grid.streetCode,
        f.grid.id,
        f.grid.path,
        f.type,
        f.name,
        f.address,
        f.lng,
        f.lat,
        f.capacity,
        f.floorM2,
        f.openingHours,
        src,
        stamp,
      ]),
    );
    await s.copy(
      'service_provider',
      [
        'id',
        'street_code',
        'scope_path',
        'organization_id',
        'name',
        'kind',
        'service_categories',
        'capacity_per_month',
        'rating',
        'contact_phone',
        'source',
        'source_updated_at',
        'lng',
        'lat',
        'service_radius_m',
        'price_per_hour',
      ],
      supply.providers.map((p, i) => {
        const c = demo.credentials[i]!;
        return [
          p.id,
          p.streetCode,
          p.scopePath,
          p.organizationId,
          p.name,
          p.kind,
          p.serviceCategories,
          p.capacityPerMonth,
          p.rating,
          p.contactPhone,
          src,
          stamp,
          c.lng,
          c.lat,
          c.serviceRadiusM,
          c.pricePerHour,
        ];
      }),
    );
    await s.copy(
      'provider_qualification',
      ['provider_id', 'kind', 'number', 'issued_by', 'categories', 'valid_from', 'valid_until'],
      demo.credentials.flatMap((c) =>
        c.qualifications.map((q) => [
          q.providerId,
          q.kind,
          q.number,
          q.issuedBy,
          q.categories,
          q.validFrom,
          q.validUntil,
        ]),
      ),
    );
    await s.copy(
      'walk_node',
      ['id', 'lng', 'lat', 'kind'],
      demo.streets.nodes.map((n) => [n.id, n.lng, n.lat, n.kind]),
    );
    await s.copy(
      'walk_edge',
      ['id', 'from_node', 'to_node', 'length_m', 'kind', 'source'],
      demo.streets.edges.map((e) => [e.id, e.from, e.to, e.lengthM, e.kind, src]),
    );
    await s.copy(
      'community_resource',
      ['community_code', 'street_code', 'year', 'budget', 'staff'],
      demo.history.resources.map((r) => [r.communityCode, r.streetCode, r.year, r.budget, r.staff]),
    );
    const providerAccount = DEMO_ACCOUNTS.findIndex((a) => a.scope === 'provider1') + 1;
    await s.copy(
      'service_delivery',
      [
        'id',
        'street_code',
        'grid_id',
        'scope_path',
        'provider_id',
        'person_id',
        'worker_name',
        'category',
        'description',
        'started_at',
        'minutes',
        'cost',
        'source_kind',
        'source_id',
        'confirmed_at',
        'resident_rating',
        'recorded_by',
        'recorded_at',
      ],
      demo.history.deliveries.map((d) => [
        d.id,
        d.person.grid.streetCode,
        d.person.grid.id,
        d.person.grid.path,
        d.providerId,
        d.person.id,
        d.workerName,
        d.category,
        d.description,
        d.startedAt,
        d.minutes,
        d.cost,
        d.sourceKind,
        d.sourceId,
        d.confirmedAt,
        d.rating,
        d.providerId === supply.providers[0]!.id ? providerAccount : 1,
        d.confirmedAt ?? d.startedAt,
      ]),
    );
    progress(8, 10, '账号 accounts');
    const grid1 = layout.grids[0]!;
    const resident1 = pop.persons.find(
      (p) => p.grid.id === grid1.id && p.idType === '111' && p.relationToHead === '02',
    )!;
    const scopes: Record<DemoAccount['scope'], string> = {
      district: layout.district.path,
      street1: layout.streets[0]!.path,
      community1: layout.communities[0]!.path,
      community2: layout.communities[1]!.path,
      grid1: grid1.path,
      provider1: supply.providers[0]!.scopePath,
      resident1: grid1.path,
    };
    // Accounts are written here rather than through createAccount (accounts.service.ts) for two reasons: they must
    // be inside this transaction, which createAccount cannot join (it takes a Kysely Db, and this is a raw COPY
    // session), and the demo passwords fixed for the README and browser tests (Admin@2026 for admin, …) break the
    // password policy's "must not contain the username" rule that createAccount enforces. The hash is the same
    // argon2id hashPassword the service uses, and the scopes and links come from the generated district itself.
    await s.copy(
      'account',
      ['id', 'username', 'display_name', 'password_hash', 'role', 'scope_path', 'person_id', 'provider_id'],
      DEMO_ACCOUNTS.map((a, i) => [
        i + 1,
        a.username,
        a.scope === 'resident1' ? resident1.name : a.displayName,
        accountHashes[i]!,
        a.role,
        scopes[a.scope],
        a.scope === 'resident1' ? resident1.id : null,
        a.scope === 'provider1' ? supply.providers[0]!.id : null,
      ]),
    );
    const unitAccounts = DEMO_ACCOUNTS.flatMap((a, i) => (a.unit ? [{ id: i + 1, unit: a.unit }] : []));
    await s.copy(
      'handling_unit',
      ['code', 'name', 'kind', 'scope_path'],
      [...new Map(unitAccounts.map((a) => [a.unit.code, a.unit])).values()].map((u) => [
        u.code,
        u.name,
        'department',
        null,
      ]),
    );
    await s.copy(
      'handling_unit_member',
      ['account_id', 'unit_code'],
      unitAccounts.map((a) => [a.id, a.unit.code]),
    );
    progress(9, 10, '索引 sequences');
    // Rows were loaded with explicit ids: move each identity sequence past them so later inserts work.
    for (const table of [
      'grid',
      'building',
      'house',
      'household',
      'person',
      'organization',
      'facility',
      'service_provider',
      'account',
      'walk_edge',
      'service_delivery',
    ]) {
      await s.exec(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT max(id) FROM ${table}))`);
    }
    // Fresh planner statistics: without them the planner takes a district of 100,000 residents for a few hundred
    // rows and sorts the whole scope for every unfiltered page instead of walking the primary key.
    await s.exec('ANALYZE');
  });
  // profiles: default rules, disability grades and benefit grants for most (not all) who qualify, first evaluation.
  if (opts.profiles !== false) await seedDemoProfiles(database, demo.today);
  progress(10, 10, '完成 done');
  return {
    size: opts.size,
    streets: layout.streets.length,
    communities: layout.communities.length,
    grids: layout.grids.length,
    buildings: pop.buildings.length,
    houses: pop.houses.length,
    households: pop.households.length,
    persons: pop.persons.length,
    facilities: supply.facilities.length,
    organizations: supply.organizations.length,
    providers: supply.providers.length,
    accounts: DEMO_ACCOUNTS.length,
    generateSeconds: (t1 - t0) / 1000,
    loadSeconds: (performance.now() - t1) / 1000,
  };
}
