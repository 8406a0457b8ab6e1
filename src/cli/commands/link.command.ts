// `cbrain link`: probabilistic record linkage of CSV files (src/lib/linkage). `link dedupe --input` finds
// the records of one file that are the same person or thing and writes clusters; `link --left --right`
// matches two files and writes scored pairs. Prints a JSON summary; settings from a JSON file or inferred
// from the columns ("auto", the default).
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { stringify } from 'csv-stringify/sync';
import type { CsvTable } from '../../lib/csv-table.ts';
import { escapeFormula } from '../../lib/csv-table.ts';
import { buildAutoSettings, type ColumnProfile } from '../../lib/linkage/auto-settings.ts';
import { checkBlockingRules } from '../../lib/linkage/blocking.ts';
import {
  BlockingError,
  type LinkageRecords,
  type LinkageResult,
  type PairDecision,
  runLinkage,
} from '../../lib/linkage/engine.ts';
import { type LinkageSettings, LinkageSettingsError, resolveSettings } from '../../lib/linkage/settings.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { progressBar } from '../progress.ts';
import { cellError, printJson, readTable, requireColumn } from './csv-input.ts';

interface LinkOptions {
  input?: string;
  left?: string;
  right?: string;
  id?: string;
  leftId?: string;
  rightId?: string;
  settings?: string;
  out?: string;
  pairs?: string;
  threshold?: string;
  includeReview?: boolean;
  allPairs?: boolean;
  oneToOne?: boolean;
  ignore?: string;
  saveSettings?: string;
  decisions?: string;
}

/**
 * Clerical decisions from a CSV (left_id, right_id, decision = confirm | split), as record indices: a
 * reviewer's answers that every later run keeps. Unknown ids and decisions are data errors naming the line.
 */
async function readDecisions(
  file: string,
  leftIndex: ReadonlyMap<string, number>,
  rightIndex: ReadonlyMap<string, number>,
): Promise<PairDecision[]> {
  const table = await readTable(file);
  const l = requireColumn(table, 'left_id', '--decisions');
  const r = requireColumn(table, 'right_id', '--decisions');
  const d = requireColumn(table, 'decision', '--decisions');
  return table.rows.map((row, i) => {
    const decision = (row[d] ?? '').trim();
    if (decision !== 'confirm' && decision !== 'split') {
      throw new CliError(
        cellError(file, i, 'decision', `"${decision}" is not confirm or split`),
        EXIT.FAILURE,
      );
    }
    const a = leftIndex.get((row[l] ?? '').trim());
    if (a === undefined)
      throw new CliError(cellError(file, i, 'left_id', `no record "${row[l]}" in the input`), EXIT.FAILURE);
    const b = rightIndex.get((row[r] ?? '').trim());
    if (b === undefined)
      throw new CliError(cellError(file, i, 'right_id', `no record "${row[r]}" in the input`), EXIT.FAILURE);
    if (a === b)
      throw new CliError(cellError(file, i, 'right_id', 'a record cannot pair with itself'), EXIT.FAILURE);
    return { a, b, decision };
  });
}

/** Record ids of a table: every row needs one, and no two rows the same (both are data errors). */
function recordIds(table: CsvTable, column: string, option: string): string[] {
  const i = requireColumn(table, column, option);
  const seen = new Map<string, number>();
  return table.rows.map((row, r) => {
    const id = (row[i] ?? '').trim();
    if (id === '')
      throw new CliError(cellError(table.file, r, column, 'the record id is empty'), EXIT.FAILURE);
    const first = seen.get(id);
    if (first !== undefined) {
      throw new CliError(
        cellError(table.file, r, column, `record id "${id}" is used twice`, first),
        EXIT.FAILURE,
      );
    }
    seen.set(id, r);
    return id;
  });
}

/** Column-major cells of the given columns, with the rows of `right` (if any) after those of `left`. */
function columnsOf(columns: readonly string[], left: CsvTable, right?: CsvTable): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const name of columns) {
    const cells: string[] = [];
    for (const table of right ? [left, right] : [left]) {
      const i = table.header.indexOf(name);
      for (const row of table.rows) cells.push(row[i] ?? '');
    }
    out.set(name, cells);
  }
  return out;
}

function parseProbability(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  const p = Number(value);
  if (!(p >= 0 && p <= 1)) throw new CliError(`${option} must be a probability between 0 and 1`, EXIT.USAGE);
  return p;
}

function readSettingsFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new CliError(
      `${file}: cannot read settings (${(error as NodeJS.ErrnoException).code})`,
      EXIT.USAGE,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CliError(`${file}: the settings are not valid JSON (${(error as Error).message})`, EXIT.USAGE);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(
      `${file}: the settings must be a JSON object such as {"comparisons": […]}`,
      EXIT.USAGE,
    );
  }
  return parsed as Record<string, unknown>;
}

/** Writes rows to a CSV file in chunks, so a million rows never sit in memory as one string. */
function writeCsv(file: string, header: string[], rowCount: number, row: (i: number) => (string | number)[]) {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, stringify([header]));
    const chunk = 50_000;
    for (let from = 0; from < rowCount; from += chunk) {
      const rows: (string | number)[][] = [];
      for (let i = from; i < Math.min(rowCount, from + chunk); i++) rows.push(row(i));
      writeSync(fd, stringify(rows));
    }
  } finally {
    closeSync(fd);
  }
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

function writePairs(
  file: string,
  result: LinkageResult,
  ids: readonly string[],
  mode: 'matches' | 'review' | 'all',
) {
  const { matchProbability: p, isMatch } = result;
  const review = result.settings.thresholds.review;
  const selected: number[] = [];
  for (let i = 0; i < p.length; i++) {
    if (mode === 'all' || isMatch[i] || (mode === 'review' && p[i]! >= review)) selected.push(i);
  }
  selected.sort((x, y) => p[y]! - p[x]! || x - y);
  const names = result.comparisons.map((c) => c.name);
  const header = [
    'left_id',
    'right_id',
    'match_probability',
    'match_weight',
    'decision',
    ...names.flatMap((n) => [`${n}_level`, `${n}_weight`]),
  ];
  writeCsv(file, header, selected.length, (i) => {
    const pair = selected[i]!;
    const decided = result.decided[pair];
    const decision =
      decided === 1
        ? 'confirmed'
        : decided === 2
          ? 'split'
          : isMatch[pair]
            ? 'match'
            : p[pair]! >= review
              ? 'review'
              : 'non_match';
    return [
      escapeFormula(ids[result.a[pair]!]!),
      escapeFormula(ids[result.b[pair]!]!),
      round(p[pair]!, 6),
      round(result.matchWeight[pair]!, 4),
      decision,
      ...result.evidence(pair).flatMap((e) => [escapeFormula(e.level), round(e.weight, 4)]),
    ];
  });
  return selected.length;
}

function summary(
  result: LinkageResult,
  extra: Record<string, unknown>,
  started: number,
  profiles: ColumnProfile[] | undefined,
) {
  return {
    ...extra,
    linkType: result.settings.linkType,
    records: result.records,
    candidatePairs: result.candidatePairs,
    matches: result.matches,
    reviewPairs: result.reviews,
    clusters: result.clusters,
    refusedClusterMerges: result.refusedMerges,
    emIterations: result.emIterations,
    emConverged: result.emConverged,
    thresholds: result.settings.thresholds,
    parameters: {
      lambdaCandidates: result.lambda,
      probabilityTwoRandomRecordsMatch: result.prior,
      priorEstimated: result.priorEstimated,
      comparisons: result.comparisons.map((c) => ({
        name: c.name,
        column: c.column,
        tf: c.tf,
        levels: c.levels.map((l) => ({
          level: l.label,
          m: round(l.m, 6),
          u: Number(l.u.toPrecision(4)),
          uRandom: Number(l.uRandom.toPrecision(4)),
          weight: round(l.weight, 3),
        })),
      })),
    },
    blocking: result.blocking,
    columns: profiles?.map((p) => ({
      column: p.column,
      kind: p.kind,
      ...(p.reason ? { reason: p.reason } : {}),
    })),
    seconds: { ...result.seconds, total: round((performance.now() - started) / 1000, 3) },
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

export function registerLinkCommand(program: Command) {
  program
    .command('link')
    .argument('[mode]', '"dedupe" (one file, with --input) or empty (two files, with --left and --right)')
    .description(
      '记录关联与去重 Probabilistic record linkage (Fellegi–Sunter, EM): dedupe one CSV or link two CSVs',
    )
    .option('--input <file>', 'dedupe: the CSV file whose duplicate records are to be found')
    .option('--left <file>', 'link: the first CSV file')
    .option('--right <file>', 'link: the second CSV file')
    .option('--id <column>', 'column holding the unique record id (in both files when linking)')
    .option('--left-id <column>', 'link: id column of the left file (default --id)')
    .option('--right-id <column>', 'link: id column of the right file (default --id)')
    .option('--settings <file|auto>', 'settings JSON (see docs/linkage.md), or "auto" (default)')
    .option('--out <file>', 'dedupe: clusters CSV (cluster_id, id); link: scored pairs CSV')
    .option('--pairs <file>', 'dedupe: also write the scored pairs to this CSV')
    .option('--threshold <p>', 'match probability at or above which a pair is a match (default 0.9)')
    .option('--include-review', 'also write pairs in the review band (decision "review")')
    .option('--all-pairs', 'write every candidate pair with its score, not just matches')
    .option('--one-to-one', 'link: each record keeps at most its best match (the default in link mode)')
    .option(
      '--no-one-to-one',
      'link: keep every pair above the threshold (files with duplicates of their own)',
    )
    .option('--ignore <columns>', 'auto settings: comma-separated columns to leave out')
    .option(
      '--decisions <file>',
      'reviewed pairs to keep: CSV left_id,right_id,decision (confirm | split); they outrank the model',
    )
    .option('--save-settings <file>', 'write the settings used (e.g. the auto ones) to this JSON file')
    .action(async (mode: string | undefined, opts: LinkOptions) => {
      const started = performance.now();
      const dedupe = mode === 'dedupe' || (mode === undefined && opts.input !== undefined);
      if (mode !== undefined && mode !== 'dedupe' && mode !== 'link') {
        throw new CliError(
          `unknown mode "${mode}"; use "link dedupe --input …" or "link --left … --right …"`,
          EXIT.USAGE,
        );
      }
      if (dedupe && (!opts.input || opts.left || opts.right)) {
        throw new CliError('link dedupe needs --input FILE (and no --left/--right)', EXIT.USAGE);
      }
      if (!dedupe && (!opts.left || !opts.right || opts.input)) {
        throw new CliError(
          'link needs --left FILE and --right FILE (or "link dedupe --input FILE")',
          EXIT.USAGE,
        );
      }
      if (!opts.out) throw new CliError('--out FILE is required', EXIT.USAGE);
      if (!dedupe && opts.pairs)
        throw new CliError('--pairs is for dedupe; in link mode --out gets the pairs', EXIT.USAGE);
      const threshold = parseProbability(opts.threshold, '--threshold');
      const rawSettings =
        opts.settings && opts.settings !== 'auto' ? readSettingsFile(opts.settings) : undefined;
      // The id column may come from the settings file (its uniqueId) when --id is not given.
      const settingsId = rawSettings?.['uniqueId'];
      const defaultId = opts.id ?? (typeof settingsId === 'string' ? settingsId : undefined);
      const leftIdColumn = (dedupe ? defaultId : (opts.leftId ?? defaultId)) ?? '';
      const rightIdColumn = opts.rightId ?? defaultId ?? '';
      if (!leftIdColumn || (!dedupe && !rightIdColumn)) {
        throw new CliError(
          dedupe ? '--id COLUMN is required' : '--id (or --left-id and --right-id) is required',
          EXIT.USAGE,
        );
      }

      const progress = progressBar('link');
      progress.update(0, 100, 'reading CSV');
      const left = await readTable(dedupe ? opts.input! : opts.left!);
      const right = dedupe ? undefined : await readTable(opts.right!);
      const leftIds = recordIds(left, leftIdColumn, dedupe ? '--id' : '--left-id');
      const rightIds = right ? recordIds(right, rightIdColumn, '--right-id') : [];
      const shared = left.header.filter(
        (h) => h !== leftIdColumn && (!right || (right.header.includes(h) && h !== rightIdColumn)),
      );
      const records: LinkageRecords = {
        columns: columnsOf(shared, left, right),
        ids: right ? [...leftIds, ...rightIds] : leftIds,
        leftCount: right ? leftIds.length : undefined,
      };
      // The row arrays are no longer needed; let them go before the engine allocates.
      left.rows.length = 0;
      if (right) right.rows.length = 0;

      const ignore = opts.ignore?.split(',').map((s) => s.trim());
      for (const column of ignore ?? []) {
        if (!shared.includes(column)) {
          throw new CliError(
            `--ignore: no column "${column}" to leave out; columns are: ${shared.join(', ')}`,
            EXIT.USAGE,
          );
        }
      }
      let settings: LinkageSettings;
      let profiles: ColumnProfile[] | undefined;
      try {
        let raw = rawSettings;
        if (!raw) {
          progress.update(2, 100, 'inferring settings from the columns');
          const auto = buildAutoSettings({
            columns: records.columns,
            recordCount: records.ids.length,
            leftCount: records.leftCount,
            linkType: dedupe ? 'dedupe' : 'link',
            uniqueId: leftIdColumn,
            ignore,
          });
          raw = auto.settings;
          profiles = auto.profiles;
          if ((raw['comparisons'] as unknown[]).length === 0) {
            throw new CliError(
              'auto settings found no column to compare; write a settings file',
              EXIT.FAILURE,
            );
          }
          if ((raw['blocking'] as unknown[]).length === 0) {
            throw new CliError(
              'auto settings found no blocking rule that brings records together (no two records share a ' +
                'name, code or date key); write a settings file with blocking rules',
              EXIT.FAILURE,
            );
          }
        }
        const overrides: Record<string, unknown> = { ...raw, linkType: dedupe ? 'dedupe' : 'link' };
        if (raw['uniqueId'] === undefined) overrides['uniqueId'] = leftIdColumn;
        if (threshold !== undefined) {
          const t: Record<string, unknown> = {
            ...((raw['thresholds'] as Record<string, unknown>) ?? {}),
            match: threshold,
          };
          if (typeof t['review'] === 'number' && t['review'] > threshold) t['review'] = threshold;
          overrides['thresholds'] = t;
        }
        if (opts.oneToOne !== undefined) overrides['oneToOne'] = opts.oneToOne;
        settings = resolveSettings(overrides, shared);
        checkBlockingRules(settings.blocking, new Set(shared));
        if (opts.saveSettings) writeFileSync(opts.saveSettings, `${JSON.stringify(overrides, null, 2)}\n`);
      } catch (error) {
        progress.stop();
        if (error instanceof LinkageSettingsError) {
          throw new CliError(`${opts.settings ?? 'auto settings'}: ${error.message}`, EXIT.USAGE);
        }
        throw error;
      }

      let decisions: PairDecision[] = [];
      if (opts.decisions) {
        const leftIndex = new Map(leftIds.map((id, i) => [id, i]));
        const rightIndex = right ? new Map(rightIds.map((id, i) => [id, leftIds.length + i])) : leftIndex;
        decisions = await readDecisions(opts.decisions, leftIndex, rightIndex);
      }

      let result: LinkageResult;
      try {
        let step = 5;
        result = runLinkage(records, settings, {
          decisions,
          onStage: (label) => {
            step += 10;
            progress.update(step, 100, label);
          },
        });
      } catch (error) {
        progress.stop();
        if (error instanceof BlockingError) throw new CliError(error.message, EXIT.FAILURE);
        if (error instanceof LinkageSettingsError) throw new CliError(error.message, EXIT.USAGE);
        throw error;
      }
      progress.update(95, 100, 'writing output');
      const ids = records.ids;
      const extra: Record<string, unknown> = { settings: opts.settings ?? 'auto' };
      if (opts.decisions) extra['decisions'] = { file: opts.decisions, pairs: decisions.length };
      if (dedupe) {
        const clusterOf = result.clusterOf!;
        writeCsv(opts.out, ['cluster_id', leftIdColumn], ids.length, (r) => [
          escapeFormula(ids[clusterOf[r]!]!),
          escapeFormula(ids[r]!),
        ]);
        extra['input'] = opts.input;
        extra['out'] = opts.out;
        if (opts.pairs) {
          extra['pairs'] = opts.pairs;
          extra['pairsWritten'] = writePairs(opts.pairs, result, ids, pairMode(opts));
        }
      } else {
        extra['left'] = opts.left;
        extra['right'] = opts.right;
        extra['out'] = opts.out;
        extra['pairsWritten'] = writePairs(opts.out, result, ids, pairMode(opts));
      }
      progress.stop();
      printJson(summary(result, extra, started, profiles));
    });
}

function pairMode(opts: LinkOptions): 'matches' | 'review' | 'all' {
  return opts.allPairs ? 'all' : opts.includeReview ? 'review' : 'matches';
}
