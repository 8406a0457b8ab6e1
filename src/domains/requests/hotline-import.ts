// Bulk import of a 12345 hotline system's export (CSV in UTF-8 or GBK, or XLSX): each row becomes an order through
// the normal intake path (place check, same-incident merging, 直派, audit), keyed by the hotline's own record number
// so that importing the same export twice adds nothing. A row that cannot be taken gets a row-level error with a
// code and a Chinese message; every row read is either accepted or rejected, none is dropped.

import { createWorkCalendar } from '../../lib/calendar/working-time.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { Database } from '../../platform/db/index.ts';
import { AppError, errors } from '../../platform/http/errors.ts';
import { detectFile, IngestFileError, openTable } from '../ingest/index.ts';
import type { CategoryCatalog } from './category-catalog.ts';
import { requestCategoryCatalog } from './category-source.ts';
import { createGridLocator } from './grid-locator.ts';
import {
  type Caller,
  createWorkOrderService,
  type IntakeInput,
  type WorkOrderService,
} from './work-orders.service.ts';

/** Column names seen in 12345 exports, per field (the first one present is used). */
export const HOTLINE_COLUMNS = {
  record: ['工单编号', '工单号', '受理编号', '记录编号', 'record_no'],
  description: ['诉求内容', '来电内容', '问题描述', '内容', 'description'],
  receivedAt: ['来电时间', '受理时间', '登记时间', 'received_at'],
  category: ['类别编码', '诉求类别', '问题分类', '类别', 'category'],
  address: ['诉求地址', '事发地址', '地址', 'address'],
  name: ['来电人', '联系人', '姓名', 'caller_name'],
  phone: ['来电号码', '联系电话', '电话', 'caller_phone'],
  lng: ['经度', 'lng'],
  lat: ['纬度', 'lat'],
} as const;

type Field = keyof typeof HOTLINE_COLUMNS;

export interface HotlineRowError {
  /** 1-based data row (the header is row 0). */
  row: number;
  record: string | null;
  code: string;
  message: string;
  messageEn: string;
}

export interface HotlineImportReport {
  read: number;
  /** created + joined + alreadyImported. */
  accepted: number;
  rejected: number;
  created: number;
  /** Rows that joined an open order about the same incident. */
  joined: number;
  /** Rows whose record number was imported before: the existing order stands, nothing is written. */
  alreadyImported: number;
  errors: HotlineRowError[];
}

/** 2026-11-30 08:15[:00] or 2026/11/30 8:15, China time; a date alone is taken at 09:00. */
export function parseHotlineTime(text: string): Date | null {
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(
    text.trim(),
  );
  if (!m) return null;
  const [, y, mo, d, h = '9', mi = '0', s = '0'] = m;
  const at = new Date(Date.UTC(+y!, +mo! - 1, +d!, +h - 8, +mi, +s));
  const check = new Date(at.getTime() + 8 * 3600_000);
  if (check.getUTCMonth() !== +mo! - 1 || check.getUTCDate() !== +d! || +h > 23 || +mi > 59 || +s > 59)
    return null;
  return at;
}

class RowRefusal extends Error {
  constructor(
    readonly code: string,
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
}

function columnsOf(header: string[]): Record<Field, number> {
  const out = {} as Record<Field, number>;
  for (const [field, names] of Object.entries(HOTLINE_COLUMNS) as Array<[Field, readonly string[]]>) {
    out[field] = header.findIndex((h) => names.includes(h.trim()));
  }
  return out;
}

/** A category given as its code (0401) or its name (停水). */
function categoryCodeOf(catalog: CategoryCatalog, text: string): string {
  if (catalog.find(text)) return text;
  const byName = catalog.leaves().find((c) => c.nameZh === text);
  if (byName) return byName.code;
  throw new RowRefusal(
    'CATEGORY_UNKNOWN',
    `没有编码或名称为「${text}」的诉求类别`,
    `No request category "${text}"`,
  );
}

function numberOrRefuse(text: string, field: string): number {
  const n = Number(text);
  if (!Number.isFinite(n))
    throw new RowRefusal('VALIDATION_FAILED', `${field}「${text}」不是数字`, `${field} is not a number`);
  return n;
}

/** Reads the file and takes its rows in order; the caller's audit identity is written on every order. */
export async function importHotlineFile(
  service: WorkOrderService,
  catalog: CategoryCatalog,
  caller: Caller,
  file: string,
  fileName: string,
  options: { encoding?: string | undefined } = {},
): Promise<HotlineImportReport> {
  let table: Awaited<ReturnType<typeof openTable>>;
  try {
    const detected = await detectFile(file, fileName, { encoding: options.encoding });
    table = await openTable(file, detected.format, detected.encoding);
  } catch (error) {
    if (error instanceof IngestFileError) throw new AppError(error.code, undefined, error.messageZh);
    throw error;
  }
  const col = columnsOf(table.header);
  for (const field of ['record', 'description'] as const) {
    if (col[field] < 0) {
      table.close();
      throw new AppError('VALIDATION_FAILED', [
        {
          field: 'file',
          message: `缺少「${HOTLINE_COLUMNS[field][0]}」列（可用列名：${HOTLINE_COLUMNS[field].join('、')}）`,
          messageEn: `The ${field} column is missing (${HOTLINE_COLUMNS[field].join(', ')})`,
        },
      ]);
    }
  }
  const report: HotlineImportReport = {
    read: 0,
    accepted: 0,
    rejected: 0,
    created: 0,
    joined: 0,
    alreadyImported: 0,
    errors: [],
  };
  const seenInFile = new Map<string, number>();
  for await (const row of table.rows) {
    report.read++;
    const cell = (field: Field) => (col[field] >= 0 ? (row.cells[col[field]] ?? '').trim() : '');
    const record = cell('record') || null;
    try {
      if (row.problem)
        throw new RowRefusal('VALIDATION_FAILED', `该行无法读取：${row.problem.detail}`, row.problem.detail);
      if (!record) throw new RowRefusal('VALIDATION_FAILED', '工单编号为空', 'The record number is empty');
      const earlier = seenInFile.get(record);
      if (earlier !== undefined) {
        throw new RowRefusal(
          'HOTLINE_RECORD_REPEATED',
          `工单编号 ${record} 与第 ${earlier} 行重复`,
          `Record ${record} repeats row ${earlier}`,
        );
      }
      seenInFile.set(record, row.row);
      const when = cell('receivedAt');
      const receivedAt = when ? parseHotlineTime(when) : null;
      if (when && !receivedAt) {
        throw new RowRefusal(
          'VALIDATION_FAILED',
          `来电时间「${when}」无法识别（应为 2026-11-30 08:15）`,
          `Bad time "${when}"`,
        );
      }
      const lng = cell('lng');
      const lat = cell('lat');
      const input: IntakeInput = {
        channel: 'hotline',
        description: cell('description'),
        categoryCode: cell('category') ? categoryCodeOf(catalog, cell('category')) : null,
        address: cell('address') || null,
        lng: lng ? numberOrRefuse(lng, '经度') : null,
        lat: lat ? numberOrRefuse(lat, '纬度') : null,
        name: cell('name') || null,
        phone: cell('phone') || null,
        anonymous: !cell('name') && !cell('phone'),
        hotlineRecord: record,
        ...(receivedAt ? { receivedAt } : {}),
      };
      const result = await service.intake(caller, input, null);
      report.accepted++;
      if (!result.created) report.alreadyImported++;
      else if (result.merged) report.joined++;
      else report.created++;
    } catch (error) {
      report.rejected++;
      report.errors.push(rowError(row.row, record, error));
    }
  }
  return report;
}

function rowError(row: number, record: string | null, error: unknown): HotlineRowError {
  if (error instanceof RowRefusal)
    return { row, record, code: error.code, message: error.zh, messageEn: error.en };
  if (error instanceof AppError) {
    const detail = error.details?.[0];
    const entry = errors[error.code];
    return {
      row,
      record,
      code: error.code,
      message: detail?.message ?? entry.zh,
      messageEn: detail?.messageEn ?? entry.en,
    };
  }
  // An unexpected failure is still reported against its row, so the totals stay whole.
  return { row, record, code: 'INTERNAL', message: '该行写入失败', messageEn: (error as Error).message };
}

/** The intake service as the command line uses it: the district's categories, calendar and grids. */
export function createIntakeService(database: Database, cipher: FieldCipher) {
  const catalog = requestCategoryCatalog();
  const service = createWorkOrderService({
    database,
    cipher,
    catalog,
    calendar: createWorkCalendar(),
    locator: createGridLocator(),
  });
  return { service, catalog };
}
