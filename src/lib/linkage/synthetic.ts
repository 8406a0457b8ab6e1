// Deterministic synthetic person records with ground truth, for tests and the benchmark: people live in
// households, and about 30% of them appear in 2–3 "department" exports, each copy with the variations real
// exports show (typos, homophone and pinyin forms of names, 15-digit IDs, other date and address styles,
// changed phones, moves, missing fields). Every name, number and address is generated: no real person.
import { makeIdNumber } from '../id-number.ts';
import { type Random, randomInt, seededRandom } from '../random/seeded.ts';
import { charPinyin } from './normalise.ts';

export interface SyntheticDataset {
  header: string[];
  /** Column-major cells: columns[c][record]. */
  columns: string[][];
  /** The person each record belongs to (the ground truth). */
  truth: Int32Array;
}

const SURNAMES = Array.from(
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
);
const GIVEN = Array.from(
  new Set(
    '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥玲芬燕鹏辉建国文斌宇浩凯健俊帆帅旭宁龙林欢阳晨瑞雪梅琳晶丹婷慧颖雯倩欣怡佳嘉子涵梓轩博睿泽然思雨萱诗晴紫琪诺一鑫志海波峰飞亮成新春秋冬兵德永生庆福贵荣发金银宝富昌盛安康乐和正义忠诚信仁礼智勤俭家振兴中华云霖璐瑶蕾薇莉萌媛婧珊琦璇奕彤馨蓉菲娅晓小大天立青松柏桐楠森杨柳荷莲兰菊竹桃李花叶茂盛泰岳山川江河湖泊洪涌泉涛澜'.replace(
      /\s/g,
      '',
    ),
  ),
);
const DISTRICTS: [string, string, string][] = [
  ['110105', '朝阳区', '北京市'],
  ['110108', '海淀区', '北京市'],
  ['110106', '丰台区', '北京市'],
  ['110102', '西城区', '北京市'],
  ['110101', '东城区', '北京市'],
  ['110114', '昌平区', '北京市'],
];
const STREETS = Array.from('望京酒仙桥和平里安贞亚运村学院路中关村八里庄双井劲松潘家园团结湖');
const COMMUNITY_WORDS = Array.from('花家地东湖西坝南湖北苑青年路华严里幸福村阳光里光明楼惠新里');
/** Area codes of first registration (IDs keep them for life, wherever the person lives now). */
const ID_AREAS = [
  '110105',
  '110108',
  '130102',
  '370102',
  '410105',
  '510104',
  '320102',
  '440106',
  '430102',
  '210102',
];
const DEPARTMENTS = ['民政局', '卫健委', '人社局', '公安分局', '街道办'];

interface Person {
  name: string;
  givenChars: string[];
  surname: string;
  sex: '男' | '女';
  birthDays: number;
  idNumber: string;
  phone: string;
  address: Address;
}

interface Address {
  district: number;
  street: string;
  community: string;
  building: number;
  unit: number;
  room: number;
}

function weightedPicker<T>(items: readonly T[], skew: number): (random: Random) => T {
  const cumulative = new Float64Array(items.length);
  let total = 0;
  items.forEach((_, i) => {
    total += 1 / (i + skew);
    cumulative[i] = total;
  });
  return (random) => {
    const x = random() * total;
    let lo = 0;
    let hi = items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return items[lo]!;
  };
}

/** Characters grouped by toneless pinyin, common name characters first, for homophone substitutions. */
function homophoneTable(): Map<string, string[]> {
  const table = new Map<string, string[]>();
  const add = (ch: string) => {
    const p = charPinyin(ch);
    const group = table.get(p);
    if (!group) table.set(p, [ch]);
    else if (!group.includes(ch)) group.push(ch);
  };
  for (const ch of [...SURNAMES, ...GIVEN]) add(ch);
  return table;
}

const pad2 = (x: number) => String(x).padStart(2, '0');

function dateParts(days: number): [number, number, number] {
  const d = new Date(days * 86_400_000);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

function formatDate(days: number, style: number): string {
  const [y, m, d] = dateParts(days);
  switch (style) {
    case 0:
      return `${y}-${pad2(m)}-${pad2(d)}`;
    case 1:
      return `${y}${pad2(m)}${pad2(d)}`;
    case 2:
      return `${y}/${m}/${d}`;
    default:
      return `${y}年${m}月${d}日`;
  }
}

function formatAddress(a: Address, style: number): string {
  const [, district, city] = DISTRICTS[a.district]!;
  switch (style) {
    case 0:
      return `${city}${district}${a.street}街道${a.community}社区${a.building}号楼${a.unit}单元${a.room}室`;
    case 1:
      return `${district}${a.community}社区${a.building}栋${a.unit}单元${a.room}`;
    default:
      return `${a.street}街道${a.community}社区${a.building}-${a.unit}-${a.room}`;
  }
}

function formatPhone(phone: string, style: number): string {
  if (style === 1) return `${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`;
  if (style === 2) return `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
  return phone;
}

function capitalise(s: string) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function pinyinName(p: Person, style: number): string {
  const surname = charPinyin(p.surname, true);
  const given = p.givenChars.map((c) => charPinyin(c)).join('');
  if (style === 0) return `${capitalise(surname)} ${capitalise(given)}`;
  if (style === 1) return `${surname.toUpperCase()} ${given.toUpperCase()}`;
  return `${capitalise(given)} ${capitalise(surname)}`;
}

/** A 15-digit legacy number for people born in the 1900s, else the 18-digit one. */
function legacyId(id18: string): string {
  return id18.slice(6, 8) === '19' ? id18.slice(0, 6) + id18.slice(8, 17) : id18;
}

/**
 * About `records` person records from ~records/1.45 people (30% of people appear 2–3 times). The same
 * seed gives the same records.
 */
export function generateChinesePeople(options: { records: number; seed?: number }): SyntheticDataset {
  const random = seededRandom(options.seed ?? 1);
  const pickSurname = weightedPicker(SURNAMES, 4);
  const pickGiven = weightedPicker(GIVEN, 8);
  const homophones = homophoneTable();
  const usedIds = new Set<string>();
  const people: Person[] = [];
  const target = options.records;
  const perPerson: number[] = [];
  let expected = 0;
  const newPhone = () => `1${3 + randomInt(random, 7)}${String(randomInt(random, 1e9)).padStart(9, '0')}`;
  const newAddress = (): Address => ({
    district: randomInt(random, DISTRICTS.length),
    street: STREETS[randomInt(random, STREETS.length - 1)]! + STREETS[randomInt(random, STREETS.length)]!,
    community:
      COMMUNITY_WORDS[randomInt(random, COMMUNITY_WORDS.length)]! +
      COMMUNITY_WORDS[randomInt(random, COMMUNITY_WORDS.length)]!,
    building: 1 + randomInt(random, 40),
    unit: 1 + randomInt(random, 6),
    room: (1 + randomInt(random, 20)) * 100 + 1 + randomInt(random, 4),
  });
  const household = new Set<string>();
  const makePerson = (
    surname: string,
    sex: '男' | '女',
    birthDays: number,
    address: Address,
    phone: string,
  ) => {
    let givenChars: string[];
    do givenChars = random() < 0.3 ? [pickGiven(random)] : [pickGiven(random), pickGiven(random)];
    while (household.has(surname + givenChars.join(''))); // parents do not give two children one name
    household.add(surname + givenChars.join(''));
    const [y, m, d] = dateParts(birthDays);
    let idNumber = '';
    let tries = 0;
    do {
      if (tries++ > 1000) throw new Error(`no free ID number for birth date ${y}-${m}-${d}`);
      const area = ID_AREAS[randomInt(random, ID_AREAS.length)]!;
      const sequence = 2 * randomInt(random, 500) + (sex === '男' ? 1 : 0);
      idNumber = makeIdNumber(area, `${y}-${pad2(m)}-${pad2(d)}`, sequence);
    } while (usedIds.has(idNumber));
    usedIds.add(idNumber);
    const person: Person = {
      name: surname + givenChars.join(''),
      givenChars,
      surname,
      sex,
      birthDays,
      idNumber,
      phone,
      address,
    };
    people.push(person);
    const copies = random() < 0.3 ? (random() < 0.5 ? 2 : 3) : 1;
    perPerson.push(copies);
    expected += copies;
  };
  const day0 = Math.round(Date.UTC(1935, 0, 1) / 86_400_000);
  const span = Math.round(Date.UTC(2015, 0, 1) / 86_400_000) - day0;
  while (expected < target) {
    // A household: one or two adults, sometimes children, at one address; children often share a phone.
    household.clear();
    const address = newAddress();
    const parentBirth = day0 + randomInt(random, span - 37 * 365);
    const surname = pickSurname(random);
    const adultPhone = newPhone();
    makePerson(surname, random() < 0.5 ? '男' : '女', parentBirth, address, adultPhone);
    if (random() < 0.6) {
      makePerson(
        pickSurname(random),
        random() < 0.5 ? '男' : '女',
        parentBirth + randomInt(random, 2000) - 1000,
        address,
        newPhone(),
      );
    }
    const children = random() < 0.5 ? randomInt(random, 3) : 0;
    for (let c = 0; c < children; c++) {
      const birth = parentBirth + 22 * 365 + randomInt(random, 15 * 365);
      makePerson(
        surname,
        random() < 0.5 ? '男' : '女',
        birth,
        address,
        random() < 0.4 ? adultPhone : newPhone(),
      );
    }
  }

  const header = ['record_id', 'department', 'name', 'sex', 'birth_date', 'id_number', 'phone', 'address'];
  const columns: string[][] = header.map(() => []);
  const truth: number[] = [];
  const variantName = (p: Person): string => {
    const x = random();
    const chars = [p.surname, ...p.givenChars];
    if (x < 0.08) {
      // Homophone: one character replaced by another with the same toneless pinyin (张伟 → 章伟).
      const i = randomInt(random, chars.length);
      const group = homophones.get(charPinyin(chars[i]!))?.filter((c) => c !== chars[i]) ?? [];
      if (group.length > 0) chars[i] = group[randomInt(random, group.length)]!;
      return chars.join('');
    }
    if (x < 0.12) {
      // Typo: a given-name character replaced by an unrelated one.
      const i = 1 + randomInt(random, chars.length - 1);
      chars[i] = pickGiven(random);
      return chars.join('');
    }
    if (x < 0.17) return pinyinName(p, randomInt(random, 3));
    return p.name;
  };
  const emit = (p: Person, personIndex: number, department: number, copy: number) => {
    const dup = copy > 0;
    const style = (department + copy) % 4;
    const id = dup && random() < 0.03 ? typoDigit(p.idNumber, random) : p.idNumber;
    const idCell = random() < 0.1 ? '' : random() < (department === 3 ? 0.5 : 0.1) ? legacyId(id) : id;
    let birth = p.birthDays;
    if (dup && random() < 0.03)
      birth += random() < 0.5 ? 1 + randomInt(random, 3) : -(1 + randomInt(random, 3));
    const phone = dup && random() < 0.15 ? newPhone() : p.phone;
    const address = dup && random() < 0.15 ? newAddress() : p.address;
    const cells = [
      '',
      DEPARTMENTS[department]!,
      dup ? variantName(p) : p.name,
      random() < 0.05 ? '' : p.sex,
      random() < 0.05 ? '' : formatDate(birth, style),
      idCell,
      random() < 0.2 ? '' : formatPhone(phone, style % 3),
      random() < 0.05 ? '' : formatAddress(address, style % 3),
    ];
    for (const [c, v] of cells.entries()) columns[c]!.push(v);
    truth.push(personIndex);
  };
  people.forEach((p, i) => {
    const copies = perPerson[i]!;
    const first = randomInt(random, DEPARTMENTS.length);
    for (let c = 0; c < copies; c++) emit(p, i, (first + c) % DEPARTMENTS.length, c);
  });
  return finish(header, columns, truth, random, 'R');
}

function typoDigit(id: string, random: Random): string {
  const i = randomInt(random, 17);
  const d = (Number(id[i]) + 1 + randomInt(random, 9)) % 10;
  return id.slice(0, i) + d + id.slice(i + 1);
}

/** Shuffles the records (so copies are not adjacent) and numbers them. */
function finish(
  header: string[],
  columns: string[][],
  truth: number[],
  random: Random,
  prefix: string,
): SyntheticDataset {
  const n = truth.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  const width = String(n).length;
  const shuffled = columns.map((col) => Array.from(order, (i) => col[i]!));
  shuffled[0] = Array.from(order, (_, r) => `${prefix}${String(r + 1).padStart(width, '0')}`);
  return { header, columns: shuffled, truth: Int32Array.from(order, (i) => truth[i]!) };
}

const FIRST_NAMES = (
  'james mary john patricia robert jennifer michael linda william elizabeth david barbara richard ' +
  'susan joseph jessica thomas sarah charles karen christopher nancy daniel lisa matthew betty ' +
  'anthony margaret mark sandra donald ashley steven kimberly paul emily andrew donna joshua ' +
  'michelle kenneth dorothy kevin carol brian amanda george melissa edward deborah ronald stephanie ' +
  'timothy rebecca jason sharon jeffrey laura ryan cynthia jacob kathleen gary amy'
).split(' ');
const LAST_NAMES = (
  'smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez ' +
  'gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson white harris ' +
  'sanchez clark ramirez lewis robinson walker young allen king wright scott torres nguyen hill ' +
  'flores green adams nelson baker hall rivera campbell mitchell carter roberts dixon dickson marsh ' +
  'walsh fischer'
).split(' ');
const STREET_NAMES = 'main oak pine maple cedar elm washington lake hill park view'.split(' ');
const STREET_TYPES = 'street avenue road drive lane court'.split(' ');
const CITIES = 'springfield riverside franklin greenville bristol clinton fairview salem'.split(' ');

function latinTypo(s: string, random: Random): string {
  if (s.length < 3) return s;
  const i = 1 + randomInt(random, s.length - 2);
  const kind = randomInt(random, 3);
  if (kind === 0) return s.slice(0, i) + s.slice(i + 1); // deletion
  if (kind === 1) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2); // transposition
  return s.slice(0, i) + String.fromCharCode(97 + randomInt(random, 26)) + s.slice(i + 1); // substitution
}

/**
 * FEBRL-style English person records (given name, surname, street, suburb, postcode, date of birth, social
 * security number) with duplicates carrying typos, nicknames dropped, swapped names and missing fields.
 */
export function generateEnglishPeople(options: { records: number; seed?: number }): SyntheticDataset {
  const random = seededRandom(options.seed ?? 2);
  const pickFirst = weightedPicker(FIRST_NAMES, 3);
  const pickLast = weightedPicker(LAST_NAMES, 3);
  const header = [
    'rec_id',
    'given_name',
    'surname',
    'street_address',
    'suburb',
    'postcode',
    'date_of_birth',
    'soc_sec_id',
  ];
  const columns: string[][] = header.map(() => []);
  const truth: number[] = [];
  let person = 0;
  while (truth.length < options.records) {
    const first = pickFirst(random);
    const last = pickLast(random);
    const street = `${1 + randomInt(random, 300)} ${STREET_NAMES[randomInt(random, STREET_NAMES.length)]} ${STREET_TYPES[randomInt(random, STREET_TYPES.length)]}`;
    const city = CITIES[randomInt(random, CITIES.length)]!;
    const postcode = String(2000 + randomInt(random, 7000));
    const dob = `${1940 + randomInt(random, 60)}${pad2(1 + randomInt(random, 12))}${pad2(1 + randomInt(random, 28))}`;
    const ssn = String(1_000_000 + randomInt(random, 9_000_000));
    const copies = random() < 0.3 ? 2 + randomInt(random, 2) : 1;
    for (let c = 0; c < copies; c++) {
      const dup = c > 0;
      const v = (s: string, rate: number) => (dup && random() < rate ? latinTypo(s, random) : s);
      const miss = (s: string, rate: number) => (random() < rate ? '' : s);
      let given = v(first, 0.2);
      let sur = v(last, 0.2);
      if (dup && random() < 0.05) [given, sur] = [sur, given];
      const cells = [
        '',
        miss(given, 0.03),
        miss(sur, 0.02),
        miss(v(street, 0.2), 0.05),
        miss(v(city, 0.1), 0.05),
        miss(v(postcode, 0.05), 0.03),
        miss(v(dob, 0.1), 0.05),
        miss(v(ssn, 0.1), 0.05),
      ];
      for (const [i, x] of cells.entries()) columns[i]!.push(x);
      truth.push(person);
    }
    person++;
  }
  return finish(header, columns, truth, random, 'rec-');
}

/** The dataset as rows (header first), e.g. for writing a CSV file. */
export function datasetRows(ds: SyntheticDataset): string[][] {
  const n = ds.truth.length;
  const rows: string[][] = [ds.header];
  for (let r = 0; r < n; r++) rows.push(ds.columns.map((c) => c[r]!));
  return rows;
}
