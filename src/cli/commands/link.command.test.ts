import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { parse } from 'csv-parse/sync';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { datasetRows, generateEnglishPeople } from '../../lib/linkage/synthetic.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { csvDir } from './engine-cli.testing.ts';
import { registerLinkCommand } from './link.command.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `cbrain <args>` in this process, as src/cli/main.ts does (a CliError becomes its exit code and a
 * one-line message): a fresh node process per case costs seconds of start-up on a busy machine.
 */
async function runCli(args: string[]): Promise<Run> {
  const program = new Command().exitOverride();
  registerLinkCommand(program);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['node', 'cbrain', ...args]);
    return { code: EXIT.OK, stdout, stderr };
  } catch (error) {
    if (error instanceof CliError)
      return { code: error.exitCode, stdout, stderr: `${stderr}cbrain: ${error.message}\n` };
    throw error;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

async function runJson(args: string[]) {
  const run = await runCli(args);
  if (run.code !== 0) throw new Error(`cbrain ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return { ...run, json: JSON.parse(run.stdout) };
}

vi.setConfig({ testTimeout: 180_000 }); // generous on a shared, busy machine

afterEach(() => {
  vi.restoreAllMocks();
});

const file = csvDir('cbrain-link-');
const out = (name: string) => file(name, '');

function csvText(rows: string[][], bom = false): string {
  const cell = (c: string) => (/[",\n\r]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return `${bom ? '\uFEFF' : ''}${rows.map((r) => r.map(cell).join(',')).join('\n')}\n`;
}

function readCsv(path: string): string[][] {
  return parse(readFileSync(path, 'utf8'), { bom: true });
}

/** Pairwise precision and recall of predicted record pairs against true pairs (as "x|y" keys). */
function pairScores(predicted: Set<string>, truth: Set<string>) {
  let correct = 0;
  for (const p of predicted) if (truth.has(p)) correct++;
  return { precision: correct / predicted.size, recall: correct / truth.size };
}

const key = (x: string, y: string) => (x < y ? `${x}|${y}` : `${y}|${x}`);

// A FEBRL-like English file: given name, surname, address, suburb, postcode, date of birth, SSN, with typos,
// swapped names and empty cells; written with a BOM, as spreadsheet exports are.
const PEOPLE = generateEnglishPeople({ records: 4000, seed: 31 });
const PEOPLE_CSV = file('people.csv', csvText(datasetRows(PEOPLE), true));
const TRUE_PAIRS = (() => {
  const byPerson = new Map<number, string[]>();
  PEOPLE.truth.forEach((t, r) => {
    byPerson.set(t, [...(byPerson.get(t) ?? []), PEOPLE.columns[0]![r]!]);
  });
  const pairs = new Set<string>();
  for (const ids of byPerson.values())
    for (let i = 0; i < ids.length; i++)
      for (let j = i + 1; j < ids.length; j++) pairs.add(key(ids[i]!, ids[j]!));
  return pairs;
})();

describe('cbrain link dedupe', () => {
  it('clusters a FEBRL-like file with auto settings: every record once, pairwise F1 ≥ 0.97', async () => {
    const clusters = out('clusters.csv');
    const pairs = out('pairs.csv');
    const { json } = await runJson([
      'link',
      'dedupe',
      '--input',
      PEOPLE_CSV,
      '--id',
      'rec_id',
      '--out',
      clusters,
      '--pairs',
      pairs,
    ]);
    expect(json).toMatchObject({ linkType: 'dedupe', records: 4000, settings: 'auto', emConverged: true });
    expect(json.columns.find((c: { column: string }) => c.column === 'date_of_birth').kind).toBe('date');
    expect(json.peakRssMB).toBeGreaterThan(0);

    const rows = readCsv(clusters);
    expect(rows[0]).toEqual(['cluster_id', 'rec_id']);
    const ids = rows.slice(1).map((r) => r[1]!);
    expect(ids.length).toBe(4000);
    expect(new Set(ids)).toEqual(new Set(PEOPLE.columns[0]));
    const members = new Map<string, string[]>();
    for (const [cluster, id] of rows.slice(1)) members.set(cluster!, [...(members.get(cluster!) ?? []), id!]);
    expect(members.size).toBe(json.clusters);
    const predicted = new Set<string>();
    for (const m of members.values())
      for (let i = 0; i < m.length; i++)
        for (let j = i + 1; j < m.length; j++) predicted.add(key(m[i]!, m[j]!));
    const { precision, recall } = pairScores(predicted, TRUE_PAIRS);
    expect((2 * precision * recall) / (precision + recall)).toBeGreaterThanOrEqual(0.97);

    // The pairs file keeps each match's evidence: level and weight of every comparison.
    const pairRows = readCsv(pairs);
    const header = pairRows[0]!;
    expect(header.slice(0, 5)).toEqual([
      'left_id',
      'right_id',
      'match_probability',
      'match_weight',
      'decision',
    ]);
    expect(header).toContain('surname_level');
    expect(header).toContain('surname_weight');
    const first = Object.fromEntries(header.map((h, i) => [h, pairRows[1]![i]!]));
    expect(first['decision']).toBe('match');
    expect(Number(first['match_probability'])).toBeGreaterThanOrEqual(0.9);
    expect(pairRows.length - 1).toBe(json.pairsWritten);
  });

  it('uses a settings file and its uniqueId, and writes the review band when asked', async () => {
    const settings = file(
      'settings.json',
      JSON.stringify({
        uniqueId: 'rec_id',
        blocking: [['date_of_birth'], ['soundex(surname)', 'postcode']],
        comparisons: [
          {
            column: 'given_name',
            levels: [{ type: 'exact' }, { type: 'jaro_winkler', threshold: 0.88 }],
            tf: true,
          },
          {
            column: 'surname',
            levels: [{ type: 'exact' }, { type: 'jaro_winkler', threshold: 0.88 }],
            tf: true,
          },
          { column: 'date_of_birth', levels: [{ type: 'exact' }, { type: 'levenshtein', max: 1 }] },
          { column: 'soc_sec_id', levels: [{ type: 'exact' }, { type: 'levenshtein', max: 1 }] },
          { name: 'address', column: 'street_address', levels: [{ type: 'jaccard', threshold: 0.6 }] },
        ],
        thresholds: { match: 0.95, review: 0.3 },
      }),
    );
    const pairs = out('pairs-review.csv');
    const { json } = await runJson([
      'link',
      'dedupe',
      '--input',
      PEOPLE_CSV,
      '--settings',
      settings,
      '--out',
      out('clusters2.csv'),
      '--pairs',
      pairs,
      '--include-review',
    ]);
    expect(json.thresholds).toMatchObject({ match: 0.95, review: 0.3 });
    expect(json.parameters.comparisons.map((c: { name: string }) => c.name)).toEqual([
      'given_name',
      'surname',
      'date_of_birth',
      'soc_sec_id',
      'address',
    ]);
    const rows = readCsv(pairs);
    const decisions = new Set(rows.slice(1).map((r) => r[4]));
    expect(decisions).toEqual(new Set(['match', 'review']));
    expect(rows[0]).toContain('address_level');
  });
});

describe('cbrain link dedupe with reviewed decisions', () => {
  it('keeps a reviewer’s split and confirm on the next run and marks them in the pairs file', async () => {
    const first = out('first-pairs.csv');
    await runJson([
      'link',
      'dedupe',
      '--input',
      PEOPLE_CSV,
      '--id',
      'rec_id',
      '--out',
      out('c1.csv'),
      '--pairs',
      first,
    ]);
    const [, top] = readCsv(first);
    const ids = PEOPLE.columns[0]!;
    // Confirm the first two records of the file, whatever the model says of them.
    const decisions = file(
      'decisions.csv',
      `left_id,right_id,decision\n${top![0]},${top![1]},split\n${ids[0]},${ids[1]},confirm\n`,
    );
    const pairs = out('second-pairs.csv');
    const clusters = out('c2.csv');
    const { json } = await runJson([
      'link',
      'dedupe',
      '--input',
      PEOPLE_CSV,
      '--id',
      'rec_id',
      '--out',
      clusters,
      '--pairs',
      pairs,
      '--decisions',
      decisions,
    ]);
    expect(json.decisions).toEqual({ file: decisions, pairs: 2 });
    const rows = readCsv(pairs).slice(1);
    const decisionOf = (x: string, y: string) =>
      rows.find((r) => (r[0] === x && r[1] === y) || (r[0] === y && r[1] === x))?.[4];
    expect(decisionOf(ids[0]!, ids[1]!)).toBe('confirmed');
    expect(decisionOf(top![0]!, top![1]!)).toBeUndefined(); // a split pair is no match
    const clusterOf = new Map(
      readCsv(clusters)
        .slice(1)
        .map((r) => [r[1]!, r[0]!]),
    );
    expect(clusterOf.get(top![0]!)).not.toBe(clusterOf.get(top![1]!));
    expect(clusterOf.get(ids[0]!)).toBe(clusterOf.get(ids[1]!));
  });
});

describe('cbrain link (two files)', () => {
  // Left: the first record of each person; right: the other records, under another id column.
  const leftRows: string[][] = [];
  const rightRows: string[][] = [];
  const seen = new Set<number>();
  const truePairs = new Set<string>();
  const leftIdOf = new Map<number, string>();
  const rows = datasetRows(PEOPLE).slice(1);
  rows.forEach((row, r) => {
    const person = PEOPLE.truth[r]!;
    if (!seen.has(person)) {
      seen.add(person);
      leftIdOf.set(person, row[0]!);
      leftRows.push(row);
    } else {
      rightRows.push([`B${row[0]!}`, ...row.slice(1)]);
      truePairs.add(`${leftIdOf.get(person)}|B${row[0]!}`);
    }
  });
  const [, ...fields] = PEOPLE.header;
  const LEFT = file('left.csv', csvText([['rec_id', ...fields], ...leftRows]));
  // The right file orders its columns differently and has one column the left lacks.
  const RIGHT = file(
    'right.csv',
    csvText([
      ['source', 'id_b', ...[...fields].reverse()],
      ...rightRows.map((r) => ['dept-b', r[0]!, ...r.slice(1).reverse()]),
    ]),
  );

  it('matches the files, writing left ids left and right ids right, one-to-one by default', async () => {
    const pairs = out('link-pairs.csv');
    const { json } = await runJson([
      'link',
      '--left',
      LEFT,
      '--right',
      RIGHT,
      '--left-id',
      'rec_id',
      '--right-id',
      'id_b',
      '--out',
      pairs,
    ]);
    expect(json).toMatchObject({ linkType: 'link', records: leftRows.length + rightRows.length });
    expect(json.clusters).toBeUndefined();
    const found = readCsv(pairs).slice(1);
    const leftIds = new Set(leftRows.map((r) => r[0]));
    const rightIds = new Set(rightRows.map((r) => r[0]));
    for (const [l, r] of found) {
      expect(leftIds.has(l!)).toBe(true);
      expect(rightIds.has(r!)).toBe(true);
    }
    // One-to-one: no record in two pairs.
    expect(new Set(found.map((r) => r[0])).size).toBe(found.length);
    expect(new Set(found.map((r) => r[1])).size).toBe(found.length);
    const { precision } = pairScores(new Set(found.map((r) => `${r[0]}|${r[1]}`)), truePairs);
    expect(precision).toBeGreaterThan(0.98);
    // A person with three records has two on the right but one on the left: one-to-one keeps one of them, so
    // the bound is one pair per left record with a partner.
    const leftWithPartner = new Set([...truePairs].map((p) => p.split('|')[0]));
    expect(found.length).toBeGreaterThan(0.95 * leftWithPartner.size);
  });

  it('keeps every pair above the threshold with --no-one-to-one (recall ≥ 0.95)', async () => {
    const pairs = out('link-pairs-many.csv');
    await runJson([
      'link',
      '--left',
      LEFT,
      '--right',
      RIGHT,
      '--left-id',
      'rec_id',
      '--right-id',
      'id_b',
      '--out',
      pairs,
      '--no-one-to-one',
    ]);
    const found = new Set(
      readCsv(pairs)
        .slice(1)
        .map((r) => `${r[0]}|${r[1]}`),
    );
    const { precision, recall } = pairScores(found, truePairs);
    expect(precision).toBeGreaterThan(0.97);
    expect(recall).toBeGreaterThan(0.95);
  });
});

describe('cbrain link: unusual but valid input', () => {
  it('reads quoted fields with commas, quotes and line breaks, non-ASCII text and empty cells', async () => {
    const input = file(
      'odd.csv',
      'id,name,note,city\n' +
        '1,"Müller, Jürgen","said ""hi""\nthen left",Zürich\n' +
        '2,"Muller, Jurgen","",Zurich\n' +
        '3,王小明,,北京\n' +
        '4,王晓明,n/a,北京\n' +
        '5,"O\'Brien, Seán",,Cork\n' +
        '6,Someone Else,,\n',
    );
    const clusters = out('odd-clusters.csv');
    const { json } = await runJson(['link', 'dedupe', '--input', input, '--id', 'id', '--out', clusters]);
    expect(json.records).toBe(6);
    expect(
      readCsv(clusters)
        .slice(1)
        .map((r) => r[1]),
    ).toEqual(['1', '2', '3', '4', '5', '6']);
  });

  it('escapes ids that a spreadsheet would run as formulas', async () => {
    const input = file(
      'formula.csv',
      'id,name,dob\n"=HYPERLINK(""x"")",ann smith,1980-01-01\n+A1,ann smith,1980-01-01\n@a,bob jones,1970-02-02\n-2+3,bob jones,1970-02-02\n-7,cy lee,1990-03-03\n',
    );
    const clusters = out('formula-clusters.csv');
    const pairs = out('formula-pairs.csv');
    await runJson([
      'link',
      'dedupe',
      '--input',
      input,
      '--id',
      'id',
      '--out',
      clusters,
      '--pairs',
      pairs,
      '--all-pairs',
    ]);
    const ids = readCsv(clusters)
      .slice(1)
      .map((r) => r[1]);
    // -7 is a plain number, which a spreadsheet reads as that number and runs nothing: it stays as it came.
    expect(ids).toEqual(['\'=HYPERLINK("x")', "'+A1", "'@a", "'-2+3", '-7']);
    for (const row of readCsv(pairs).slice(1)) {
      expect(row[0]!.startsWith("'")).toBe(true);
      expect(row[1]!.startsWith("'")).toBe(true);
    }
  });
});

describe('cbrain link: bad input', () => {
  const GOOD = file('good.csv', 'id,name\n1,ann\n2,bob\n');
  const dedupe = (input: string, ...more: string[]) =>
    runCli(['link', 'dedupe', '--input', input, '--id', 'id', '--out', out('bad-out.csv'), ...more]);
  const settingsFile = (name: string, value: unknown) => file(name, JSON.stringify(value));

  // Each case: what the command gets, its exit code, and the text its one-line error must hold.
  const QUOTE = file('quote.csv', 'id,name\n1,ann\n2,"bob\n3,cy\n');
  const RAGGED = file('ragged.csv', 'id,name\n1,ann\n2,bob,extra\n');
  const DUP = file('dup.csv', 'id,name\n1,ann\n2,bob\n1,cy\n');
  const BLANK = file('blank.csv', 'id,name\n1,ann\n ,bob\n');
  const cases: [string, () => Promise<Run>, number, string | RegExp][] = [
    ['an unbalanced quote', () => dedupe(QUOTE), 1, new RegExp(`${QUOTE}.*quote`, 'i')],
    ['a ragged row', () => dedupe(RAGGED), 1, `${RAGGED}:3`],
    ['an empty file', () => dedupe(file('empty.csv', '')), 1, 'the file is empty'],
    ['a header without rows', () => dedupe(file('header.csv', 'id,name\n')), 1, 'has a header but no rows'],
    ['a duplicate id', () => dedupe(DUP), 1, `${DUP}:4 [id]: record id "1" is used twice (first on line 2)`],
    ['an empty id', () => dedupe(BLANK), 1, `${BLANK}:3 [id]: the record id is empty`],
    [
      'settings that are not JSON',
      () => dedupe(GOOD, '--settings', file('bad.json', '{"comparisons": [')),
      2,
      'the settings are not valid JSON',
    ],
    [
      'settings that are a list',
      () => dedupe(GOOD, '--settings', file('array.json', '[]')),
      2,
      'must be a JSON object',
    ],
    [
      'a settings column the file lacks',
      () =>
        dedupe(
          GOOD,
          '--settings',
          settingsFile('col.json', {
            blocking: [['name']],
            comparisons: [{ column: 'surname', levels: [{ type: 'exact' }] }],
          }),
        ),
      2,
      'settings comparisons[0].column: no column "surname"; columns are: name',
    ],
    [
      'an unknown blocking function',
      () =>
        dedupe(
          GOOD,
          '--settings',
          settingsFile('key.json', {
            blocking: [['metaphone(name)']],
            comparisons: [{ column: 'name', levels: [{ type: 'exact' }] }],
          }),
        ),
      2,
      'blocking[0]: unknown key function "metaphone"',
    ],
    [
      'a missing settings file',
      () => dedupe(GOOD, '--settings', '/nonexistent/s.json'),
      2,
      'cannot read settings',
    ],
    [
      'no --id',
      () => runCli(['link', 'dedupe', '--input', GOOD, '--out', out('x.csv')]),
      2,
      '--id COLUMN is required',
    ],
    ['an unknown id column', () => dedupe(GOOD, '--id', 'key'), 2, 'no column "key"'],
    [
      'no right file',
      () => runCli(['link', '--left', GOOD, '--id', 'id', '--out', out('x.csv')]),
      2,
      '--left FILE and --right FILE',
    ],
    ['a threshold above 1', () => dedupe(GOOD, '--threshold', '1.5'), 2, '--threshold must be a probability'],
    [
      'an unknown mode',
      () => runCli(['link', 'merge', '--input', GOOD, '--id', 'id', '--out', out('x.csv')]),
      2,
      'unknown mode "merge"',
    ],
    [
      'an unknown column to ignore',
      () => dedupe(GOOD, '--ignore', 'colour'),
      2,
      '--ignore: no column "colour"',
    ],
    [
      'two files without a shared column',
      () =>
        runCli([
          'link',
          '--left',
          GOOD,
          '--right',
          file('other.csv', 'id,colour\n1,red\n2,blue\n'),
          '--id',
          'id',
          '--out',
          out('x.csv'),
        ]),
      1,
      'no column to compare',
    ],
  ];

  it('answers each bad input with its exit code and a one-line error naming file, line or setting', async () => {
    const runs: Run[] = [];
    for (const [, run] of cases) runs.push(await run());
    cases.forEach(([label, , code, message], i) => {
      const run = runs[i]!;
      expect({ label, code: run.code }).toEqual({ label, code });
      expect(run.stdout, label).toBe('');
      if (typeof message === 'string') expect(run.stderr, label).toContain(message);
      else expect(run.stderr, label).toMatch(message);
    });
  });
});
