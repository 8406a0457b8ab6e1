// `cbrain eligibility` over plain CSV: decisions with reasons, household grouping, CSV output with formula
// escaping, and every bad input (rules, columns, cells, dates) a clear error with the right exit code.
import { describe, expect, it } from 'vitest';
import { csvDir, runCli, runJson } from './engine-cli.testing.ts';

const file = csvDir('cbrain-eligibility-');
const RULES = 'src/domains/profiles/default-rules.json';
const PEOPLE = file(
  'people.csv',
  '\uFEFFrid,birth_date,registration_type,tags,household_id,disability_grade,receives\n' +
    'P1,1941-05-02,household,elderly_alone,H1,,\n' +
    'P2,1948-03-15,household,,H2,,\n' +
    'P3,1980-01-09,household,disabled;low_income,H3,,\n' +
    'P4,1960-01-01,household,disabled,H4,1,severe_disability_care_subsidy\n' +
    'P5,1946-01-01,household,,H5,,\n' +
    'P6,1947-06-01,household,,H5,,\n' +
    '=cmd,1990-01-01,floating,,H6,,\n',
);
const args = (...extra: string[]) => [
  'eligibility',
  '--rules',
  RULES,
  '--input',
  PEOPLE,
  '--id',
  'rid',
  '--as-of',
  '2026-11-30',
  ...extra,
];

describe('cbrain eligibility', () => {
  it('prints per person the tags, eligible policies, near-misses with reasons', async () => {
    const { json } = await runJson(args());
    expect(json.persons).toBe(7);
    const byId = Object.fromEntries(json.results.map((r: { id: string }) => [r.id, r]));
    expect(byId.P1.eligible).toEqual([
      { policy: 'old_age_allowance', amount: 100, tier: '80–89 周岁', alreadyReceives: false },
    ]);
    expect(byId.P1.tags.map((t: { tag: string }) => t.tag)).toEqual(['elderly_80_alone', 'elderly_60']);
    // 78 years old: a near-miss of the old-age allowance, reason named.
    expect(byId.P2.nearMisses).toEqual([
      { policy: 'old_age_allowance', missingData: false, reasons: ['不满足：年满 80 周岁（实际：78）'] },
    ]);
    // No disability grade: a near-miss for lack of data.
    expect(byId.P3.nearMisses).toEqual([
      {
        policy: 'severe_disability_care_subsidy',
        missingData: true,
        reasons: ['缺少数据：残疾等级为一级或二级（实际：未登记）'],
      },
    ]);
    expect(byId.P4.eligible[0]).toMatchObject({
      policy: 'severe_disability_care_subsidy',
      alreadyReceives: true,
    });
    // P5 and P6 share household H5: an elderly couple both 75+.
    expect(byId.P5.tags.map((t: { tag: string }) => t.tag)).toContain('elderly_couple_75');
    expect(json.missingFields).toEqual(['sex', 'relation_to_head']);
  });

  it('--explain adds the explanation tree; --format csv escapes formula-looking cells', async () => {
    const { json } = await runJson(args('--explain'));
    expect(json.results[0].explanation.old_age_allowance.conditions.kind).toBe('all');
    const csv = await runCli(args('--format', 'csv'));
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('id,policy,status,amount,tier,reasons,missing_data,tags');
    expect(lines).toHaveLength(1 + 7 * 5);
    expect(csv.stdout).toContain("'=cmd,old_age_allowance,not_eligible");
  });

  it('invalid rules exit 1 naming the JSON path of each problem', async () => {
    const bad = file(
      'bad-rules.json',
      JSON.stringify({
        version: 'x',
        tags: [
          {
            id: 'old',
            version: 1,
            label: { zh: '老', en: 'Old' },
            when: { field: 'agee', op: '>=', value: 80 },
          },
        ],
        policies: [],
      }),
    );
    const run = await runCli(['eligibility', '--rules', bad, '--input', PEOPLE, '--id', 'rid']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('#/tags/0/when/field');
    expect(run.stderr).toContain('agee');
    const notJson = await runCli([
      'eligibility',
      '--rules',
      file('x.json', '{'),
      '--input',
      PEOPLE,
      '--id',
      'rid',
    ]);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('Not JSON');
  });

  it('bad cells are row-level errors naming line and column; a missing id column or bad date is a usage error', async () => {
    const cells = file(
      'cells.csv',
      'rid,birth_date,disability_grade\nA,1950-02-30,\nB,1950-01-01,two\nB,1950-01-01,\n,2030-01-01,\n',
    );
    const run = await runCli([
      'eligibility',
      '--rules',
      RULES,
      '--input',
      cells,
      '--id',
      'rid',
      '--as-of',
      '2026-11-30',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${cells}:2 [birth_date]: "1950-02-30" is not a real date`);
    expect(run.stderr).toContain(`${cells}:3 [disability_grade]: "two" is not a number`);
    expect(run.stderr).toContain(`${cells}:4 [rid]: id "B" repeats line 3`);
    expect(run.stderr).toContain(`${cells}:5 [rid]: the id is empty`);
    expect(run.stderr).toContain(`${cells}:5 [birth_date]: 2030-01-01 is after the evaluation date`);
    const noId = await runCli(['eligibility', '--rules', RULES, '--input', PEOPLE, '--id', 'nope']);
    expect(noId.code).toBe(2);
    const badDate = await runCli(args('--as-of', '2026-13-45'));
    expect(badDate.code).toBe(2);
    const noRules = await runCli([
      'eligibility',
      '--rules',
      '/nonexistent.json',
      '--input',
      PEOPLE,
      '--id',
      'rid',
    ]);
    expect(noRules.code).toBe(2);
  });

  it('reports header typos as ignored columns rather than silently reading nothing', async () => {
    const typo = file('typo.csv', 'rid,brith_date,tags\nA,1950-01-01,\n');
    const { json } = await runJson(['eligibility', '--rules', RULES, '--input', typo, '--id', 'rid']);
    expect(json.ignoredColumns).toEqual(['brith_date']);
    expect(json.missingFields).toContain('age');
  });
});
