// Facilities of the GB 50180 types, organizations with valid unified social credit codes, and service providers.
// Supply follows the life-circle levels (per street, per pair of communities, per community), with gaps left on
// purpose: the fifth street has no elderly day-care centres and the remote edge grids get no kindergartens, so
// that coverage analysis has something to find.
import { makeUscc } from '../../lib/uscc.ts';
import type { DemoDivision, DemoGrid, DemoLayout } from './district-layout.ts';
import type { SeededRandom } from './random.ts';

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

const STREET_LEVEL = [
  'HEALTH_CENTER',
  'SUBDISTRICT_OFFICE',
  'COMMUNITY_SERVICE_CENTER',
  'CULTURE_CENTER',
  'JUNIOR_SCHOOL',
  'NURSING_HOME',
  'SPORTS_LARGE',
  'POST',
  'BANK',
];
const TEN_MINUTE = ['PRIMARY_SCHOOL', 'FOOD_MARKET', 'SPORTS_MEDIUM', 'BUS_STOP'];
const FIVE_MINUTE = [
  'COMMUNITY_SERVICE_STATION',
  'ELDER_DAY_CARE',
  'KINDERGARTEN',
  'CULTURE_STATION',
  'OUTDOOR_FITNESS',
  'HEALTH_STATION',
  'CANTEEN',
  'PUBLIC_TOILET',
  'WASTE_STATION',
];
const LABELS: Record<string, string> = {
  HEALTH_CENTER: '社区卫生服务中心',
  SUBDISTRICT_OFFICE: '街道办事处',
  COMMUNITY_SERVICE_CENTER: '社区服务中心',
  CULTURE_CENTER: '文化活动中心',
  JUNIOR_SCHOOL: '初级中学',
  NURSING_HOME: '养老院',
  SPORTS_LARGE: '全民健身中心',
  POST: '邮政支局',
  BANK: '银行网点',
  PRIMARY_SCHOOL: '小学',
  FOOD_MARKET: '农贸市场',
  SPORTS_MEDIUM: '运动场',
  BUS_STOP: '公交站',
  COMMUNITY_SERVICE_STATION: '社区服务站',
  ELDER_DAY_CARE: '老年人日间照料中心',
  KINDERGARTEN: '幼儿园',
  CULTURE_STATION: '文化活动站',
  OUTDOOR_FITNESS: '健身广场',
  HEALTH_STATION: '社区卫生服务站',
  CANTEEN: '老年食堂',
  PUBLIC_TOILET: '公共厕所',
  WASTE_STATION: '垃圾收集站',
};
const HOURS: Record<string, string> = {
  HEALTH_CENTER: 'Mo-Su 08:00-17:30',
  SUBDISTRICT_OFFICE: 'Mo-Fr 08:30-17:00',
  ELDER_DAY_CARE: 'Mo-Su 08:00-18:00',
  KINDERGARTEN: 'Mo-Fr 07:30-17:30',
  PRIMARY_SCHOOL: 'Mo-Fr 07:30-16:30',
  JUNIOR_SCHOOL: 'Mo-Fr 07:10-17:00',
  FOOD_MARKET: 'Mo-Su 06:00-19:00',
  CANTEEN: 'Mo-Su 10:30-13:00,16:30-18:30',
  PUBLIC_TOILET: '24/7',
  BUS_STOP: '24/7',
  OUTDOOR_FITNESS: '24/7',
  WASTE_STATION: 'Mo-Su 06:00-21:00',
};
const CAPACITY: Record<string, [number, number]> = {
  NURSING_HOME: [80, 300],
  ELDER_DAY_CARE: [20, 60],
  KINDERGARTEN: [6, 15],
  PRIMARY_SCHOOL: [18, 36],
  JUNIOR_SCHOOL: [18, 36],
  HEALTH_CENTER: [20, 80],
  CANTEEN: [40, 150],
};
const USCC_BODY = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const INDUSTRIES = [
  '餐饮',
  '零售',
  '物业管理',
  '家政服务',
  '教育培训',
  '医疗健康',
  '软件和信息技术',
  '建筑装饰',
  '物流快递',
  '美容美发',
];
const REP_NAMES = ['王建华', '李秀兰', '张伟', '刘洋', '陈静', '杨帆', '赵磊', '周敏', '吴强', '徐丽'];
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

export interface Supply {
  facilities: FacilityRow[];
  organizations: OrganizationRow[];
  providers: ProviderRow[];
}

export function generateSupply(layout: DemoLayout, rng: SeededRandom): Supply {
  const facilities: FacilityRow[] = [];
  const gridsOf = (d: DemoDivision) => layout.grids.filter((g) => g.path.startsWith(d.path));
  const place = (type: string, grid: DemoGrid, label: string) => {
    const [lo, hi] = CAPACITY[type] ?? [0, 0];
    facilities.push({
      id: facilities.length + 1,
      grid,
      type,
      name: `${label}${LABELS[type] ?? type}`,
      address: `${grid.name}内`,
      lng: +(grid.centerLng + (rng.next() - 0.5) * 0.002).toFixed(6),
      lat: +(grid.centerLat + (rng.next() - 0.5) * 0.0016).toFixed(6),
      capacity: hi > 0 ? rng.int(lo, hi) : null,
      floorM2: rng.int(120, 3000),
      openingHours: HOURS[type] ?? 'Mo-Su 08:00-20:00',
    });
  };
  for (const [si, street] of layout.streets.entries()) {
    const grids = gridsOf(street);
    for (const type of STREET_LEVEL) place(type, rng.pick(grids), street.name.replace('街道', ''));
    const communities = layout.communities.filter((c) => c.path.startsWith(street.path));
    communities.forEach((community, ci) => {
      const cGrids = gridsOf(community);
      if (ci % 2 === 0)
        for (const type of TEN_MINUTE) place(type, rng.pick(cGrids), community.name.replace('社区', ''));
      for (const type of FIVE_MINUTE) {
        if (type === 'ELDER_DAY_CARE' && si === 4) continue; // the deliberately under-served street
        const eligible = type === 'KINDERGARTEN' ? cGrids.filter((g) => g.remoteness < 0.75) : cGrids;
        if (eligible.length === 0 || !rng.chance(0.85)) continue;
        place(type, rng.pick(eligible), community.name.replace('社区', ''));
      }
    });
  }

  const organizations: OrganizationRow[] = [];
  for (const grid of layout.grids) {
    const n = rng.int(1, 4);
    for (let k = 0; k < n; k++) {
      let uscc: string | null = null;
      const kind = rng.weighted([
        ['enterprise', 60],
        ['individual_business', 25],
        ['social_org', 10],
        ['public_institution', 5],
      ] as const);
      const prefix =
        kind === 'social_org'
          ? '52'
          : kind === 'public_institution'
            ? '12'
            : kind === 'individual_business'
              ? '92'
              : '91';
      while (!uscc) {
        let body = '';
        for (let i = 0; i < 8; i++) body += rng.pick(USCC_BODY.split(''));
        uscc = makeUscc(prefix, '330192', body);
      }
      const industry = rng.pick(INDUSTRIES);
      organizations.push({
        id: organizations.length + 1,
        grid,
        uscc,
        name: `杭州${grid.name.slice(0, 2)}${industry}${kind === 'social_org' ? '服务社' : kind === 'individual_business' ? '店' : '有限公司'}${organizations.length + 1}`,
        kind,
        industry,
        legalRepName: rng.pick(REP_NAMES),
        contactPhone: `0571-8${String(rng.int(0, 9_999_999)).padStart(7, '0')}`,
        address: `${grid.name}商铺${rng.int(1, 99)}号`,
        lng: +(grid.centerLng + (rng.next() - 0.5) * 0.002).toFixed(6),
        lat: +(grid.centerLat + (rng.next() - 0.5) * 0.0016).toFixed(6),
        employees: kind === 'individual_business' ? rng.int(1, 8) : rng.int(5, 300),
      });
    }
  }

  const providers: ProviderRow[] = [];
  const providerNames = [
    '颐康居家养老服务中心',
    '邻里帮家政服务有限公司',
    '安心维修服务队',
    '暖心助餐服务社',
    '康复之家护理站',
    '童乐托育中心',
    '法援社区服务站',
    '心晴心理咨询中心',
    '夕阳红志愿服务队',
    '云溪社工服务中心',
  ];
  for (const street of layout.streets) {
    for (let k = 0; k < 4; k++) {
      const kind = rng.weighted([
        ['company', 45],
        ['social_org', 35],
        ['volunteer_team', 15],
        ['public_institution', 5],
      ] as const);
      const cats = new Set<string>([rng.pick(SERVICE_CATEGORIES)]);
      if (rng.chance(0.6)) cats.add(rng.pick(SERVICE_CATEGORIES));
      const org =
        kind === 'volunteer_team'
          ? null
          : rng.pick(organizations.filter((o) => o.grid.streetCode === street.code.slice(0, 9)));
      providers.push({
        id: providers.length + 1,
        streetCode: street.code.slice(0, 9),
        scopePath: street.path,
        organizationId: org?.id ?? null,
        name: `${street.name.replace('街道', '')}${rng.pick(providerNames)}`,
        kind,
        serviceCategories: [...cats],
        capacityPerMonth: rng.int(50, 2000),
        rating: Math.round((3.2 + rng.next() * 1.8) * 100) / 100,
        contactPhone: `0571-8${String(rng.int(0, 9_999_999)).padStart(7, '0')}`,
      });
    }
  }
  return { facilities, organizations, providers };
}
