// Field-level survivorship: which value of a cluster's records becomes the golden value of each field, by the
// field's rule (data in identity_survivorship_rule). Pure: candidate values in, chosen value and the record it
// came from out. Ties fall to the source order, then to the most recent record, then to the lowest reference,
// so the same records always give the same golden record.
import type { GoldenField, SurvivorshipRuleKind } from '../../platform/db/index.ts';

export const GOLDEN_FIELDS: readonly GoldenField[] = [
  'name',
  'sex',
  'birth_date',
  'id_number',
  'phone',
  'address',
];

/** The platform's own person record, as a source in the priority lists. */
export const PLATFORM_SOURCE = 'platform';

/** F: the fields of the entity type (a person's by default; a house's, household's or organisation's). */
export interface SurvivorshipRule<F extends string = GoldenField> {
  field: F;
  rule: SurvivorshipRuleKind;
  sourcePriority: readonly string[];
}

/** One record of a cluster with its values (plaintext, normalised) and where it came from. */
export interface CandidateRecord<F extends string = GoldenField> {
  ref: string;
  source: string;
  /** The source record's id (source_person, or source_entity for the other entity types). */
  sourcePersonId: number | null;
  sourceRow: number | null;
  importRunId: number | null;
  /** The record's date: record date of the source row, else when it was imported or last updated. */
  observedAt: string | null;
  values: Partial<Record<F, string | null>>;
}

export interface ChosenValue<F extends string = GoldenField> {
  field: F;
  value: string;
  rule: SurvivorshipRuleKind;
  from: CandidateRecord<F>;
}

function sourceRank(order: readonly string[], source: string): number {
  const i = order.indexOf(source);
  return i < 0 ? order.length : i;
}

/** Orders records by the tie-breaks: source order, most recent, reference. */
function tieOrder<F extends string>(order: readonly string[]) {
  return (x: CandidateRecord<F>, y: CandidateRecord<F>) =>
    sourceRank(order, x.source) - sourceRank(order, y.source) ||
    (y.observedAt ?? '').localeCompare(x.observedAt ?? '') ||
    x.ref.localeCompare(y.ref);
}

export function chooseValue<F extends string>(
  rule: SurvivorshipRule<F>,
  records: readonly CandidateRecord<F>[],
): ChosenValue<F> | null {
  const withValue = records.filter((r) => {
    const v = r.values[rule.field];
    return v !== null && v !== undefined && v !== '';
  });
  if (withValue.length === 0) return null;
  const ties = tieOrder<F>(rule.sourcePriority);
  let chosen: CandidateRecord<F>;
  if (rule.rule === 'source_priority') {
    chosen = [...withValue].sort(ties)[0]!;
  } else if (rule.rule === 'most_recent') {
    chosen = [...withValue].sort(
      (x, y) => (y.observedAt ?? '').localeCompare(x.observedAt ?? '') || ties(x, y),
    )[0]!;
  } else {
    const counts = new Map<string, number>();
    for (const r of withValue)
      counts.set(r.values[rule.field]!, (counts.get(r.values[rule.field]!) ?? 0) + 1);
    chosen = [...withValue].sort(
      (x, y) => counts.get(y.values[rule.field]!)! - counts.get(x.values[rule.field]!)! || ties(x, y),
    )[0]!;
  }
  return { field: rule.field, value: chosen.values[rule.field]!, rule: rule.rule, from: chosen };
}

/** The golden value of every field that any record of the cluster has. */
export function goldenRecord<F extends string = GoldenField>(
  rules: readonly SurvivorshipRule<F>[],
  records: readonly CandidateRecord<F>[],
): Map<F, ChosenValue<F>> {
  const out = new Map<F, ChosenValue<F>>();
  for (const rule of rules) {
    const chosen = chooseValue(rule, records);
    if (chosen) out.set(rule.field, chosen);
  }
  return out;
}
