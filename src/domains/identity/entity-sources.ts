// Departments' registers of houses, households and organisations into source_entity, the staging table that an
// identity run of that entity type links with the platform's rows. A register is a department file (CSV in UTF-8
// or GBK, XLSX, JSON Lines: read by the ingest table reader, a row at a time) whose columns an operator maps to
// the type's fields; each row is normalised and upserted by (entity type, source, record key), so importing a
// register again updates it. A row that cannot be used is
// answered with its number and the reason in Chinese; a value that cannot be used (a credit code that fails its
// check) is dropped with a warning and the row kept.
import path from 'node:path';
import { canonicalIdNumber, phoneDigits } from '../../lib/linkage/normalise.ts';
import { maskIdNumber } from '../../lib/masking.ts';
import { parseUscc } from '../../lib/uscc.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { Database, ResolvedEntityType } from '../../platform/db/index.ts';
import { detectFile, IngestFileError, openTable } from '../ingest/index.ts';

export interface EntityImportOptions {
  file: string;
  entityType: ResolvedEntityType;
  source: string;
  /** Field → column of the register; source_key is required. */
  mapping: Record<string, string>;
  scopePath: string;
}

export interface EntityImportReport {
  rowsRead: number;
  accepted: number;
  rejected: { row: number; message: string }[];
  warnings: { row: number; message: string }[];
}

const FIELDS: Record<ResolvedEntityType, readonly string[]> = {
  house: ['address', 'building', 'unit_no', 'room_no', 'area_m2', 'use_type'],
  household: ['household_no', 'head_name', 'head_id', 'address', 'member_count', 'members'],
  organization: ['uscc', 'name', 'address', 'legal_rep_name', 'contact_phone'],
};

const HOUSE_USE: Record<string, string> = { 住宅: 'residential', 商业: 'commercial', 办公: 'office' };

export class EntityImportError extends Error {}

type Fields = Record<string, string | null>;

/** The row's fields in their stored form, or the reason it cannot be used. */
function normaliseRow(
  type: ResolvedEntityType,
  cell: (field: string) => string,
  warn: (message: string) => void,
): { fields: Fields; headId: string | null } | { error: string } {
  const f: Fields = {};
  for (const name of FIELDS[type]) {
    const v = cell(name).trim();
    f[name] = v === '' ? null : v;
  }
  if (type === 'house') {
    if (!f['address']) return { error: '缺少房屋地址' };
    if (f['area_m2'] !== null) {
      const area = Number(f['area_m2']);
      if (!(area > 0 && area < 100_000)) {
        warn(`建筑面积「${f['area_m2']}」不是有效数值，已忽略`);
        f['area_m2'] = null;
      } else f['area_m2'] = area.toFixed(2);
    }
    f['use_type'] = f['use_type'] ? (HOUSE_USE[f['use_type']] ?? 'other') : null;
    return { fields: f, headId: null };
  }
  if (type === 'household') {
    const headId = f['head_id'] ? canonicalIdNumber(f['head_id']) : '';
    if (f['head_id'] && headId === '') warn('户主身份证号格式不正确，已忽略');
    delete f['head_id'];
    if (!f['household_no'] && headId === '') return { error: '缺少户号和户主身份证号，无法识别该户' };
    if (f['member_count'] !== null && !/^\d{1,3}$/.test(f['member_count']!)) {
      warn(`户内人数「${f['member_count']}」不是整数，已忽略`);
      f['member_count'] = null;
    }
    return { fields: f, headId: headId || null };
  }
  if (!f['name']) return { error: '缺少组织名称' };
  if (f['uscc']) {
    const r = parseUscc(f['uscc']);
    if (r.ok) f['uscc'] = r.value;
    else {
      warn(`统一社会信用代码「${f['uscc']}」校验不通过，已忽略`);
      f['uscc'] = null;
    }
  }
  if (f['contact_phone']) f['contact_phone'] = phoneDigits(f['contact_phone']) || null;
  return { fields: f, headId: null };
}

type StagedRow = {
  entity_type: ResolvedEntityType;
  source: string;
  source_key: string;
  scope_path: string;
  fields: string;
  head_id_cipher: Uint8Array | null;
  head_id_hash: Uint8Array | null;
  head_id_masked: string | null;
  source_row: number;
  record_date: string | null;
};

/** Rows staged per statement: the register is read a row at a time and written in batches of this many. */
const BATCH = 500;

async function stage(database: Database, values: StagedRow[]) {
  if (values.length === 0) return;
  await database.db
    .insertInto('source_entity')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['entity_type', 'source', 'source_key']).doUpdateSet((eb) => ({
        fields: eb.ref('excluded.fields'),
        head_id_cipher: eb.ref('excluded.head_id_cipher'),
        head_id_hash: eb.ref('excluded.head_id_hash'),
        head_id_masked: eb.ref('excluded.head_id_masked'),
        source_row: eb.ref('excluded.source_row'),
        record_date: eb.ref('excluded.record_date'),
        scope_path: eb.ref('excluded.scope_path'),
      })),
    )
    .execute();
}

/**
 * Streams the register through the table reader the person import uses (CSV in any supported encoding, XLSX,
 * JSON Lines), so memory does not grow with the file: rows are normalised one at a time and staged in batches.
 */
export async function importEntityRegister(
  database: Database,
  cipher: FieldCipher,
  opts: EntityImportOptions,
): Promise<EntityImportReport> {
  if (!opts.mapping['source_key']) throw new EntityImportError('必须指定记录编号列（source_key）');
  for (const field of Object.keys(opts.mapping))
    if (field !== 'source_key' && field !== 'record_date' && !FIELDS[opts.entityType].includes(field))
      throw new EntityImportError(`「${field}」不是${opts.entityType}的字段`);
  let table: Awaited<ReturnType<typeof openTable>>;
  try {
    const detected = await detectFile(opts.file, path.basename(opts.file));
    table = await openTable(opts.file, detected.format, detected.encoding);
  } catch (error) {
    if (error instanceof IngestFileError) throw new EntityImportError(error.messageZh);
    throw error;
  }
  const indexOf = new Map(table.header.map((h, i) => [h, i]));
  const report: EntityImportReport = { rowsRead: 0, accepted: 0, rejected: [], warnings: [] };
  try {
    for (const [field, column] of Object.entries(opts.mapping))
      if (!indexOf.has(column.trim()))
        throw new EntityImportError(`文件中没有列「${column}」（字段 ${field}）`);
    let batch: StagedRow[] = [];
    const seenKeys = new Set<string>();
    for await (const { row, cells, problem } of table.rows) {
      report.rowsRead++;
      if (problem) {
        report.rejected.push({ row, message: `该行无法读取：${problem.detail}` });
        continue;
      }
      const cell = (field: string) => {
        const column = opts.mapping[field];
        return column === undefined ? '' : (cells[indexOf.get(column.trim())!] ?? '');
      };
      const key = cell('source_key').trim();
      if (key === '') {
        report.rejected.push({ row, message: '缺少记录编号' });
        continue;
      }
      if (seenKeys.has(key)) {
        report.rejected.push({ row, message: `记录编号「${key}」在文件中重复` });
        continue;
      }
      seenKeys.add(key);
      const out = normaliseRow(opts.entityType, cell, (message) => report.warnings.push({ row, message }));
      if ('error' in out) {
        report.rejected.push({ row, message: out.error });
        continue;
      }
      const date = cell('record_date').trim();
      batch.push({
        entity_type: opts.entityType,
        source: opts.source,
        source_key: key,
        scope_path: opts.scopePath,
        fields: JSON.stringify(out.fields),
        head_id_cipher: out.headId ? cipher.seal(out.headId) : null,
        head_id_hash: out.headId ? cipher.blindIndex(out.headId) : null,
        head_id_masked: out.headId ? maskIdNumber(out.headId) : null,
        source_row: row,
        record_date: /^\d{4}-\d{2}-\d{2}$/.test(date) ? date : null,
      });
      if (batch.length >= BATCH) {
        await stage(database, batch);
        report.accepted += batch.length;
        batch = [];
      }
    }
    await stage(database, batch);
    report.accepted += batch.length;
  } catch (error) {
    if (error instanceof IngestFileError) throw new EntityImportError(error.messageZh);
    throw error;
  } finally {
    // Leaving early (a missing column, a file error) must release the file too.
    table.close();
  }
  return report;
}
