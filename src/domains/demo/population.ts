// Buildings, houses, households and residents of each grid. Density falls from the old core to the edges; the
// age structure is that of an ageing Chinese city (≥20% aged 60+); households are singles, couples, families and
// three-generation homes; elderly people living alone, disabled and low-income residents occur at realistic
// rates. ID numbers are valid (GB 11643), unique, and agree with sex and birth date.
import { makeIdNumber } from '../../lib/id-number.ts';
import type { SeededRandom } from '../../lib/random/seeded.ts';
import { DEMO_DISTRICT, type DemoGrid, type DemoSize, pointInGrid, pointNear } from './district-layout.ts';
import { ETHNICITIES, givenNameFor, SURNAMES } from './names.ts';

export interface BuildingRow {
  id: number;
  grid: DemoGrid;
  name: string;
  compound: string;
  road: string;
  roadNo: string;
  buildingNo: string;
  address: string;
  floors: number;
  units: number;
  builtYear: number;
  lng: number;
  lat: number;
}

export interface HouseRow {
  id: number;
  buildingId: number;
  grid: DemoGrid;
  unitNo: string;
  floor: number;
  roomNo: string;
  address: string;
  areaM2: number;
  occupancy: 'owner' | 'rented' | 'vacant';
}

export interface HouseholdRow {
  id: number;
  grid: DemoGrid;
  houseId: number;
  householdNo: string;
  registrationType: RegistrationType;
  headPersonId: number;
  memberCount: number;
}

type RegistrationType = 'household' | 'floating' | 'foreign' | 'unsettled';

export interface PersonRow {
  id: number;
  grid: DemoGrid;
  householdId: number;
  houseId: number;
  name: string;
  sex: '1' | '2';
  birthDate: string;
  idType: '111' | '414';
  idNumber: string | null;
  phone: string | null;
  /** GB/T 3304 code; null for foreign nationals, to whom the Chinese ethnicity code does not apply. */
  ethnicity: string | null;
  registrationType: RegistrationType;
  relationToHead: string;
  tags: string[];
}

export interface Population {
  buildings: BuildingRow[];
  houses: HouseRow[];
  households: HouseholdRow[];
  persons: PersonRow[];
}

const TARGET_RESIDENTS: Record<DemoSize, number> = { small: 3_000, medium: 100_000, large: 1_000_000 };
const ROADS =
  '湖滨路 文三路 学院路 古墩路 莫干山路 教工路 天目山路 保俶路 求是路 丰潭路 紫金港路 余杭塘路 西溪路 留下街 花园路 云溪大道 翠苑路 桃源街 青莲路 春晖路'.split(
    ' ',
  );
const COMPOUND_PREFIXES =
  '幸福 阳光 翠竹 金色 和平 春江 锦绣 明珠 清水 桂花 望湖 东方 绿园 文澜 星河 梧桐 枫林 紫薇 新华 安居 云溪 景芳 采荷 南苑 北景 嘉绿 丰潭 骆家 府苑 兰亭 颐和 馨园 蓝湾 银杏 香樟 玉泉 湖畔 青枫 朝晖 德苑'.split(
    ' ',
  );
/** Old compounds (1980s–90s work-unit housing) and newer commercial estates are named differently. */
const OLD_SUFFIXES = ['新村', '小区', '里', '坊', '苑'];
const NEW_SUFFIXES = ['花园', '家园', '华庭', '府', '公寓', '雅苑', '名邸', '嘉园', '城'];
const PHASES = ['一期', '二期', '三期', '东区', '西区', '南区', '北区'];
/** Area codes of other provinces' counties, for floating residents' ID numbers (real-format codes). */
const OTHER_AREAS = [
  '341102',
  '341202',
  '362502',
  '411302',
  '412702',
  '421102',
  '430602',
  '510722',
  '522101',
  '320321',
  '370882',
  '130126',
  '340822',
  '360429',
  '610324',
];
const HOME_AREAS = [DEMO_DISTRICT.code, DEMO_DISTRICT.code, DEMO_DISTRICT.code, '330106', '330105', '330110'];
const PHONE_PREFIXES = [
  '134',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '157',
  '158',
  '159',
  '182',
  '183',
  '187',
  '188',
  '130',
  '131',
  '132',
  '155',
  '156',
  '185',
  '186',
  '133',
  '153',
  '180',
  '181',
  '189',
  '177',
  '199',
];
const SURNAME_TOTAL = SURNAMES.reduce((s, [, w]) => s + w, 0);
const ETHNICITY_TOTAL = ETHNICITIES.reduce((s, [, w]) => s + w, 0);

interface Member {
  age: number;
  sex: '1' | '2';
  relation: string;
}

/** Household compositions with their shares; ages are drawn inside the bands. */
function composeHousehold(rng: SeededRandom): { members: Member[]; kind: string } {
  const r = rng.next();
  const sexOf = () => (rng.chance(0.5) ? '1' : '2') as '1' | '2';
  const child = (parentAge: number, relation: 'child' | 'grandchild'): Member => {
    const sex = sexOf();
    const age = relation === 'child' ? Math.max(0, Math.min(parentAge - 20, rng.int(0, 24))) : rng.int(3, 15);
    return { age, sex, relation: relation === 'grandchild' ? '40' : sex === '1' ? '20' : '30' };
  };
  // About one household in twelve is an old person alone, so that 10–15% of people aged 60+ live alone.
  if (r < 0.08)
    return {
      kind: 'elderly_alone',
      members: [{ age: rng.int(65, 96), sex: rng.chance(0.62) ? '2' : '1', relation: '02' }],
    };
  if (r < 0.145) return { kind: 'single', members: [{ age: rng.int(20, 58), sex: sexOf(), relation: '02' }] };
  if (r < 0.325) {
    const a = rng.int(60, 90);
    return {
      kind: 'elderly_couple',
      members: [
        { age: a, sex: '1', relation: '02' },
        { age: Math.max(60, a - rng.int(0, 5)), sex: '2', relation: '10' },
      ],
    };
  }
  if (r < 0.335) {
    // Skip-generation: grandparents raising grandchildren whose parents work elsewhere (留守儿童).
    const g = rng.int(58, 78);
    const members: Member[] = [{ age: g, sex: sexOf(), relation: '02' }];
    if (rng.chance(0.6))
      members.push({ age: g + rng.int(-3, 3), sex: members[0]!.sex === '1' ? '2' : '1', relation: '10' });
    members.push(child(g, 'grandchild'));
    if (rng.chance(0.3)) members.push(child(g, 'grandchild'));
    return { kind: 'skip_generation', members };
  }
  if (r < 0.44) {
    const a = rng.int(24, 59);
    return {
      kind: 'couple',
      members: [
        { age: a, sex: '1', relation: '02' },
        { age: Math.max(20, a - rng.int(-2, 5)), sex: '2', relation: '10' },
      ],
    };
  }
  const parent = rng.int(27, 52);
  const members: Member[] = [
    { age: parent, sex: '1', relation: '02' },
    { age: Math.max(20, parent - rng.int(-2, 5)), sex: '2', relation: '10' },
  ];
  const children = r < 0.77 ? 1 : 2;
  for (let c = 0; c < children; c++) members.push(child(parent, 'child'));
  if (r >= 0.85) {
    // Three generations: one or two grandparents live with the family.
    const g = rng.int(Math.max(parent + 22, 55), Math.min(parent + 40, 95));
    members.push({ age: g, sex: '2', relation: '50' });
    if (rng.chance(0.55)) members.push({ age: Math.min(98, g + rng.int(0, 4)), sex: '1', relation: '50' });
  }
  return { kind: 'family', members };
}

export function generatePopulation(
  grids: DemoGrid[],
  size: DemoSize,
  rng: SeededRandom,
  today: string,
): Population {
  const buildings: BuildingRow[] = [];
  const houses: HouseRow[] = [];
  const households: HouseholdRow[] = [];
  const persons: PersonRow[] = [];
  const weights = grids.map((g) =>
    Math.max(0.08, Math.exp(-3 * g.remoteness * g.remoteness) + rng.normal(0, 0.08)),
  );
  const weightSum = weights.reduce((s, w) => s + w, 0);
  const year = Number(today.slice(0, 4));
  const idSeq = new Map<string, number>();
  const phones = new Set<string>();

  const idFor = (area: string, birth: string, sex: '1' | '2') => {
    // Sequence numbers per area, birth date and sex: odd for men, even for women (GB 11643 position 17).
    const key = area + birth + sex;
    const k = idSeq.get(key) ?? 0;
    if (k >= 499)
      throw new Error(`demo generator: more than 499 people share area ${area}, birth ${birth} and sex`);
    idSeq.set(key, k + 1);
    return makeIdNumber(area, birth, 2 * k + (sex === '1' ? 1 : 2));
  };
  const newPhone = () => {
    for (;;) {
      const p = rng.pick(PHONE_PREFIXES) + String(rng.int(0, 99_999_999)).padStart(8, '0');
      if (!phones.has(p)) {
        phones.add(p);
        return p;
      }
    }
  };
  const birthDateFor = (age: number) => {
    const by = year - age - (rng.chance(0.5) ? 1 : 0);
    const m = rng.int(1, 12);
    const d = rng.int(1, 28);
    const date = `${by}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    // A date after today (babies, with today early in the year) moves a year back; one fixed fallback date
    // would give hundreds of babies the same birth date and run out of ID sequence numbers.
    return date > today ? `${by - 1}${date.slice(4)}` : date;
  };

  const compoundNames = new Set<string>();
  const compoundName = (isOld: boolean) => {
    const suffixes = isOld ? OLD_SUFFIXES : NEW_SUFFIXES;
    for (let attempt = 0; attempt < 8; attempt++) {
      const name = rng.pick(COMPOUND_PREFIXES) + rng.pick(suffixes);
      if (!compoundNames.has(name)) {
        compoundNames.add(name);
        return name;
      }
    }
    // A crowded district reuses a name with a phase or part, as real estates do (望湖苑二期, 幸福里东区).
    for (let n = 0; ; n++) {
      const base = rng.pick(COMPOUND_PREFIXES) + rng.pick(suffixes);
      const name = `${base}${PHASES[n % PHASES.length]}${n >= PHASES.length ? Math.floor(n / PHASES.length) + 1 : ''}`;
      if (!compoundNames.has(name)) {
        compoundNames.add(name);
        return name;
      }
    }
  };

  grids.forEach((grid, gi) => {
    const target = Math.round((TARGET_RESIDENTS[size] * weights[gi]!) / weightSum);
    let residents = 0;
    while (residents < target) {
      const isOld = rng.chance(0.6 - 0.4 * grid.remoteness);
      const compound = compoundName(isOld);
      const road = rng.pick(ROADS);
      const roadNo = `${rng.int(1, 400)}号`;
      const [compoundLng, compoundLat] = pointInGrid(grid, rng, 0.18);
      const nBuildings = rng.int(2, 8);
      const base =
        `${DEMO_DISTRICT.province}${DEMO_DISTRICT.city}${DEMO_DISTRICT.name}${grid.streetName}` +
        `${road}${roadNo}${compound}`;
      for (let b = 1; b <= nBuildings && residents < target; b++) {
        const floors = isOld ? rng.pick([5, 6, 6, 7]) : rng.pick([11, 18, 18, 26, 32]);
        const units = isOld ? rng.int(2, 4) : rng.int(1, 3);
        const perFloor = isOld ? 2 : rng.int(2, 4);
        const buildingId = buildings.length + 1;
        // Buildings of a compound stand together, inside the grid.
        const [lng, lat] = pointNear(grid, rng, compoundLng, compoundLat, 90);
        buildings.push({
          id: buildingId,
          grid,
          name: `${compound}${b}号楼`,
          compound,
          road,
          roadNo,
          buildingNo: String(b),
          address: `${base}${b}号楼`,
          floors,
          units,
          builtYear: isOld ? rng.int(1982, 2002) : rng.int(2003, 2022),
          lng,
          lat,
        });
        for (let u = 1; u <= units && residents < target; u++) {
          for (let f = 1; f <= floors && residents < target; f++) {
            for (let r = 1; r <= perFloor && residents < target; r++) {
              const houseId = houses.length + 1;
              const roomNo = `${f}${String(r).padStart(2, '0')}`;
              const vacant = rng.chance(0.07);
              const rented = !vacant && rng.chance(0.18);
              houses.push({
                id: houseId,
                buildingId,
                grid,
                unitNo: String(u),
                floor: f,
                roomNo,
                address: `${base}${b}号楼${u}单元${roomNo}室`,
                areaM2: Math.max(
                  25,
                  Math.round((isOld ? rng.normal(62, 12) : rng.normal(98, 22)) * 100) / 100,
                ),
                occupancy: vacant ? 'vacant' : rented ? 'rented' : 'owner',
              });
              if (vacant) continue;
              const { members, kind } = composeHousehold(rng);
              const reg: RegistrationType =
                kind === 'skip_generation'
                  ? 'household'
                  : rented
                    ? rng.weighted([
                        ['floating', 70],
                        ['household', 22],
                        ['unsettled', 5],
                        ['foreign', 3],
                      ] as const)
                    : rng.weighted([
                        ['household', 93],
                        ['floating', 5],
                        ['unsettled', 2],
                      ] as const);
              const householdId = households.length + 1;
              // 低保 about 2.5% of households (more in the old compounds), 低保边缘 another 1.5%.
              const income = rng.next();
              const lowIncomeShare = isOld ? 0.03 : 0.018;
              const incomeTag =
                income < lowIncomeShare
                  ? 'low_income'
                  : income < lowIncomeShare + 0.015
                    ? 'low_income_edge'
                    : null;
              const surname = rng.weighted(SURNAMES, SURNAME_TOTAL);
              const firstPersonId = persons.length + 1;
              for (const m of members) {
                const sex = m.sex;
                const birthDate = birthDateFor(m.age);
                const by = Number(birthDate.slice(0, 4));
                // Spouses and grandparents usually have other surnames; children and grandchildren take the head's.
                const ownSurname = ['02', '20', '30', '40'].includes(m.relation)
                  ? surname
                  : rng.weighted(SURNAMES, SURNAME_TOTAL);
                const given = givenNameFor(by, sex, () => rng.next());
                const area = reg === 'floating' ? rng.pick(OTHER_AREAS) : rng.pick(HOME_AREAS);
                const tags: string[] = [];
                if (kind === 'elderly_alone') tags.push('elderly_alone');
                if (kind === 'elderly_couple') tags.push('elderly_empty_nest');
                if (m.relation === '40' && m.age < 16) tags.push('left_behind_child');
                // Disability rises with age: about 6% overall, 12% of people aged 60+.
                if (rng.chance(m.age >= 60 ? 0.12 : 0.045)) tags.push('disabled');
                if (incomeTag) tags.push(incomeTag);
                if (incomeTag === 'low_income' && m.age < 16 && rng.chance(0.2))
                  tags.push('child_difficulty');
                if (m.age >= 55 && rng.chance(0.01)) tags.push('special_care');
                if (m.age >= 18 && rng.chance(0.0015))
                  tags.push(rng.pick(['severe_mental', 'community_correction', 'released_prisoner']));
                const foreign = reg === 'foreign';
                persons.push({
                  id: persons.length + 1,
                  grid,
                  householdId,
                  houseId,
                  name: foreign
                    ? `${rng.pick(['安德烈', '玛丽亚', '约翰', '金敏', '佐藤', '阮文'])}·${rng.pick(['史密斯', '伊万诺夫', '朴', '健一', '黎'])}`
                    : ownSurname + given,
                  sex,
                  birthDate,
                  idType: foreign ? '414' : '111',
                  idNumber: foreign ? null : idFor(area, birthDate.replace(/-/g, ''), sex),
                  phone: m.age >= 14 && !(m.age >= 80 && rng.chance(0.4)) ? newPhone() : null,
                  ethnicity: foreign ? null : rng.weighted(ETHNICITIES, ETHNICITY_TOTAL),
                  registrationType: reg,
                  relationToHead: m.relation,
                  tags,
                });
              }
              households.push({
                id: householdId,
                grid,
                houseId,
                householdNo: `${grid.streetCode.slice(6)}${String(householdId).padStart(8, '0')}`,
                registrationType: reg,
                headPersonId: firstPersonId,
                memberCount: members.length,
              });
              residents += members.length;
            }
          }
        }
      }
    }
  });
  return { buildings, houses, households, persons };
}
