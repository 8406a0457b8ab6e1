// `cbrain detect`: the platform's detectors (alarms, the elderly-alone low/flat water rule, group rental, silent
// meters) over readings in a CSV file, one message per row, written as alerts to another CSV. The same per-device
// state and rules as live ingestion (src/lib/anomaly/device-detector.ts), so a result can be checked by hand.
//
// Input columns: device, kind, ts (ISO 8601 or epoch ms), optional household_size and elderly_alone (true/false,
// taken from the device's first row), and one column per metric in its canonical unit (usage in L, lel in %LEL,
// alarm/fall/pressed/open true/false, event …; see docs/sensing.md). An empty cell is an absent metric. A bad row
// is reported with its line, a code and the reason in Chinese, and left out; the other rows are still judged.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import { isDeviceKind, KIND_SPECS } from '../../domains/sensing/device-kinds.ts';
import type { Values } from '../../lib/anomaly/detectors.ts';
import { createDeviceDetector, type DetectedDevice } from '../../lib/anomaly/device-detector.ts';
import { escapeFormula } from '../../lib/csv-table.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { lineOf, printJson, readTable, requireColumn } from './csv-input.ts';

export const DETECT_ROW_ERRORS = {
  DEVICE_MISSING: '设备编号为空',
  KIND_UNKNOWN: '设备类型不在支持范围内',
  KIND_CHANGED: '同一设备的类型与前面的行不一致',
  TS_INVALID: '时间无法识别（应为 ISO 8601 或毫秒时间戳）',
  VALUE_INVALID: '读数不合法',
  VALUE_MISSING: '该类型设备的必要读数为空',
  DUPLICATE: '同一设备同一时间的读数重复',
} as const;
export type DetectRowErrorCode = keyof typeof DETECT_ROW_ERRORS;

export interface DetectRowError {
  line: number;
  code: DetectRowErrorCode;
  message: string;
}

interface CsvDevice extends DetectedDevice {
  uid: string;
}

interface CsvReading {
  device: CsvDevice;
  tsMs: number;
  line: number;
  values: Values;
}

const TRUE = new Set(['true', '1', 'yes', '是']);
const FALSE = new Set(['false', '0', 'no', '否']);

function parseTs(raw: string): number {
  if (/^\d{10,}$/.test(raw)) return Number(raw);
  return raw ? Date.parse(raw) : Number.NaN;
}

/** Readings of a table, and the rows left out with their reason. */
export function readingsFromTable(header: string[], rows: string[][]) {
  const col = (name: string) => header.indexOf(name);
  const [cDevice, cKind, cTs, cSize, cAlone] = [
    'device',
    'kind',
    'ts',
    'household_size',
    'elderly_alone',
  ].map(col) as [number, number, number, number, number];
  const devices = new Map<string, CsvDevice>();
  const seen = new Set<string>();
  const readings: CsvReading[] = [];
  const errors: DetectRowError[] = [];
  /** Reads one row; false when it was left out (its error recorded). */
  function readRow(row: string[], index: number): boolean {
    const line = lineOf(index);
    const cell = (i: number) => (i < 0 ? '' : (row[i] ?? '').trim());
    const fail = (code: DetectRowErrorCode, detail?: string): false => {
      errors.push({
        line,
        code,
        message: detail ? `${DETECT_ROW_ERRORS[code]}：${detail}` : DETECT_ROW_ERRORS[code],
      });
      return false;
    };
    const uid = cell(cDevice);
    if (!uid) return fail('DEVICE_MISSING');
    const kind = cell(cKind);
    if (!isDeviceKind(kind)) return fail('KIND_UNKNOWN', kind || '（空）');
    const tsMs = parseTs(cell(cTs));
    if (!Number.isFinite(tsMs)) return fail('TS_INVALID', cell(cTs) || '（空）');
    const spec = KIND_SPECS[kind];
    const values: Values = {};
    for (const [name, metric] of Object.entries(spec.metrics)) {
      const raw = cell(col(name));
      if (!raw) continue;
      if (metric.type === 'number') {
        const v = Number(raw);
        if (!Number.isFinite(v) || v < metric.min || v > metric.max)
          return fail('VALUE_INVALID', `${name}=${raw}（${metric.canonical}，${metric.min}–${metric.max}）`);
        values[name] = v;
      } else if (metric.type === 'boolean') {
        const low = raw.toLowerCase();
        if (!TRUE.has(low) && !FALSE.has(low))
          return fail('VALUE_INVALID', `${name}=${raw}（应为 true/false）`);
        values[name] = TRUE.has(low);
      } else {
        if (!metric.values.includes(raw)) return fail('VALUE_INVALID', `${name}=${raw}`);
        values[name] = raw;
      }
    }
    if (!spec.required.some((name) => name in values))
      return fail('VALUE_MISSING', spec.required.join(' 或 '));
    let device = devices.get(uid);
    if (!device) {
      const size = Number(cell(cSize) || '0');
      device = {
        id: devices.size + 1,
        uid,
        kind,
        registeredSize: Number.isFinite(size) && size >= 0 ? size : 0,
        elderlyAlone: TRUE.has(cell(cAlone).toLowerCase()),
      };
      devices.set(uid, device);
    } else if (device.kind !== kind) return fail('KIND_CHANGED', `${device.kind} → ${kind}`);
    const key = `${uid}|${tsMs}`;
    if (seen.has(key)) return fail('DUPLICATE', new Date(tsMs).toISOString());
    seen.add(key);
    readings.push({ device, tsMs, line, values });
    return true;
  }
  for (let i = 0; i < rows.length; i++) readRow(rows[i]!, i);
  return { readings, errors, devices };
}

export interface DetectedAlertRow {
  device: string;
  kind: string;
  rule: string;
  severity: string;
  observedAt: string;
  details: Record<string, unknown>;
}

/** Runs the detectors over readings in time order; one alert per device and rule, as live (alerts stay open). */
export function detectOnReadings(readings: CsvReading[], nowMs?: number): DetectedAlertRow[] {
  const detector = createDeviceDetector<CsvDevice>();
  const ordered = [...readings].sort((a, b) => a.tsMs - b.tsMs || a.line - b.line);
  const raised = new Set<string>();
  const out: DetectedAlertRow[] = [];
  const keep = (d: ReturnType<typeof detector.silent>[number]) => {
    const key = `${d.device.uid}|${d.ruleCode}`;
    if (raised.has(key)) return;
    raised.add(key);
    out.push({
      device: d.device.uid,
      kind: d.device.kind,
      rule: d.ruleCode,
      severity: d.severity,
      observedAt: new Date(d.observedAtMs).toISOString(),
      details: d.details,
    });
  };
  for (const r of ordered)
    for (const d of detector.observe(r.device, r.tsMs, `line-${r.line}`, r.values)) keep(d);
  const end = nowMs ?? ordered.at(-1)?.tsMs;
  if (end !== undefined) for (const d of detector.silent(end)) keep(d);
  return out;
}

export function registerDetectCommand(program: Command) {
  program
    .command('detect')
    .description('异常检测 Run the sensing detectors (alarms, baselines, rules) over readings in a CSV file')
    .requiredOption(
      '--input <file>',
      'readings CSV: device, kind, ts, metric columns [, household_size, elderly_alone]',
    )
    .requiredOption('--out <file>', 'alerts CSV to write: device, kind, rule, severity, observed_at, details')
    .option('--now <time>', 'time of the silent-device check (default: the newest reading)')
    .action(async (opts: { input: string; out: string; now?: string }) => {
      const nowMs = opts.now === undefined ? undefined : parseTs(opts.now);
      if (nowMs !== undefined && !Number.isFinite(nowMs))
        throw new CliError(`--now "${opts.now}" is not a time`, EXIT.USAGE);
      const table = await readTable(opts.input);
      for (const c of ['device', 'kind', 'ts']) requireColumn(table, c, '--input');
      const { readings, errors, devices } = readingsFromTable(table.header, table.rows);
      for (const e of errors) process.stderr.write(`${opts.input}:${e.line} ${e.code}: ${e.message}\n`);
      if (readings.length === 0)
        throw new CliError(
          `${opts.input}: no valid reading (${errors.length} row(s) left out)`,
          EXIT.FAILURE,
        );
      const alerts = detectOnReadings(readings, nowMs);
      const fd = openSync(opts.out, 'w');
      try {
        writeSync(fd, stringify([['device', 'kind', 'rule', 'severity', 'observed_at', 'details']]));
        writeSync(
          fd,
          stringify(
            alerts.map((a) => [
              escapeFormula(a.device),
              a.kind,
              a.rule,
              a.severity,
              a.observedAt,
              JSON.stringify(a.details),
            ]),
          ),
        );
      } finally {
        closeSync(fd);
      }
      printJson({
        file: opts.input,
        out: opts.out,
        readings: readings.length,
        devices: devices.size,
        rowsLeftOut: errors.length,
        errors: errors.slice(0, 100),
        alerts: alerts.length,
        byRule: Object.fromEntries(
          [...new Set(alerts.map((a) => a.rule))].map((r) => [r, alerts.filter((a) => a.rule === r).length]),
        ),
      });
    });
}
