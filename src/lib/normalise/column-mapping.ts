// Suggests which column of a department's export holds which field of a person source record, from the column
// names (each department says 身份证号 / 公民身份号码 / 证件号码 …) and from the values (18 digits with a valid
// check character are ID numbers whatever the header says). Pure; the console shows the suggestion for a person
// to confirm, and the confirmed mapping is saved per source.
import { parseIdNumber } from '../id-number.ts';
import { parseAddress } from './address.ts';
import { parseLooseDate } from './date.ts';
import { parseSex } from './identity.ts';
import { parsePhone } from './phone.ts';
import { cleanText } from './text.ts';

export const TARGET_FIELDS = [
  'source_key',
  'name',
  'id_number',
  'sex',
  'birth_date',
  'phone',
  'address',
  'record_date',
] as const;
export type TargetField = (typeof TARGET_FIELDS)[number];

/** target field → the column that holds it. Columns not named are kept as extra attributes. */
export type ColumnMapping = Partial<Record<TargetField, string>>;

const HEADER_WORDS: Record<TargetField, readonly string[]> = {
  source_key: [
    '记录编号',
    '业务编号',
    '编号',
    '档案编号',
    '流水号',
    '人员编号',
    '个人编号',
    '证号',
    'id',
    'key',
    'record_id',
  ],
  name: [
    '姓名',
    '名字',
    '人员姓名',
    '居民姓名',
    '户主姓名',
    '患者姓名',
    '参保人姓名',
    '残疾人姓名',
    '被采集人',
    'name',
  ],
  id_number: [
    '身份证号',
    '身份证号码',
    '公民身份号码',
    '证件号码',
    '证件号',
    '身份证',
    'idcard',
    'id_number',
    'sfzh',
  ],
  sex: ['性别', 'sex', 'gender', 'xb'],
  birth_date: ['出生日期', '出生年月', '出生年月日', '生日', 'birth', 'birth_date', 'csrq'],
  phone: ['联系电话', '手机号码', '手机号', '电话', '联系方式', '手机', 'phone', 'mobile', 'tel'],
  address: [
    '住址',
    '现住址',
    '居住地址',
    '家庭住址',
    '户籍地址',
    '地址',
    '实际居住地址',
    '房屋地址',
    'address',
    'addr',
  ],
  record_date: [
    '更新日期',
    '登记日期',
    '采集日期',
    '建档日期',
    '办理日期',
    '认定日期',
    '更新时间',
    '变更日期',
    'updated_at',
  ],
};

export interface ColumnSuggestion {
  column: string;
  field: TargetField | null;
  /** 0..1: how sure the suggestion is. */
  confidence: number;
  reason: 'header' | 'values' | 'header_and_values' | 'none';
}

function headerScore(header: string, field: TargetField): number {
  const h = cleanText(header)
    .toLowerCase()
    .replace(/[\s_（）()]/g, '');
  let best = 0;
  for (const word of HEADER_WORDS[field]) {
    const w = word.toLowerCase();
    if (h === w) return 1;
    if (h.includes(w) && w.length >= 2) best = Math.max(best, 0.6 + 0.3 * (w.length / h.length));
  }
  return best;
}

function share(cells: readonly string[], test: (v: string) => boolean): number {
  const present = cells.map((c) => cleanText(c)).filter((c) => c !== '');
  if (present.length === 0) return 0;
  return present.filter(test).length / present.length;
}

function valueScore(cells: readonly string[], field: TargetField): number {
  switch (field) {
    case 'id_number':
      return share(cells, (v) => parseIdNumber(v).ok);
    case 'phone':
      return share(cells, (v) => parsePhone(v).ok);
    case 'sex':
      return share(cells, (v) => parseSex(v) !== undefined && v.length <= 2);
    case 'birth_date':
    case 'record_date':
      return 0.8 * share(cells, (v) => parseLooseDate(v).ok);
    case 'address':
      return share(cells, (v) => {
        const p = parseAddress(v);
        return p.building !== null && (p.compound !== null || p.road !== null);
      });
    case 'name':
      return 0.7 * share(cells, (v) => /^[\u3400-\u9fff·]{2,6}$/.test(v));
    case 'source_key':
      return 0;
  }
}

/**
 * One suggestion per column; each field goes to at most one column (the best-scoring), so two date columns do
 * not both become the birth date.
 */
export function suggestMapping(
  header: readonly string[],
  sampleRows: readonly (readonly string[])[],
): { mapping: ColumnMapping; columns: ColumnSuggestion[] } {
  const candidates: Array<{
    col: number;
    field: TargetField;
    score: number;
    reason: ColumnSuggestion['reason'];
  }> = [];
  header.forEach((name, col) => {
    const cells = sampleRows.map((r) => r[col] ?? '');
    for (const field of TARGET_FIELDS) {
      const h = headerScore(name, field);
      const v = valueScore(cells, field);
      const score = h > 0 && v > 0 ? Math.min(1, 0.55 * h + 0.45 * v + 0.1) : Math.max(h * 0.9, v * 0.8);
      if (score >= 0.4) {
        const reason = h > 0 && v > 0 ? 'header_and_values' : h > 0 ? 'header' : 'values';
        candidates.push({ col, field, score, reason });
      }
    }
  });
  candidates.sort((a, b) => b.score - a.score);
  const taken = new Set<number>();
  const mapping: ColumnMapping = {};
  const columns: ColumnSuggestion[] = header.map((column) => ({
    column,
    field: null,
    confidence: 0,
    reason: 'none',
  }));
  for (const c of candidates) {
    if (taken.has(c.col) || mapping[c.field] !== undefined) continue;
    taken.add(c.col);
    mapping[c.field] = header[c.col]!;
    columns[c.col] = {
      column: header[c.col]!,
      field: c.field,
      confidence: Math.round(c.score * 100) / 100,
      reason: c.reason,
    };
  }
  return { mapping, columns };
}
