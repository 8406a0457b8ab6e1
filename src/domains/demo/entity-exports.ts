// Departments' registers of houses, households and organisations of the demo district, as they would export them:
// 住建 and 不动产 list houses, 公安 lists registered households, 市场监管 and 税务 list organisations. Each carries the
// noise of real registers — other address styles, legacy 15-digit ID numbers, name variants of a company
// (有限公司/有限责任公司, with or without the city), missing or mistyped credit codes, a record registered twice —
// and a ground-truth file (which record is which platform entity) for the tests and the linkage benchmark.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { SeededRandom } from '../../lib/random/seeded.ts';
import { runTsWorkerJob } from '../../platform/worker/ts-worker.ts';
import { generateDemoDistrict } from './demo-loader.ts';
import type { DemoSize } from './district-layout.ts';

export type RegisterEntityType = 'house' | 'household' | 'organization';

export interface EntityRegisterExport {
  entityType: RegisterEntityType;
  source: string;
  label: string;
  file: string;
  rows: number;
  /** Target field → the register's column. */
  mapping: Record<string, string>;
}

export interface EntityExportsSummary {
  exports: EntityRegisterExport[];
  /** CSV: entity_type, source, source_key, entity_id (the platform's house, household or organization id). */
  truthFile: string;
}

const CN_DIGITS = '零一二三四五六七八九';
const cn = (n: string) => (Number(n) <= 10 ? (Number(n) === 10 ? '十' : CN_DIGITS[Number(n)]!) : n);
const legacyId = (id: string) => id.slice(0, 6) + id.slice(8, 17);

/** Name variants a company goes by in different registers. */
function orgNameVariant(name: string, rng: SeededRandom): string {
  const r = rng.next();
  if (r < 0.25 && name.endsWith('有限公司')) return name.replace(/有限公司$/, '有限责任公司');
  if (r < 0.45 && name.startsWith('杭州')) return name.slice(2);
  if (r < 0.55 && name.startsWith('杭州')) return `${name.slice(2).replace(/有限公司$/, '')}（杭州）有限公司`;
  if (r < 0.6) return `${name.slice(0, -1)}`;
  return name;
}

export interface EntityExportsOptions {
  size: DemoSize;
  seed: number;
  outDir: string;
  /** Only the entities of the first this many streets (by code; default: all), like the person exports. */
  streets?: number;
}

export function generateEntityExports(opts: EntityExportsOptions): EntityExportsSummary {
  const district = generateDemoDistrict({ size: opts.size, seed: opts.seed, today: '2026-11-30' });
  const population = district.population;
  const streetCodes = [...new Set(population.persons.map((p) => p.grid.streetCode))].sort();
  const kept = new Set(streetCodes.slice(0, opts.streets ?? streetCodes.length));
  const inKept = (x: { grid: { streetCode: string } }) => kept.has(x.grid.streetCode);
  // Lookups span the whole district; the registers list only the kept streets' entities.
  const { buildings, persons } = population;
  const houses = population.houses.filter(inKept);
  const households = population.households.filter(inKept);
  const organizations = district.supply.organizations.filter(inKept);
  const buildingById = new Map(buildings.map((b) => [b.id, b]));
  const houseById = new Map(population.houses.map((h) => [h.id, h]));
  const personById = new Map(persons.map((p) => [p.id, p]));
  // The police list each member with the birth date (张三(1980-02-03)), which tells two of one name apart.
  const membersOf = new Map<number, string[]>();
  for (const p of persons) {
    const entry = `${p.name}(${p.birthDate})`;
    const list = membersOf.get(p.householdId);
    if (list) list.push(entry);
    else membersOf.set(p.householdId, [entry]);
  }
  const truth: string[][] = [['entity_type', 'source', 'source_key', 'entity_id']];
  const exports: EntityRegisterExport[] = [];

  function write(
    entityType: RegisterEntityType,
    source: string,
    label: string,
    fileName: string,
    header: string[],
    mapping: Record<string, string>,
    rows: { id: number; cells: string[] }[],
  ) {
    const keyed = rows.map((r, k) => {
      const key = `${source.slice(0, 2).toUpperCase()}${String(k + 1).padStart(7, '0')}`;
      truth.push([entityType, source, key, String(r.id)]);
      return [key, ...r.cells];
    });
    const file = path.join(opts.outDir, fileName);
    writeFileSync(file, `\ufeff${stringify([header, ...keyed])}`);
    exports.push({ entityType, source, label, file, rows: rows.length, mapping });
  }

  /** A register lists some entities twice (a second registration under a new number): 2% of rows here. */
  function withRepeats<T>(rng: SeededRandom, picked: T[]): T[] {
    const out: T[] = [];
    for (const x of picked) {
      out.push(x);
      if (rng.chance(0.02)) out.push(x);
    }
    return out;
  }

  // Houses: 住建 (rental and property management register, full address or a compound-dash form) and 不动产
  // (title register: building, unit and room in their own columns, numerals sometimes in Chinese).
  {
    const rng = new SeededRandom(opts.seed * 97 + 1);
    const rows = withRepeats(
      rng,
      houses.filter(() => rng.chance(0.6)),
    ).map((h) => {
      const b = buildingById.get(h.buildingId)!;
      const address = rng.chance(0.6) ? h.address : `${b.compound}${b.buildingNo}-${h.unitNo}-${h.roomNo}`;
      const area = rng.chance(0.1) ? '' : (h.areaM2 * (rng.chance(0.2) ? 1.02 : 1)).toFixed(2);
      return { id: h.id, cells: [address, area, '住宅', '2025-12-01'] };
    });
    write(
      'house',
      'housing',
      '住建房屋登记',
      '住建_房屋登记.csv',
      ['房屋编号', '房屋地址', '建筑面积', '房屋用途', '登记日期'],
      {
        source_key: '房屋编号',
        address: '房屋地址',
        area_m2: '建筑面积',
        use_type: '房屋用途',
        record_date: '登记日期',
      },
      rows,
    );
  }
  {
    const rng = new SeededRandom(opts.seed * 97 + 2);
    const rows = houses
      .filter((h) => h.occupancy !== 'vacant' && rng.chance(0.5))
      .map((h) => {
        const b = buildingById.get(h.buildingId)!;
        const chinese = rng.chance(0.3);
        return {
          id: h.id,
          cells: [
            `${b.road}${b.roadNo}${b.compound}`,
            chinese ? `${cn(b.buildingNo)}幢` : `${b.buildingNo}幢`,
            rng.chance(0.1) ? '' : chinese ? `${cn(h.unitNo)}单元` : h.unitNo,
            `${h.roomNo}室`,
            h.areaM2.toFixed(2),
            '2019-05-20',
          ],
        };
      });
    write(
      'house',
      'real_estate',
      '不动产登记',
      '不动产_房屋.csv',
      ['不动产单元号', '坐落', '幢号', '单元', '房号', '建筑面积', '登簿日期'],
      {
        source_key: '不动产单元号',
        address: '坐落',
        building: '幢号',
        unit_no: '单元',
        room_no: '房号',
        area_m2: '建筑面积',
        record_date: '登簿日期',
      },
      rows,
    );
  }

  // Households: 公安 户籍 register of the registered households, the head's ID number (sometimes the legacy
  // 15-digit form), the address in another style and the member list as the police have it, names with birth
  // dates (one missing now and then, so the count differs).
  {
    const rng = new SeededRandom(opts.seed * 97 + 3);
    const rows = households
      .filter((h) => h.registrationType === 'household' && rng.chance(0.9))
      .flatMap((h) => {
        const head = personById.get(h.headPersonId);
        const house = houseById.get(h.houseId);
        if (!head?.idNumber || !house) return [];
        const b = buildingById.get(house.buildingId)!;
        const members = [...(membersOf.get(h.id) ?? [])];
        if (members.length > 2 && rng.chance(0.15)) members.pop();
        const id =
          Number(head.birthDate.slice(0, 4)) < 1980 && rng.chance(0.2)
            ? legacyId(head.idNumber)
            : head.idNumber;
        return [
          {
            id: h.id,
            cells: [
              rng.chance(0.05) ? '' : h.householdNo,
              head.name,
              id,
              rng.chance(0.5)
                ? house.address
                : `${b.compound}${cn(b.buildingNo)}栋${cn(house.unitNo)}单元${house.roomNo}`,
              String(members.length),
              members.join('、'),
              '2025-06-30',
            ],
          },
        ];
      });
    write(
      'household',
      'police',
      '公安户籍户',
      '公安_户籍户.csv',
      ['户编号', '户号', '户主姓名', '户主身份证号', '住址', '户内人数', '成员', '登记日期'],
      {
        source_key: '户编号',
        household_no: '户号',
        head_name: '户主姓名',
        head_id: '户主身份证号',
        address: '住址',
        member_count: '户内人数',
        members: '成员',
        record_date: '登记日期',
      },
      rows,
    );
  }

  // Organisations: 市场监管 registers enterprises and individual businesses, 税务 everything that pays tax; each
  // writes the name its own way, and 税务 leaves the credit code out or mistypes its case and spacing now and then.
  const orgRegister = (source: string, label: string, fileName: string, share: number, seed: number) => {
    const rng = new SeededRandom(opts.seed * 97 + seed);
    const picked = organizations.filter(
      (o) =>
        (source === 'tax' || o.kind === 'enterprise' || o.kind === 'individual_business') &&
        rng.chance(share),
    );
    const rows = withRepeats(rng, picked).map((o) => {
      const uscc =
        source === 'tax' && rng.chance(0.15)
          ? ''
          : rng.chance(0.1)
            ? `${o.uscc.slice(0, 9)} ${o.uscc.slice(9).toLowerCase()}`
            : o.uscc;
      return {
        id: o.id,
        cells: [
          uscc,
          // 市场监管 registers the name; 税务 and others write it their own way.
          source === 'tax' ? orgNameVariant(o.name, rng) : o.name,
          rng.chance(0.1) ? '' : o.address,
          // 法定代表人变更: 市场监管 has registered a new legal representative the platform has not heard of.
          source === 'market_regulation' && rng.chance(0.05)
            ? organizations[rng.int(0, organizations.length - 1)]!.legalRepName
            : o.legalRepName,
          rng.chance(0.3) ? '' : o.contactPhone,
          source === 'tax' ? '2024-07-01' : '2022-03-01',
        ],
      };
    });
    write(
      'organization',
      source,
      label,
      fileName,
      ['登记编号', '统一社会信用代码', '名称', '住所', '法定代表人', '联系电话', '登记日期'],
      {
        source_key: '登记编号',
        uscc: '统一社会信用代码',
        name: '名称',
        address: '住所',
        legal_rep_name: '法定代表人',
        contact_phone: '联系电话',
        record_date: '登记日期',
      },
      rows,
    );
  };
  orgRegister('market_regulation', '市场监管主体登记', '市场监管_主体登记.csv', 0.9, 4);
  orgRegister('tax', '税务登记', '税务_登记.csv', 0.7, 5);

  const truthFile = path.join(opts.outDir, 'entity_ground_truth.csv');
  writeFileSync(truthFile, stringify(truth));
  return { exports, truthFile };
}

/** The same, in a worker thread (entity-exports-worker.ts), so a server keeps answering meanwhile. */
export function generateEntityExportsInWorker(opts: EntityExportsOptions): Promise<EntityExportsSummary> {
  type Message = { type: 'result'; summary: EntityExportsSummary } | { type: 'error'; message: string };
  return runTsWorkerJob<Message, EntityExportsSummary>(
    new URL('./entity-exports-worker.ts', import.meta.url),
    {
      input: opts,
      onMessage: (m) => (m.type === 'result' ? { result: m.summary } : { error: new Error(m.message) }),
      exitError: (code) => new Error(`entity exports worker exited with code ${code}`),
    },
  );
}
