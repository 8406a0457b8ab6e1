// Facilities of the GB 50180 types, organizations with valid unified social credit codes, and service providers.
// Supply follows the life-circle levels: 15-minute facilities per street, 10-minute ones per community, 5-minute
// ones per grid (a grid cell is about 390 m across, so one facility in it serves most of the cell within 300 m),
// and block facilities per residential compound. Two gaps are left on purpose so that coverage analysis has
// something to find; `serviceGaps` names them and the grids they affect.

import type { SeededRandom } from '../../lib/random/seeded.ts';
import { makeUscc } from '../../lib/uscc.ts';
import {
  DEMO_DISTRICT,
  type DemoDivision,
  type DemoGrid,
  type DemoLayout,
  pointInGrid,
  pointNear,
} from './district-layout.ts';
import { givenNameFor, SURNAMES } from './names.ts';
import type { BuildingRow } from './population.ts';

export interface FacilityRow {
  id: number;
  grid: DemoGrid;
  type: string;
  name: string;
  address: string;
  lng: number;
  lat: number;
  capacity: number | null;
  floorM2: number | null;
  openingHours: string;
}

export interface OrganizationRow {
  id: number;
  grid: DemoGrid;
  uscc: string;
  name: string;
  kind: 'enterprise' | 'individual_business' | 'social_org' | 'public_institution';
  industry: string;
  legalRepName: string;
  contactPhone: string;
  address: string;
  lng: number;
  lat: number;
  employees: number;
}

export interface ProviderRow {
  id: number;
  streetCode: string;
  scopePath: string;
  organizationId: number | null;
  name: string;
  kind: 'company' | 'social_org' | 'volunteer_team' | 'public_institution';
  serviceCategories: string[];
  capacityPerMonth: number;
  rating: number;
  contactPhone: string;
}

/** A deliberate hole in the supply: grids whose residents have no facility of this type in their grid. */
export interface ServiceGap {
  facilityType: string;
  gridIds: number[];
  zh: string;
  en: string;
}

export interface Supply {
  facilities: FacilityRow[];
  organizations: OrganizationRow[];
  providers: ProviderRow[];
  serviceGaps: ServiceGap[];
}

/** Grids this far from the old core (0 centre … 1 corner) are the sparse edge that has no kindergarten. */
export const KINDERGARTEN_GAP_REMOTENESS = 0.75;

interface FacilitySpec {
  label: string;
  hours: string;
  /** Range of `capacity`, in the facility type's capacity unit (beds, classes, places, seats, m²). */
  capacity?: [number, number];
  /** Range of floor area, m²; absent for outdoor grounds and points. */
  floor?: [number, number];
}

// Floor areas follow GB 50180-2018 Appendix C where it gives them (service station 600–1000 m², day care
// 350–750 m², culture station 250–1200 m², health station 120–270 m², food market 750–1500 m²); the rest are
// typical values. Opening hours are in OpenStreetMap opening_hours syntax.
const SPECS: Record<string, FacilitySpec> = {
  JUNIOR_SCHOOL: { label: '中学', hours: 'Mo-Fr 07:10-17:00', capacity: [18, 36], floor: [9000, 16000] },
  SPORTS_LARGE: { label: '全民健身中心', hours: 'Mo-Su 06:00-21:00', capacity: [3150, 5620] },
  HEALTH_CENTER: {
    label: '社区卫生服务中心',
    hours: 'Mo-Su 08:00-17:30',
    capacity: [20, 80],
    floor: [1700, 2000],
  },
  CLINIC: { label: '门诊部', hours: 'Mo-Su 08:00-20:00', floor: [300, 800] },
  NURSING_HOME: { label: '养老院', hours: '24/7', capacity: [80, 300], floor: [7000, 17500] },
  ELDER_CARE_HOME: { label: '老年养护院', hours: '24/7', capacity: [60, 200], floor: [3500, 17500] },
  CULTURE_CENTER: {
    label: '文化活动中心',
    hours: 'Tu-Su 09:00-21:00',
    capacity: [3000, 6000],
    floor: [3000, 6000],
  },
  COMMUNITY_SERVICE_CENTER: {
    label: '社区服务中心',
    hours: 'Mo-Fr 08:30-17:00; Sa 09:00-12:00',
    capacity: [700, 1500],
    floor: [700, 1500],
  },
  SUBDISTRICT_OFFICE: { label: '办事处', hours: 'Mo-Fr 08:30-12:00,13:30-17:00', floor: [1000, 2000] },
  JUDICIAL_OFFICE: { label: '司法所', hours: 'Mo-Fr 08:30-12:00,13:30-17:00', floor: [80, 240] },
  POLICE_STATION: { label: '派出所', hours: '24/7', floor: [1000, 1600] },
  MALL: { label: '商业中心', hours: 'Mo-Su 10:00-22:00', floor: [8000, 30000] },
  BANK: { label: '银行营业网点', hours: 'Mo-Fr 09:00-17:00; Sa,Su 09:30-16:00', floor: [200, 800] },
  POST: { label: '邮政支局', hours: 'Mo-Su 08:30-17:30', floor: [100, 300] },
  FIRE_STATION: { label: '消防救援站', hours: '24/7', floor: [2000, 4000] },
  PRIMARY_SCHOOL: { label: '小学', hours: 'Mo-Fr 07:30-16:30', capacity: [18, 36], floor: [6000, 12000] },
  SPORTS_MEDIUM: { label: '运动场', hours: 'Mo-Su 06:00-21:00', capacity: [1310, 2460] },
  FOOD_MARKET: { label: '农贸市场', hours: 'Mo-Su 06:00-19:00', capacity: [750, 1500], floor: [750, 1500] },
  BUS_STOP: { label: '公交站', hours: 'Mo-Su 05:30-23:00' },
  COMMUNITY_SERVICE_STATION: {
    label: '社区服务站',
    hours: 'Mo-Fr 08:30-17:00; Sa 09:00-12:00',
    capacity: [600, 1000],
    floor: [600, 1000],
  },
  CULTURE_STATION: {
    label: '文化活动站',
    hours: 'Tu-Su 09:00-21:00',
    capacity: [250, 1200],
    floor: [250, 1200],
  },
  SPORTS_SMALL: { label: '小型运动场', hours: 'Mo-Su 06:00-21:00', capacity: [770, 1310] },
  OUTDOOR_FITNESS: { label: '健身广场', hours: '24/7', capacity: [150, 750] },
  KINDERGARTEN: { label: '幼儿园', hours: 'Mo-Fr 07:30-17:30', capacity: [6, 15], floor: [2200, 4500] },
  NURSERY: { label: '托育园', hours: 'Mo-Fr 07:30-18:00', capacity: [30, 90], floor: [300, 900] },
  ELDER_DAY_CARE: {
    label: '老年人日间照料中心',
    hours: 'Mo-Su 08:00-18:00',
    capacity: [20, 60],
    floor: [350, 750],
  },
  HEALTH_STATION: { label: '社区卫生服务站', hours: 'Mo-Sa 08:00-17:00', floor: [120, 270] },
  CANTEEN: {
    label: '老年食堂',
    hours: 'Mo-Su 10:30-13:00,16:30-18:30',
    capacity: [40, 150],
    floor: [150, 400],
  },
  COMMUNITY_SHOP: { label: '超市', hours: 'Mo-Su 07:00-22:00', floor: [80, 600] },
  RECYCLING_POINT: { label: '再生资源回收点', hours: 'Mo-Su 08:00-17:00', floor: [20, 60] },
  WASTE_STATION: { label: '垃圾收集站', hours: 'Mo-Su 06:00-21:00', floor: [80, 200] },
  PUBLIC_TOILET: { label: '公共厕所', hours: '24/7', floor: [30, 80] },
  PROPERTY_MGMT: { label: '物业服务中心', hours: 'Mo-Su 08:00-18:00', floor: [50, 200] },
  PLAYGROUND: { label: '儿童老年人活动场地', hours: 'Mo-Su 06:00-22:00', capacity: [170, 450] },
  CONVENIENCE_STORE: { label: '便利店', hours: '24/7', floor: [50, 150] },
  PARCEL_POINT: { label: '快递驿站', hours: 'Mo-Su 08:00-21:00', floor: [20, 80] },
  WASTE_POINT: { label: '垃圾分类投放点', hours: 'Mo-Su 07:00-09:00,18:00-20:00' },
};

/** One of each per street (15-minute life circle). */
const PER_STREET = [
  'HEALTH_CENTER',
  'SUBDISTRICT_OFFICE',
  'JUDICIAL_OFFICE',
  'POLICE_STATION',
  'COMMUNITY_SERVICE_CENTER',
  'CULTURE_CENTER',
  'NURSING_HOME',
  'ELDER_CARE_HOME',
  'MALL',
  'POST',
  'SPORTS_LARGE',
  'CLINIC',
];
/** Per community (10- and 5-minute facilities that serve a whole community), with the chance of having one. */
const PER_COMMUNITY: ReadonlyArray<readonly [string, number]> = [
  ['COMMUNITY_SERVICE_STATION', 1],
  ['CULTURE_STATION', 0.9],
  ['PRIMARY_SCHOOL', 0.8],
  ['FOOD_MARKET', 0.9],
  ['SPORTS_MEDIUM', 0.5],
  ['SPORTS_SMALL', 0.8],
  ['HEALTH_STATION', 0.9],
  ['CANTEEN', 0.7],
  ['NURSERY', 0.5],
  ['BANK', 0.5],
];
/** Per grid (5-minute facilities within 300 m), with the chance of having one. */
const PER_GRID: ReadonlyArray<readonly [string, number]> = [
  ['ELDER_DAY_CARE', 0.9],
  ['KINDERGARTEN', 0.85],
  ['BUS_STOP', 1],
  ['COMMUNITY_SHOP', 1],
  ['OUTDOOR_FITNESS', 0.7],
  ['PUBLIC_TOILET', 0.7],
  ['WASTE_STATION', 0.6],
  ['RECYCLING_POINT', 0.6],
];
/** Per residential compound (居住街坊). */
const PER_COMPOUND: ReadonlyArray<readonly [string, number, number]> = [
  // [type, chance in an old compound, chance in a newer estate]
  ['PROPERTY_MGMT', 0.6, 1],
  ['CONVENIENCE_STORE', 0.8, 0.8],
  ['PARCEL_POINT', 0.8, 0.95],
  ['PLAYGROUND', 0.4, 0.85],
  ['WASTE_POINT', 1, 1],
];

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'.split('');
const TRADE_NAMES =
  '云启 恒通 华信 安捷 瑞丰 鼎盛 嘉禾 金诚 卓越 远航 和泰 宏达 新锐 众邦 信诚 汇丰 博远 鸿运 海纳 天成 德润 明远 中禾 凯旋 润泽 誉达 佳和 聚力 创联 同舟'.split(
    ' ',
  );
const ENTERPRISE_LINES: ReadonlyArray<readonly [string, string]> = [
  ['餐饮', '餐饮管理'],
  ['零售', '商贸'],
  ['物业管理', '物业管理'],
  ['家政服务', '家政服务'],
  ['教育培训', '教育科技'],
  ['医疗健康', '医疗科技'],
  ['软件和信息技术', '信息技术'],
  ['建筑装饰', '装饰工程'],
  ['物流快递', '供应链管理'],
  ['美容美发', '美容管理'],
];
const SHOPS: ReadonlyArray<readonly [string, string]> = [
  ['餐饮', '面馆'],
  ['餐饮', '早餐店'],
  ['餐饮', '小吃店'],
  ['零售', '水果店'],
  ['零售', '五金店'],
  ['零售', '烟酒店'],
  ['美容美发', '理发店'],
  ['居民服务', '修鞋店'],
  ['居民服务', '洗衣店'],
  ['零售', '便利店'],
];
const SOCIAL_ORGS: ReadonlyArray<readonly [string, string]> = [
  // [registration category of the USCC (51 社会团体, 52 民办非企业单位), name ending]
  ['51', '志愿者协会'],
  ['51', '老年人协会'],
  ['51', '邻里互助会'],
  ['52', '社会工作服务中心'],
  ['52', '居家养老服务中心'],
  ['52', '青少年活动中心'],
];
const PUBLIC_INSTITUTIONS = ['文化站', '社区学校', '市政养护所', '园林绿化管理所', '退役军人服务站'];

export const SERVICE_CATEGORIES = [
  'elderly_care',
  'home_repair',
  'cleaning',
  'meal_delivery',
  'rehabilitation',
  'child_care',
  'legal_aid',
  'psychological_support',
];

/** Provider names with their kind and categories; the first is the provider of the provider01 demo account. */
const PROVIDERS: ReadonlyArray<readonly [string, ProviderRow['kind'], readonly string[]]> = [
  ['颐康居家养老服务中心', 'social_org', ['elderly_care', 'meal_delivery', 'rehabilitation']],
  ['邻里帮家政服务有限公司', 'company', ['cleaning', 'home_repair']],
  ['安心维修服务有限公司', 'company', ['home_repair']],
  ['暖心助餐服务社', 'social_org', ['meal_delivery', 'elderly_care']],
  ['康复之家护理站', 'company', ['rehabilitation', 'elderly_care']],
  ['童乐托育中心', 'company', ['child_care']],
  ['法润社区法律服务所', 'social_org', ['legal_aid']],
  ['心晴心理咨询中心', 'social_org', ['psychological_support']],
  ['夕阳红志愿服务队', 'volunteer_team', ['elderly_care', 'psychological_support']],
  ['青青草志愿服务队', 'volunteer_team', ['child_care', 'cleaning']],
  ['社工服务中心', 'social_org', ['psychological_support', 'legal_aid', 'elderly_care']],
  ['红十字救护服务队', 'volunteer_team', ['rehabilitation']],
  ['洁家保洁服务有限公司', 'company', ['cleaning']],
  ['乐龄康养护理院', 'public_institution', ['elderly_care', 'rehabilitation']],
];

function shortName(division: { name: string }): string {
  return division.name.replace(/(街道|社区)$/, '');
}

export function generateSupply(layout: DemoLayout, buildings: BuildingRow[], rng: SeededRandom): Supply {
  const gridsOf = (d: DemoDivision) => layout.grids.filter((g) => g.path.startsWith(d.path));
  const roadsOfGrid = new Map<number, { road: string; roadNo: string }[]>();
  const compounds = new Map<string, BuildingRow[]>();
  for (const b of buildings) {
    const roads = roadsOfGrid.get(b.grid.id) ?? [];
    roads.push({ road: b.road, roadNo: b.roadNo });
    roadsOfGrid.set(b.grid.id, roads);
    const inCompound = compounds.get(b.compound) ?? [];
    inCompound.push(b);
    compounds.set(b.compound, inCompound);
  }
  const addressIn = (grid: DemoGrid) => {
    const roads = roadsOfGrid.get(grid.id);
    const road = roads ? rng.pick(roads).road : '云溪大道';
    return `${DEMO_DISTRICT.province}${DEMO_DISTRICT.city}${DEMO_DISTRICT.name}${grid.streetName}${road}${rng.int(1, 400)}号`;
  };
  const randomName = () =>
    rng.weighted(SURNAMES) + givenNameFor(rng.int(1955, 1995), rng.chance(0.5) ? '1' : '2', () => rng.next());

  const facilities: FacilityRow[] = [];
  const place = (
    type: string,
    grid: DemoGrid,
    name: string,
    at?: { lng: number; lat: number; address: string },
  ) => {
    const spec = SPECS[type]!;
    const [lng, lat] = at ? pointNear(grid, rng, at.lng, at.lat, 60) : pointInGrid(grid, rng);
    facilities.push({
      id: facilities.length + 1,
      grid,
      type,
      name,
      address: at?.address ?? addressIn(grid),
      lng,
      lat,
      capacity: spec.capacity ? rng.int(spec.capacity[0], spec.capacity[1]) : null,
      floorM2: spec.floor ? rng.int(spec.floor[0], spec.floor[1]) : null,
      openingHours: spec.hours,
    });
  };

  // Gap 1: the last street has elderly day care in its first community only.
  const gapStreet = layout.streets[layout.streets.length - 1]!;
  const gapStreetFirstCommunity = layout.communities.find((c) => c.parentCode === gapStreet.code)!;
  const dayCareMissing = (g: DemoGrid) =>
    g.streetCode === gapStreet.code.slice(0, 9) && g.communityCode !== gapStreetFirstCommunity.code;
  // Gap 2: the sparse edge has no kindergarten.
  const kindergartenMissing = (g: DemoGrid) => g.remoteness >= KINDERGARTEN_GAP_REMOTENESS;

  layout.streets.forEach((street, si) => {
    const grids = gridsOf(street);
    const short = shortName(street);
    for (const type of PER_STREET) {
      const name =
        type === 'SUBDISTRICT_OFFICE' || type === 'JUDICIAL_OFFICE' || type === 'HEALTH_CENTER'
          ? `${street.name}${SPECS[type]!.label}`
          : `${short}${SPECS[type]!.label}`;
      place(type, rng.pick(grids), name);
    }
    const communities = layout.communities.filter((c) => c.parentCode === street.code);
    // A junior school per three communities, a fire station per three streets.
    for (let k = 0; k < Math.ceil(communities.length / 3); k++) {
      place('JUNIOR_SCHOOL', rng.pick(grids), `${DEMO_DISTRICT.name}${short}${k === 0 ? '' : '第二'}中学`);
    }
    if (si % 3 === 0) place('FIRE_STATION', rng.pick(grids), `${short}${SPECS['FIRE_STATION']!.label}`);
    for (const community of communities) {
      const cGrids = gridsOf(community);
      const cShort = shortName(community);
      for (const [type, chance] of PER_COMMUNITY) {
        if (!rng.chance(chance)) continue;
        const name =
          type === 'PRIMARY_SCHOOL' ? `${DEMO_DISTRICT.name}${cShort}小学` : `${cShort}${SPECS[type]!.label}`;
        place(type, rng.pick(cGrids), name);
      }
      const counts = new Map<string, number>();
      for (const grid of cGrids) {
        for (const [type, chance] of PER_GRID) {
          if (type === 'ELDER_DAY_CARE' && dayCareMissing(grid)) continue;
          if (type === 'KINDERGARTEN' && kindergartenMissing(grid)) continue;
          if (!rng.chance(chance)) continue;
          const n = (counts.get(type) ?? 0) + 1;
          counts.set(type, n);
          const road = roadsOfGrid.get(grid.id)?.[0]?.road ?? '云溪大道';
          const name =
            type === 'BUS_STOP'
              ? `${road}${cShort}${grid.localCode.slice(1)}站`
              : `${cShort}${SPECS[type]!.label}${n > 1 ? `${n}号点` : ''}`;
          place(type, grid, name);
        }
      }
    }
  });

  for (const [compound, members] of compounds) {
    const first = members[0]!;
    const isOld = first.builtYear < 2003;
    const base = first.address.slice(0, first.address.length - `${first.buildingNo}号楼`.length);
    for (const [type, oldChance, newChance] of PER_COMPOUND) {
      const copies = type === 'WASTE_POINT' ? Math.ceil(members.length / 2) : 1;
      for (let k = 1; k <= copies; k++) {
        if (!rng.chance(isOld ? oldChance : newChance)) continue;
        const near = members[(k - 1) % members.length]!;
        const name = `${compound}${SPECS[type]!.label}${copies > 1 ? k : ''}`;
        place(type, near.grid, name, { lng: near.lng, lat: near.lat, address: base });
      }
    }
  }

  const organizations: OrganizationRow[] = [];
  const usccs = new Set<string>();
  const orgNames = new Set<string>();
  const newUscc = (authorityCategory: string) => {
    for (;;) {
      let body = '';
      for (let i = 0; i < 8; i++) body += rng.pick(USCC_CHARS);
      const uscc = makeUscc(authorityCategory, DEMO_DISTRICT.code, body);
      if (uscc && !usccs.has(uscc)) {
        usccs.add(uscc);
        return uscc;
      }
    }
  };
  const uniqueName = (name: string) => {
    let candidate = name;
    for (let n = 2; orgNames.has(candidate); n++) candidate = `${name}（${n}）`;
    orgNames.add(candidate);
    return candidate;
  };
  const addOrganization = (
    grid: DemoGrid,
    kind: OrganizationRow['kind'],
    authorityCategory: string,
    name: string,
    industry: string,
  ) => {
    const [lng, lat] = pointInGrid(grid, rng);
    const org: OrganizationRow = {
      id: organizations.length + 1,
      grid,
      uscc: newUscc(authorityCategory),
      name: uniqueName(name),
      kind,
      industry,
      legalRepName: randomName(),
      contactPhone: `0571-8${String(rng.int(0, 9_999_999)).padStart(7, '0')}`,
      address: addressIn(grid),
      lng,
      lat,
      employees: kind === 'individual_business' ? rng.int(1, 8) : rng.int(5, 300),
    };
    organizations.push(org);
    return org;
  };
  for (const grid of layout.grids) {
    const n = rng.int(1, 4);
    const cShort = grid.communityName.replace(/社区$/, '');
    for (let k = 0; k < n; k++) {
      const kind = rng.weighted([
        ['enterprise', 60],
        ['individual_business', 25],
        ['social_org', 10],
        ['public_institution', 5],
      ] as const);
      // Registration authority and category: 91 enterprise, 92 individual business (市场监管), 51/52 social
      // organisations (民政), 12 public institution (机构编制).
      if (kind === 'enterprise') {
        const [industry, line] = rng.pick(ENTERPRISE_LINES);
        addOrganization(grid, kind, '91', `杭州${rng.pick(TRADE_NAMES)}${line}有限公司`, industry);
      } else if (kind === 'individual_business') {
        const [industry, shop] = rng.pick(SHOPS);
        addOrganization(
          grid,
          kind,
          '92',
          `${DEMO_DISTRICT.name}${rng.weighted(SURNAMES)}记${shop}`,
          industry,
        );
      } else if (kind === 'social_org') {
        const [category, ending] = rng.pick(SOCIAL_ORGS);
        addOrganization(grid, kind, category, `${DEMO_DISTRICT.name}${cShort}社区${ending}`, '社会服务');
      } else {
        const unit = rng.pick(PUBLIC_INSTITUTIONS);
        addOrganization(grid, kind, '12', `${DEMO_DISTRICT.name}${grid.streetName}${unit}`, '公共管理');
      }
    }
  }

  // Four providers per street (volunteer teams serve one community, the others the street) and two district-wide.
  const providers: ProviderRow[] = [];
  const addProvider = (
    spec: (typeof PROVIDERS)[number],
    street: DemoDivision,
    scopePath: string,
    prefix: string,
  ) => {
    const [name, kind, categories] = spec;
    const grid = rng.pick(gridsOf(street));
    const fullName = `${prefix}${name}`;
    const org =
      kind === 'volunteer_team'
        ? null
        : addOrganization(
            grid,
            kind === 'company' ? 'enterprise' : kind,
            kind === 'company' ? '91' : kind === 'social_org' ? '52' : '12',
            kind === 'company' ? `杭州${fullName}` : fullName,
            '居民服务',
          );
    providers.push({
      id: providers.length + 1,
      streetCode: street.code.slice(0, 9),
      scopePath,
      organizationId: org?.id ?? null,
      name: org?.name ?? fullName,
      kind,
      serviceCategories: [...categories],
      capacityPerMonth: kind === 'volunteer_team' ? rng.int(20, 200) : rng.int(100, 2000),
      rating: Math.round((3.2 + rng.next() * 1.8) * 100) / 100,
      contactPhone: `0571-8${String(rng.int(0, 9_999_999)).padStart(7, '0')}`,
    });
  };
  layout.streets.forEach((street, si) => {
    const chosen = new Set<number>(si === 0 ? [0] : []);
    while (chosen.size < 4) chosen.add(rng.int(si === 0 ? 1 : 0, PROVIDERS.length - 1));
    for (const index of chosen) {
      const spec = PROVIDERS[index]!;
      const communities = layout.communities.filter((c) => c.parentCode === street.code);
      const scope = spec[1] === 'volunteer_team' ? rng.pick(communities) : street;
      addProvider(
        spec,
        street,
        scope.path,
        spec[1] === 'volunteer_team' ? shortName(scope) : shortName(street),
      );
    }
  });
  for (const index of [10, 13]) {
    addProvider(
      PROVIDERS[index]!,
      layout.streets[0]!,
      layout.district.path,
      DEMO_DISTRICT.name.replace(/区$/, ''),
    );
  }

  const serviceGaps: ServiceGap[] = [
    {
      facilityType: 'ELDER_DAY_CARE',
      gridIds: layout.grids.filter(dayCareMissing).map((g) => g.id),
      zh: `${gapStreet.name}除${gapStreetFirstCommunity.name}外没有老年人日间照料中心`,
      en: `${gapStreet.name} has elderly day care only in ${gapStreetFirstCommunity.name}`,
    },
    {
      facilityType: 'KINDERGARTEN',
      gridIds: layout.grids.filter(kindergartenMissing).map((g) => g.id),
      zh: '区边缘人口稀疏的网格没有幼儿园',
      en: 'The sparse grids at the edge of the district have no kindergarten',
    },
  ];
  return { facilities, organizations, providers, serviceGaps };
}
