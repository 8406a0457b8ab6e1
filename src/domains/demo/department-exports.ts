// The demo district as the departments would export it: each department its own columns (in Chinese), date style,
// encoding and format, covering overlapping parts of the population, with the noise real exports carry (name
// typos and homophones, legacy 15-digit ID numbers, other address styles, missing fields). Deterministic for a
// seed; the ground truth (which source record is which person) is written beside the files for tests and
// benchmarks of import and linkage.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { SeededRandom } from '../../lib/random/seeded.ts';
import { runTsWorkerJob } from '../../platform/worker/ts-worker.ts';
import { generateDemoDistrict } from './demo-loader.ts';
import type { DemoSize } from './district-layout.ts';
import type { BuildingRow, HouseRow, PersonRow } from './population.ts';

export interface DepartmentExport {
  source: string;
  label: string;
  file: string;
  format: 'csv' | 'xlsx';
  encoding: 'utf-8-bom' | 'utf-8' | 'gbk' | null;
  rows: number;
  /** The column mapping an operator would confirm for this export. */
  mapping: Record<string, string>;
}

export interface DepartmentExportsSummary {
  exports: DepartmentExport[];
  persons: number;
  /** Share of the persons in any export who appear in two or more exports. */
  overlapShare: number;
  truthFile: string;
}

type DateStyle = (iso: string) => string;
const dash: DateStyle = (d) => d;
const slash: DateStyle = (d) => `${Number(d.slice(0, 4))}/${Number(d.slice(5, 7))}/${Number(d.slice(8, 10))}`;
const compact: DateStyle = (d) => d.replace(/-/g, '');
const chinese: DateStyle = (d) =>
  `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;
const dotted: DateStyle = (d) =>
  `${Number(d.slice(0, 4))}.${Number(d.slice(5, 7))}.${Number(d.slice(8, 10))}`;

/** Characters often confused by sound when a name is taken down by ear (同音字). */
const HOMOPHONES: Record<string, string> = {
  明: '铭',
  华: '桦',
  伟: '玮',
  丽: '莉',
  静: '婧',
  敏: '民',
  军: '君',
  杰: '洁',
  强: '蔷',
  磊: '垒',
  芳: '方',
  娟: '涓',
  涛: '韬',
  斌: '彬',
  鹏: '朋',
  辉: '晖',
  玲: '琳',
  燕: '艳',
  红: '虹',
  建: '健',
  国: '帼',
  英: '瑛',
  秀: '琇',
  文: '雯',
  平: '萍',
  刚: '钢',
  林: '琳',
  海: '还',
  波: '博',
  宇: '雨',
};
const CN_DIGITS = '零一二三四五六七八九';
const cn = (n: string) => (Number(n) <= 10 ? (Number(n) === 10 ? '十' : CN_DIGITS[Number(n)]!) : n);

function legacyId(id: string): string {
  return id.slice(0, 6) + id.slice(8, 17);
}

interface Department {
  source: string;
  label: string;
  fileName: string;
  format: 'csv' | 'xlsx';
  encoding: DepartmentExport['encoding'];
  header: string[];
  mapping: Record<string, string>;
  pick(p: PersonRow, rng: SeededRandom): boolean;
  row(p: PersonRow, key: string, ctx: RowContext): string[];
}

interface RowContext {
  rng: SeededRandom;
  address(style: 'full' | 'compound' | 'dash' | 'numerals'): string;
  name(): string;
  id(): string;
  phone(): string;
}

const DEPARTMENTS: Department[] = [
  {
    source: 'police',
    label: '公安户籍人口',
    fileName: '公安_户籍人口.csv',
    format: 'csv',
    encoding: 'utf-8-bom',
    header: ['人员编号', '姓名', '性别', '出生日期', '公民身份号码', '户籍地址', '登记日期'],
    mapping: {
      source_key: '人员编号',
      name: '姓名',
      sex: '性别',
      birth_date: '出生日期',
      id_number: '公民身份号码',
      address: '户籍地址',
      record_date: '登记日期',
    },
    pick: (p, rng) => p.registrationType === 'household' && rng.chance(0.9),
    row: (p, key, c) => [
      key,
      c.name(),
      p.sex === '1' ? '男' : '女',
      dash(p.birthDate),
      c.id(),
      c.address('full'),
      '2025-06-30',
    ],
  },
  {
    source: 'civil_affairs',
    label: '民政救助对象',
    fileName: '民政_救助对象.csv',
    format: 'csv',
    encoding: 'gbk',
    header: ['救助编号', '姓名', '身份证号', '出生年月', '联系电话', '家庭住址', '认定日期'],
    mapping: {
      source_key: '救助编号',
      name: '姓名',
      id_number: '身份证号',
      birth_date: '出生年月',
      phone: '联系电话',
      address: '家庭住址',
      record_date: '认定日期',
    },
    pick: (p, rng) =>
      p.tags.some((t) => t.startsWith('low_income') || t === 'special_care') || rng.chance(0.25),
    row: (p, key, c) => [
      key,
      c.name(),
      c.id(),
      slash(p.birthDate),
      c.phone(),
      c.address('dash'),
      slash('2024-03-15'),
    ],
  },
  {
    source: 'health',
    label: '卫健老年人健康档案',
    fileName: '卫健_健康档案.xlsx',
    format: 'xlsx',
    encoding: null,
    header: ['档案编号', '患者姓名', '性别', '出生日期', '证件号码', '手机号码', '现住址', '建档日期'],
    mapping: {
      source_key: '档案编号',
      name: '患者姓名',
      sex: '性别',
      birth_date: '出生日期',
      id_number: '证件号码',
      phone: '手机号码',
      address: '现住址',
      record_date: '建档日期',
    },
    pick: (p, rng) => Number(p.birthDate.slice(0, 4)) <= 1966 || rng.chance(0.2),
    row: (p, key, c) => [
      key,
      c.name(),
      p.sex === '1' ? '男' : '女',
      compact(p.birthDate),
      c.id(),
      c.phone(),
      c.address('compound'),
      compact('2023-09-01'),
    ],
  },
  {
    source: 'housing',
    label: '住建房屋租住登记',
    fileName: '住建_租住登记.csv',
    format: 'csv',
    encoding: 'gbk',
    header: ['登记号', '承租人', '证件号', '手机', '房屋地址', '登记日期'],
    mapping: {
      source_key: '登记号',
      name: '承租人',
      id_number: '证件号',
      phone: '手机',
      address: '房屋地址',
      record_date: '登记日期',
    },
    pick: (p, rng) => (p.registrationType !== 'household' ? rng.chance(0.85) : rng.chance(0.1)),
    row: (_p, key, c) => [key, c.name(), c.id(), c.phone(), c.address('full'), '2026-02-01'],
  },
  {
    source: 'hrss',
    label: '人社参保人员',
    fileName: '人社_参保人员.csv',
    format: 'csv',
    encoding: 'utf-8',
    header: ['个人编号', '参保人姓名', '性别', '出生日期', '身份证号码', '联系电话', '参保日期'],
    mapping: {
      source_key: '个人编号',
      name: '参保人姓名',
      sex: '性别',
      birth_date: '出生日期',
      id_number: '身份证号码',
      phone: '联系电话',
      record_date: '参保日期',
    },
    pick: (p, rng) => {
      const y = Number(p.birthDate.slice(0, 4));
      return y >= 1960 && y <= 2006 && rng.chance(0.5);
    },
    row: (p, key, c) => [
      key,
      c.name(),
      p.sex === '1' ? '男' : '女',
      chinese(p.birthDate),
      c.id(),
      c.phone(),
      chinese('2021-01-01'),
    ],
  },
  {
    source: 'disabled',
    label: '残联残疾人',
    fileName: '残联_残疾人.csv',
    format: 'csv',
    encoding: 'utf-8',
    header: ['残疾证号', '残疾人姓名', '性别', '出生日期', '身份证号', '联系电话', '住址'],
    mapping: {
      source_key: '残疾证号',
      name: '残疾人姓名',
      sex: '性别',
      birth_date: '出生日期',
      id_number: '身份证号',
      phone: '联系电话',
      address: '住址',
    },
    pick: (p, rng) => p.tags.includes('disabled') && rng.chance(0.95),
    row: (p, key, c) => [
      key,
      c.name(),
      p.sex === '1' ? '男' : '女',
      dotted(p.birthDate),
      c.id(),
      c.phone(),
      c.address('numerals'),
    ],
  },
  {
    source: 'grid_collect',
    label: '网格员采集',
    fileName: '网格_采集.csv',
    format: 'csv',
    encoding: 'gbk',
    header: ['序号', '被采集人', '身份证', '联系方式', '居住地址', '采集日期'],
    mapping: {
      source_key: '序号',
      name: '被采集人',
      id_number: '身份证',
      phone: '联系方式',
      address: '居住地址',
      record_date: '采集日期',
    },
    pick: (_p, rng) => rng.chance(0.35),
    row: (_p, key, c) => [
      key,
      c.name(),
      c.rng.chance(0.3) ? '' : c.id(),
      c.phone(),
      c.address(c.rng.pick(['compound', 'numerals', 'dash'] as const)),
      chinese('2026-10-12'),
    ],
  },
];

async function writeXlsx(file: string, header: string[], rows: string[][]) {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: file,
    useSharedStrings: false,
    useStyles: false,
  });
  const ws = wb.addWorksheet('导出');
  ws.addRow(header).commit();
  for (const r of rows) ws.addRow(r).commit();
  ws.commit();
  await wb.commit();
}

export async function generateDepartmentExports(opts: {
  size: DemoSize;
  seed: number;
  outDir: string;
  /** Only these departments (default: all). */
  only?: string[];
  /** Only the residents of the first this many streets (by code; default: all), for a quicker demo start. */
  streets?: number;
}): Promise<DepartmentExportsSummary> {
  const district = generateDemoDistrict({ size: opts.size, seed: opts.seed, today: '2026-11-30' });
  const { houses, buildings } = district.population;
  const streetCodes = [...new Set(district.population.persons.map((p) => p.grid.streetCode))].sort();
  const kept = new Set(streetCodes.slice(0, opts.streets ?? streetCodes.length));
  const persons = district.population.persons.filter((p) => kept.has(p.grid.streetCode));
  const houseById = new Map<number, HouseRow>(houses.map((h) => [h.id, h]));
  const buildingById = new Map<number, BuildingRow>(buildings.map((b) => [b.id, b]));
  mkdirSync(opts.outDir, { recursive: true });
  const truth: string[][] = [['source', 'source_key', 'person_id']];
  const seen = new Map<number, number>();
  const exports: DepartmentExport[] = [];
  for (const [d, dept] of DEPARTMENTS.entries()) {
    if (opts.only && !opts.only.includes(dept.source)) continue;
    const rng = new SeededRandom(opts.seed * 31 + d);
    const rows: string[][] = [];
    for (const p of persons) {
      if (!p.idNumber || !dept.pick(p, rng)) continue;
      const key = `${dept.source.slice(0, 2).toUpperCase()}${String(rows.length + 1).padStart(7, '0')}`;
      const house = houseById.get(p.houseId)!;
      const building = buildingById.get(house.buildingId)!;
      const ctx: RowContext = {
        rng,
        name() {
          if (!rng.chance(0.04)) return p.name;
          // A typo by ear: one character of the given name replaced by a homophone, or a space typed in.
          const chars = [...p.name];
          for (let i = chars.length - 1; i >= 1; i--)
            if (HOMOPHONES[chars[i]!]) {
              chars[i] = HOMOPHONES[chars[i]!]!;
              return chars.join('');
            }
          return `${chars[0]} ${chars.slice(1).join('')}`;
        },
        id() {
          if (rng.chance(0.02)) return '';
          if (Number(p.birthDate.slice(0, 4)) < 1980 && rng.chance(0.15)) return legacyId(p.idNumber!);
          return rng.chance(0.05) ? p.idNumber!.replace(/(\d{6})(\d{8})/, '$1 $2 ') : p.idNumber!;
        },
        phone() {
          if (!p.phone || rng.chance(0.1)) return '';
          return rng.chance(0.2)
            ? `${p.phone.slice(0, 3)}-${p.phone.slice(3, 7)}-${p.phone.slice(7)}`
            : p.phone;
        },
        address(style) {
          if (rng.chance(0.03)) return '';
          const b = building.buildingNo;
          if (style === 'full') return house.address;
          if (style === 'compound') return `${building.compound}${b}幢${house.unitNo}单元${house.roomNo}室`;
          if (style === 'dash') return `${building.compound}${b}-${house.unitNo}-${house.roomNo}`;
          return `${building.compound}${cn(b)}栋${cn(house.unitNo)}单元${house.roomNo}`;
        },
      };
      rows.push(dept.row(p, key, ctx));
      truth.push([dept.source, key, String(p.id)]);
      seen.set(p.id, (seen.get(p.id) ?? 0) + 1);
    }
    const file = path.join(opts.outDir, dept.fileName);
    if (dept.format === 'xlsx') await writeXlsx(file, dept.header, rows);
    else {
      const text = stringify([dept.header, ...rows], {
        record_delimiter: dept.encoding === 'gbk' ? '\r\n' : '\n',
      });
      writeFileSync(
        file,
        dept.encoding === 'gbk'
          ? iconv.encode(text, 'gbk')
          : dept.encoding === 'utf-8-bom'
            ? `\ufeff${text}`
            : text,
      );
    }
    exports.push({
      source: dept.source,
      label: dept.label,
      file,
      format: dept.format,
      encoding: dept.encoding,
      rows: rows.length,
      mapping: dept.mapping,
    });
  }
  const truthFile = path.join(opts.outDir, 'ground_truth.csv');
  writeFileSync(truthFile, stringify(truth));
  writeFileSync(
    path.join(opts.outDir, 'mappings.json'),
    `${JSON.stringify(Object.fromEntries(exports.map((e) => [e.source, e.mapping])), null, 2)}\n`,
  );
  const multi = [...seen.values()].filter((n) => n >= 2).length;
  return { exports, persons: seen.size, overlapShare: seen.size === 0 ? 0 : multi / seen.size, truthFile };
}

/** The same, in a worker thread (department-exports-worker.ts), so a server keeps answering meanwhile. */
export function generateDepartmentExportsInWorker(
  opts: Parameters<typeof generateDepartmentExports>[0],
): Promise<DepartmentExportsSummary> {
  type Message = { type: 'result'; summary: DepartmentExportsSummary } | { type: 'error'; message: string };
  return runTsWorkerJob<Message, DepartmentExportsSummary>(
    new URL('./department-exports-worker.ts', import.meta.url),
    {
      input: opts,
      onMessage: (m) => (m.type === 'result' ? { result: m.summary } : { error: new Error(m.message) }),
      exitError: (code) => new Error(`department exports worker exited with code ${code}`),
    },
  );
}
