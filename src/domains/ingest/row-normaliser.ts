// Turns one row of a department's table into a normalised person source record, or into the list of what is
// wrong with it, field by field. Errors send the row to the quarantine; warnings (an address that matches no
// known building, a legacy 15-digit ID number) travel with the accepted record. Pure apart from hashing.
import { hash } from 'node:crypto';
import {
  type AddressParts,
  type BuildingMatcher,
  type ColumnMapping,
  cleanName,
  cleanText,
  parseAddress,
  parseLooseDate,
  parsePhone,
  reconcileIdentity,
  type Sex,
} from '../../lib/normalise/index.ts';
import type { TableRow } from './table-reader.ts';

/** Longer cells are not department data: 10 MB in a 姓名 cell is an accident or an attack. */
export const MAX_CELL_CHARS = 2000;
/** How much of a failed row's cells the quarantine keeps. */
const KEEP_CELL_CHARS = 1000;
const KEEP_EXTRA_CELLS = 10;

export interface RowProblem {
  /** The column of the file (or the target field when no column holds it). */
  column: string | null;
  field: string;
  code: string;
  message: string;
  messageEn: string;
}

export interface PlacedBuilding {
  gridId: number;
  scopePath: string;
  streetCode: string;
}

export interface StagedPerson {
  row: number;
  sourceKey: string;
  rowHash: string;
  name: string | null;
  sex: Sex | null;
  birthDate: string | null;
  idNumber: string | null;
  idConvertedFrom15: boolean;
  phone: string | null;
  address: string | null;
  parts: AddressParts;
  buildingId: number | null;
  buildingMatch: string;
  gridId: number | null;
  scopePath: string;
  streetCode: string;
  recordDate: string | null;
  extra: Record<string, string>;
  warnings: string[];
}

export type NormalisedRow =
  | { ok: true; record: StagedPerson }
  | { ok: false; row: number; problems: RowProblem[]; raw: Record<string, string>; rawHash: string };

export interface NormaliseContext {
  header: readonly string[];
  mapping: ColumnMapping;
  matcher: BuildingMatcher;
  placeOf(buildingId: number): PlacedBuilding | undefined;
  /** The importer's scope: rows placed outside it are refused; unplaced rows stay at this path. */
  scopePath: string;
  today: Date;
  /** Keyed hash of an ID number, used as the source key of sources without a key column. */
  idKey(idNumber: string): string;
  /**
   * Parsed and matched addresses of the run by their text: members of a household, and the same household in
   * several files, share one address, so each distinct text is parsed and matched once.
   */
  addressMemo?: Map<
    string,
    { parts: ReturnType<typeof parseAddress>; match: ReturnType<BuildingMatcher['match']> }
  >;
}

/** Bounds the memo so that memory stays constant on files of many GB. */
const ADDRESS_MEMO_LIMIT = 100_000;

function placeAddress(address: string | null, ctx: NormaliseContext) {
  if (!address) return { parts: parseAddress(null), match: { buildingId: null, by: 'none' } as const };
  const known = ctx.addressMemo?.get(address);
  if (known) return known;
  const parts = parseAddress(address);
  const placed = { parts, match: ctx.matcher.match(parts) };
  if (ctx.addressMemo) {
    if (ctx.addressMemo.size >= ADDRESS_MEMO_LIMIT) ctx.addressMemo.clear();
    ctx.addressMemo.set(address, placed);
  }
  return placed;
}

const MESSAGES: Record<string, [string, string]> = {
  row_ragged: ['本行的列数与表头不一致', 'The row has a different number of cells than the header'],
  csv_syntax: ['本行不是有效的 CSV（引号或分隔符错误）', 'The row is not valid CSV (quotes or delimiters)'],
  bad_json: ['本行不是有效的 JSON', 'The line is not valid JSON'],
  not_an_object: ['本行不是 JSON 对象', 'The line is not a JSON object'],
  cell_too_long: [
    `单元格超过 ${MAX_CELL_CHARS} 个字符`,
    `The cell is longer than ${MAX_CELL_CHARS} characters`,
  ],
  required: ['必填项为空', 'Required value is empty'],
  name_format: ['姓名含有数字或过长', 'The name holds digits or is too long'],
  id_empty: ['身份证号码为空', 'The ID number is empty'],
  id_length: ['身份证号码应为 18 位（或旧版 15 位）', 'An ID number has 18 digits (or 15, legacy)'],
  id_format: ['身份证号码只能是数字，最后一位可以是 X', 'Digits only; the last may be X'],
  id_province: ['身份证号码的省份代码不存在', 'The province code does not exist'],
  id_birth_date: ['身份证号码中的出生日期不存在', 'The birth date in the number does not exist'],
  id_birth_in_future: ['身份证号码中的出生日期晚于今天', 'The birth date in the number is in the future'],
  id_check_digit: ['身份证号码校验位错误', 'The check digit is wrong'],
  id_legacy_centenarian: [
    '15 位号码的顺序码 996–999 无法确定世纪',
    'Legacy sequences 996–999 have no certain century',
  ],
  sex_unknown_word: ['无法识别的性别', 'Unrecognised sex'],
  sex_mismatch: ['性别与身份证号码不一致', 'Sex does not match the ID number'],
  birth_mismatch: ['出生日期与身份证号码不一致', 'Birth date does not match the ID number'],
  date_format: ['无法识别的日期格式', 'Unrecognised date format'],
  date_not_a_date: ['日期不存在', 'The date does not exist'],
  date_out_of_range: ['日期超出合理范围', 'The date is out of range'],
  phone_format: ['电话号码格式不正确', 'The phone number is not valid'],
  out_of_scope: ['地址不在您的管辖范围内', 'The address is outside your area'],
};

function problem(column: string | null, field: string, code: string): RowProblem {
  const [message, messageEn] = MESSAGES[code] ?? [code, code];
  return { column, field, code, message, messageEn };
}

function rawObject(header: readonly string[], cells: readonly string[]): Record<string, string> {
  const raw: Record<string, string> = {};
  const n = Math.min(cells.length, header.length + KEEP_EXTRA_CELLS);
  for (let i = 0; i < n; i++) {
    const cell = cells[i] ?? '';
    raw[header[i] ?? `_extra_${i - header.length + 1}`] =
      cell.length > KEEP_CELL_CHARS ? `${cell.slice(0, KEEP_CELL_CHARS)}…(${cell.length})` : cell;
  }
  if (cells.length > n) raw['_truncated_cells'] = String(cells.length - n);
  return raw;
}

export function hashOf(value: unknown): string {
  // The one-shot hash gives the digest createHash gave (stored row hashes stay valid) without a Hash object per call.
  return hash('sha256', JSON.stringify(value), 'base64url').slice(0, 32);
}

/** Column positions of the mapped fields and the unmapped columns, worked out once per context, not per row. */
interface ColumnPlan {
  indexOf: Map<string, number>;
  unmapped: number[];
}
const plans = new WeakMap<NormaliseContext, ColumnPlan>();

function columnPlan(ctx: NormaliseContext): ColumnPlan {
  let plan = plans.get(ctx);
  if (!plan) {
    const mapped = new Set(Object.values(ctx.mapping));
    plan = {
      indexOf: new Map(ctx.header.map((h, i) => [h, i])),
      unmapped: ctx.header.flatMap((h, i) => (mapped.has(h) ? [] : [i])),
    };
    plans.set(ctx, plan);
  }
  return plan;
}

function streetCodeOf(scopePath: string): string {
  return scopePath.split('/')[2] ?? '';
}

function failed(input: TableRow, header: readonly string[], problems: RowProblem[]): NormalisedRow {
  const raw = rawObject(header, input.cells);
  return { ok: false as const, row: input.row, problems, raw, rawHash: hashOf(raw) };
}

/** The cell of a mapped field, if the field is mapped to a column of the file. */
function cellOf(
  field: keyof ColumnMapping,
  mapping: ColumnMapping,
  index: Map<string, number>,
  cells: readonly string[],
): string | undefined {
  const column = mapping[field];
  if (column === undefined) return undefined;
  const i = index.get(column);
  return i === undefined ? undefined : cells[i];
}

function columnOf(mapping: ColumnMapping, field: keyof ColumnMapping): string | null {
  return mapping[field] ?? null;
}

// Helpers of normaliseRow are module functions, not closures made per row: a row is a hot loop, and the loader's
// keep-names transform gives each closure made a property write of its own.
export function normaliseRow(input: TableRow, ctx: NormaliseContext): NormalisedRow {
  const { header, mapping } = ctx;
  const problems: RowProblem[] = [];
  if (input.problem) {
    problems.push(problem(null, 'row', input.problem.code));
    problems[0]!.messageEn += ` (${input.problem.detail})`;
    return failed(input, header, problems);
  }
  // Trailing empty cells (a spreadsheet's stray commas) do not make a row ragged.
  let cells = input.cells;
  if (cells.length > header.length && cells.slice(header.length).every((c) => c.trim() === ''))
    cells = cells.slice(0, header.length);
  if (cells.length !== header.length) {
    problems.push(problem(null, 'row', 'row_ragged'));
    return failed(input, header, problems);
  }
  for (let i = 0; i < cells.length; i++)
    if (cells[i]!.length > MAX_CELL_CHARS) problems.push(problem(header[i]!, 'cell', 'cell_too_long'));
  if (problems.length > 0) return failed(input, header, problems);

  const { indexOf: index, unmapped } = columnPlan(ctx);

  const name = cleanName(cellOf('name', mapping, index, cells));
  if (name === '') problems.push(problem(columnOf(mapping, 'name'), 'name', 'required'));
  else if (/\d/.test(name) || name.length > 64)
    problems.push(problem(columnOf(mapping, 'name'), 'name', 'name_format'));

  const identity = reconcileIdentity(
    {
      idNumber: cellOf('id_number', mapping, index, cells),
      sex: cellOf('sex', mapping, index, cells),
      birthDate: cellOf('birth_date', mapping, index, cells),
    },
    ctx.today,
  );
  for (const p of identity.problems) problems.push(problem(columnOf(mapping, p.field), p.field, p.code));

  const phoneCell = cellOf('phone', mapping, index, cells);
  const phone = parsePhone(phoneCell);
  if (!phone.ok && phone.problem !== 'empty')
    problems.push(problem(columnOf(mapping, 'phone'), 'phone', 'phone_format'));

  let recordDate: string | null = null;
  const recordCell = cellOf('record_date', mapping, index, cells);
  const rd = parseLooseDate(recordCell);
  if (rd.ok) recordDate = rd.value;
  else if (rd.problem !== 'empty')
    problems.push(problem(columnOf(mapping, 'record_date'), 'record_date', `date_${rd.problem}`));

  const address = cleanText(cellOf('address', mapping, index, cells)) || null;
  const { parts, match } = placeAddress(address, ctx);
  const warnings: string[] = [];
  let scopePath = ctx.scopePath;
  let gridId: number | null = null;
  if (match.buildingId !== null) {
    const place = ctx.placeOf(match.buildingId);
    if (place) {
      if (!place.scopePath.startsWith(ctx.scopePath))
        problems.push(problem(columnOf(mapping, 'address'), 'address', 'out_of_scope'));
      scopePath = place.scopePath;
      gridId = place.gridId;
    }
  } else if (address) warnings.push(`address_${match.by}`);
  if (identity.idConvertedFrom15) warnings.push('id_upgraded_from_15');

  let sourceKey = '';
  if (mapping.source_key !== undefined) {
    sourceKey = cleanText(cellOf('source_key', mapping, index, cells));
    if (sourceKey === '') problems.push(problem(columnOf(mapping, 'source_key'), 'source_key', 'required'));
  }
  if (problems.length > 0) return failed(input, header, problems);

  const extra: Record<string, string> = {};
  for (const i of unmapped) if (cells[i]!.trim() !== '') extra[header[i]!] = cleanText(cells[i]);
  const fields = {
    name,
    sex: identity.sex,
    birthDate: identity.birthDate,
    idNumber: identity.idNumber,
    phone: phone.ok ? phone.value : null,
    address,
    recordDate,
    extra,
  };
  const rowHash = hashOf(fields);
  if (sourceKey === '') {
    // Without a key column the record is the person (by ID number) or, failing that, the row's content.
    sourceKey = identity.idNumber ? `id:${ctx.idKey(identity.idNumber)}` : `row:${rowHash}`;
  }
  return {
    ok: true,
    record: {
      row: input.row,
      sourceKey,
      rowHash,
      ...fields,
      idConvertedFrom15: identity.idConvertedFrom15,
      parts,
      buildingId: match.buildingId,
      buildingMatch: match.by,
      gridId,
      scopePath,
      streetCode: streetCodeOf(scopePath),
      warnings,
    },
  };
}
