// Data quality per source and field, along five dimensions, with thresholds from the rule table (data, not
// code): completeness (the field is filled), validity (the value passed its check: quarantined rows count as
// failures; for addresses, "matched a known building"), uniqueness (an ID number occurs once in the source),
// consistency (a person's birth date, name and sex agree with every other source holding the same ID number) and
// timeliness (the record date is recent). Figures are stored per run, which gives the trend; the offenders
// behind each figure can be listed.
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import { latestCompletedRunId } from './ingest.repository.ts';

export const QUALITY_FIELDS = [
  'name',
  'id_number',
  'sex',
  'birth_date',
  'phone',
  'address',
  'record_date',
] as const;
export type QualityField = (typeof QUALITY_FIELDS)[number];
export const DIMENSIONS = ['completeness', 'validity', 'uniqueness', 'consistency', 'timeliness'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The column that tells whether a field is filled. */
const PRESENT: Record<QualityField, string> = {
  name: 'name',
  id_number: 'id_number_hash',
  sex: 'sex',
  birth_date: 'birth_date',
  phone: 'phone_hash',
  address: 'address_cipher',
  record_date: 'record_date',
};

/** The columns of PRESENT whose values (not only whether they are filled) the figures of measureAll read. */
const READ_BY_VALUE = new Set(['id_number_hash', 'record_date']);

export interface QualityRule {
  field: string;
  dimension: Dimension;
  threshold: number;
  params: Record<string, unknown>;
}

export async function rulesFor(db: Db, source: string): Promise<QualityRule[]> {
  const rows = await db
    .selectFrom('ingest_quality_rule')
    .selectAll()
    .where('enabled', '=', true)
    .where((eb) => eb.or([eb('source', 'is', null), eb('source', '=', source)]))
    .orderBy('source', 'asc')
    .execute();
  // A rule for this source replaces the general rule of the same field and dimension.
  const byKey = new Map<string, QualityRule>();
  for (const r of rows.sort((a, b) => (a.source === null ? 0 : 1) - (b.source === null ? 0 : 1))) {
    byKey.set(`${r.field}/${r.dimension}`, {
      field: r.field,
      dimension: r.dimension,
      threshold: r.threshold,
      params: r.params as Record<string, unknown>,
    });
  }
  return [...byKey.values()].filter((r) => (QUALITY_FIELDS as readonly string[]).includes(r.field));
}

function col(field: QualityField): RawBuilder<unknown> {
  return sql.ref(`sp.${PRESENT[field]}`);
}

function maxAgeDays(rule: QualityRule): number {
  const n = Number(rule.params['max_age_days'] ?? 365);
  return Number.isFinite(n) && n > 0 ? n : 365;
}

/**
 * The offending-row condition of a figure over source_person `sp`; validity of fields other than the address
 * has its offenders in the quarantine instead (accepted values are valid by construction).
 */
function offenderCondition(rule: QualityRule, today: string): RawBuilder<unknown> {
  const field = rule.field as QualityField;
  switch (rule.dimension) {
    case 'completeness':
      return sql`${col(field)} IS NULL`;
    case 'validity':
      return field === 'address' ? sql`sp.address_cipher IS NOT NULL AND sp.building_id IS NULL` : sql`false`;
    case 'uniqueness':
      return sql`sp.id_number_hash IS NOT NULL AND EXISTS (SELECT 1 FROM source_person d
        WHERE d.source = sp.source AND d.id_number_hash = sp.id_number_hash AND d.id <> sp.id)`;
    case 'consistency':
      return sql`sp.id_number_hash IS NOT NULL AND EXISTS (SELECT 1 FROM source_person o
        WHERE o.id_number_hash = sp.id_number_hash AND o.source <> sp.source
          AND (o.birth_date IS DISTINCT FROM sp.birth_date OR o.name IS DISTINCT FROM sp.name
               OR o.sex IS DISTINCT FROM sp.sex))`;
    case 'timeliness':
      return sql`sp.record_date IS NOT NULL AND sp.record_date < (${today}::date - ${maxAgeDays(rule)}::int)`;
  }
}

/** Rows a figure is computed over. */
function checkedCondition(rule: QualityRule): RawBuilder<unknown> {
  const field = rule.field as QualityField;
  switch (rule.dimension) {
    case 'completeness':
      return sql`true`;
    case 'validity':
      return sql`${col(field)} IS NOT NULL`;
    case 'uniqueness':
      return sql`sp.id_number_hash IS NOT NULL`;
    case 'consistency':
      return sql`sp.id_number_hash IS NOT NULL AND EXISTS (SELECT 1 FROM source_person o
        WHERE o.id_number_hash = sp.id_number_hash AND o.source <> sp.source)`;
    case 'timeliness':
      return sql`sp.record_date IS NOT NULL`;
  }
}

/** Open quarantined rows with a problem on the field (validity failures that never reached the staging table). */
function quarantinedWith(db: Db, source: string, field: string, scopeLike?: string) {
  let q = db
    .selectFrom('ingest_quarantine as q')
    .where('q.source', '=', source)
    .where('q.status', '=', 'open')
    .where(sql<boolean>`q.problems @> ${JSON.stringify([{ field }])}::jsonb`);
  if (scopeLike) q = q.where('q.scope_path', 'like', scopeLike);
  return q;
}

export interface Figure {
  field: string;
  dimension: Dimension;
  checked: number;
  passed: number;
  rate: number | null;
  threshold: number;
  meetsThreshold: boolean | null;
}

/**
 * A rule's figure from its counts. Validity of a field other than the address also counts the rows quarantined for
 * that field: they were checked and failed, but never reached source_person.
 */
function figureOf(rule: QualityRule, checkedRows: number, failedRows: number, quarantined: number): Figure {
  const validity = rule.dimension === 'validity' && rule.field !== 'address';
  const checked = validity ? checkedRows + quarantined : checkedRows;
  const passed = validity ? checkedRows : checkedRows - failedRows;
  const rate = checked === 0 ? null : passed / checked;
  return {
    field: rule.field,
    dimension: rule.dimension,
    checked,
    passed,
    rate,
    threshold: rule.threshold,
    meetsThreshold: rate === null ? null : rate >= rule.threshold,
  };
}

export async function measure(db: Db, source: string, rule: QualityRule, today: string): Promise<Figure> {
  const r = await db
    .selectFrom('source_person as sp')
    .where('sp.source', '=', source)
    .where(sql<boolean>`${checkedCondition(rule)}`)
    .select([
      sql<number>`count(*)::int`.as('checked'),
      sql<number>`count(*) FILTER (WHERE ${offenderCondition(rule, today)})::int`.as('failed'),
    ])
    .executeTakeFirstOrThrow();
  const quarantined =
    rule.dimension === 'validity' && rule.field !== 'address'
      ? Number(
          (
            await quarantinedWith(db, source, rule.field)
              .select(sql<number>`count(*)::int`.as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        )
      : 0;
  return figureOf(rule, Number(r.checked), Number(r.failed), quarantined);
}

/** The checked and failing rows of a rule over the row set `m` of measureAll (uniqueness and consistency flags precomputed). */
function flatConditions(
  rule: QualityRule,
  today: string,
): { checked: RawBuilder<unknown>; failed: RawBuilder<unknown> } {
  const field = rule.field as QualityField;
  const present = sql.ref(`m.${PRESENT[field]}`);
  switch (rule.dimension) {
    case 'completeness':
      return { checked: sql`true`, failed: sql`${present} IS NULL` };
    case 'validity':
      return {
        checked: sql`${present} IS NOT NULL`,
        failed: field === 'address' ? sql`m.building_id IS NULL` : sql`false`,
      };
    case 'uniqueness':
      return { checked: sql`m.id_number_hash IS NOT NULL`, failed: sql`m.same_id > 1` };
    case 'consistency':
      return { checked: sql`m.other_tuples IS NOT NULL`, failed: sql`NOT m.agrees` };
    case 'timeliness':
      return {
        checked: sql`m.record_date IS NOT NULL`,
        failed: sql`m.record_date < (${today}::date - ${maxAgeDays(rule)}::int)`,
      };
  }
}

/**
 * Every rule of a source in one query, one pass over its records: the same figures as `measure` rule by rule,
 * with uniqueness from a count per ID number and consistency from one aggregate per ID number over the other
 * sources (how many distinct birth date / name / sex combinations they hold, and one of them), joined by hash
 * rather than probed row by row.
 */
export async function measureAll(
  db: Db,
  source: string,
  rules: readonly QualityRule[],
  today: string,
): Promise<Figure[]> {
  if (rules.length === 0) return [];
  const tuple = (t: string) =>
    sql`concat_ws(chr(31), coalesce(${sql.ref(`${t}.birth_date`)}::text, chr(1)), coalesce(${sql.ref(`${t}.name`)}, chr(1)), coalesce(${sql.ref(`${t}.sex`)}::text, chr(1)))`;
  // Only what the figures read, and a filled-in flag rather than the value where only that matters (the ciphers
  // among them): the window over the ID numbers sorts these rows, and whole records made that sort spill far more
  // (72,575 records, CPU: in-memory PGlite 1.3–1.6 s → 0.55–0.7 s, with a data directory 0.42–0.48 → 0.26–0.30 s,
  // PostgreSQL's backend 0.48–0.50 → 0.39–0.44 s).
  // A flag is true or NULL (x OR NULL), so the conditions test it with IS NULL as they would the value.
  const present = [...new Set(Object.values(PRESENT))].map((c) =>
    READ_BY_VALUE.has(c)
      ? sql.ref(`sp.${c}`)
      : sql`(${sql.ref(`sp.${c}`)} IS NOT NULL OR NULL) AS ${sql.ref(c)}`,
  );
  const selections = rules.flatMap((rule, i) => {
    const c = flatConditions(rule, today);
    const out = [
      sql`count(*) FILTER (WHERE ${c.checked})::int AS ${sql.ref(`c${i}`)}`,
      sql`count(*) FILTER (WHERE ${c.checked} AND ${c.failed})::int AS ${sql.ref(`f${i}`)}`,
    ];
    if (rule.dimension === 'validity' && rule.field !== 'address')
      out.push(sql`(SELECT count(*)::int FROM ingest_quarantine q WHERE q.source = ${source} AND q.status = 'open'
        AND q.problems @> ${JSON.stringify([{ field: rule.field }])}::jsonb) AS ${sql.ref(`q${i}`)}`);
    return out;
  });
  const result = await sql<Record<string, number>>`
    WITH mine AS (
      SELECT ${sql.join(present)}, sp.building_id, ${tuple('sp')} AS tuple,
        count(*) OVER (PARTITION BY sp.id_number_hash) AS same_id
      FROM source_person sp WHERE sp.source = ${source}),
    others AS (
      SELECT o.id_number_hash, count(DISTINCT ${tuple('o')}) AS tuples, min(${tuple('o')}) AS one_tuple
      FROM source_person o
      WHERE o.source <> ${source} AND o.id_number_hash IN (SELECT id_number_hash FROM mine)
      GROUP BY o.id_number_hash),
    m AS (
      SELECT mine.*, others.tuples AS other_tuples,
        (others.tuples = 1 AND others.one_tuple = mine.tuple) AS agrees
      FROM mine LEFT JOIN others ON others.id_number_hash = mine.id_number_hash)
    SELECT ${sql.join(selections)} FROM m`.execute(db);
  const r = result.rows[0]!;
  return rules.map((rule, i) => {
    return figureOf(rule, Number(r[`c${i}`]), Number(r[`f${i}`]), Number(r[`q${i}`] ?? 0));
  });
}

/** Measures every rule of the source and stores the figures under the run (the trend is the runs in order). */
export async function computeQualityFigures(
  db: Db,
  source: string,
  runId: number,
  today: Date,
): Promise<Figure[]> {
  const day = today.toISOString().slice(0, 10);
  const figures = await measureAll(db, source, await rulesFor(db, source), day);
  if (figures.length > 0)
    await db
      .insertInto('ingest_quality_figure')
      .values(
        figures.map((f) => ({
          run_id: runId,
          source,
          field: f.field,
          dimension: f.dimension,
          checked: f.checked,
          passed: f.passed,
          threshold: f.threshold,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['run_id', 'field', 'dimension']).doUpdateSet({
          checked: (eb) => eb.ref('excluded.checked'),
          passed: (eb) => eb.ref('excluded.passed'),
          computed_at: sql`now()`,
        }),
      )
      .execute();
  return figures;
}

/**
 * Recomputes the current figures of a source after its records changed outside an import (a quarantined row
 * re-imported or dismissed): they are stored again under its latest completed run, which the quality page shows,
 * so the figures agree with the records the drill-down lists. Without a completed run there are no figures yet.
 */
export async function refreshQualityFigures(db: Db, source: string, today: Date): Promise<void> {
  const runId = await latestCompletedRunId(db, source);
  if (runId !== null) await computeQualityFigures(db, source, runId, today);
}

export interface OffenderQuery {
  source: string;
  field: QualityField;
  dimension: Dimension;
  scopeLike: string;
  limit: number;
  offset: number;
  today: string;
}

/** The staged records behind a figure's failures, in the viewer's scope. */
export async function findOffendingRecords(db: Db, q: OffenderQuery, rule: QualityRule) {
  return db
    .selectFrom('source_person as sp')
    .selectAll('sp')
    .where('sp.source', '=', q.source)
    .where('sp.scope_path', 'like', q.scopeLike)
    .where(sql<boolean>`${checkedCondition(rule)} AND ${offenderCondition(rule, q.today)}`)
    .orderBy('sp.id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
}

export function findOffendingQuarantine(db: Db, q: OffenderQuery) {
  return quarantinedWith(db, q.source, q.field, q.scopeLike)
    .selectAll('q')
    .orderBy('q.id')
    .limit(q.limit)
    .offset(q.offset)
    .execute();
}

export interface QualityRuleIn {
  source: string | null;
  field: QualityField;
  dimension: Dimension;
  threshold: number;
  params?: Record<string, unknown>;
  enabled?: boolean;
}

export interface RuleProblem {
  field: string;
  message: string;
  messageEn: string;
}

/**
 * What is wrong with a rule set before it replaces the stored one: unknown sources, a field and dimension given
 * twice for the same source, a timeliness rule without a sensible age, or a dimension the field cannot have.
 */
export function checkQualityRules(rules: QualityRuleIn[], knownSources: readonly string[]): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const seen = new Set<string>();
  rules.forEach((r, i) => {
    const at = `body/rules/${i}`;
    if (r.source !== null && !knownSources.includes(r.source))
      problems.push({
        field: `${at}/source`,
        message: `未知的数据来源 ${r.source}`,
        messageEn: `Unknown source ${r.source}`,
      });
    const key = `${r.source ?? '*'}/${r.field}/${r.dimension}`;
    if (seen.has(key))
      problems.push({
        field: at,
        message: `同一来源的 ${r.field} / ${r.dimension} 规则重复`,
        messageEn: `${r.field} / ${r.dimension} is given twice for the same source`,
      });
    seen.add(key);
    if ((r.dimension === 'uniqueness' || r.dimension === 'consistency') && r.field !== 'id_number')
      problems.push({
        field: `${at}/field`,
        message: '唯一性与一致性按身份证号衡量，字段须为 id_number',
        messageEn: 'Uniqueness and consistency are measured on the ID number; the field must be id_number',
      });
    if (r.dimension === 'timeliness') {
      const days = r.params?.['max_age_days'];
      if (r.field !== 'record_date')
        problems.push({
          field: `${at}/field`,
          message: '及时性按登记日期衡量，字段须为 record_date',
          messageEn: 'Timeliness is measured on the record date; the field must be record_date',
        });
      if (!Number.isInteger(days) || (days as number) < 1 || (days as number) > 36_500)
        problems.push({
          field: `${at}/params/max_age_days`,
          message: '及时性规则须给出 1 至 36500 之间的整数天数 max_age_days',
          messageEn: 'A timeliness rule needs max_age_days, a whole number from 1 to 36500',
        });
    }
  });
  return problems;
}

export async function listQualityRules(db: Db) {
  const rows = await db
    .selectFrom('ingest_quality_rule')
    .selectAll()
    .orderBy(sql`source NULLS FIRST`)
    .orderBy('field')
    .orderBy('dimension')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    source: r.source,
    field: r.field,
    dimension: r.dimension,
    threshold: r.threshold,
    params: r.params as Record<string, unknown>,
    enabled: r.enabled,
  }));
}

/** Replaces the whole rule set (the caller checked it and holds the transaction). */
export async function replaceQualityRules(db: Db, rules: QualityRuleIn[]): Promise<void> {
  await db.deleteFrom('ingest_quality_rule').execute();
  if (rules.length > 0)
    await db
      .insertInto('ingest_quality_rule')
      .values(
        rules.map((r) => ({
          source: r.source,
          field: r.field,
          dimension: r.dimension,
          threshold: r.threshold,
          params: JSON.stringify(r.params ?? {}),
          enabled: r.enabled ?? true,
        })),
      )
      .execute();
}
