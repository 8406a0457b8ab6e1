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

export interface SurvivorshipRule {
  field: GoldenField;
  rule: SurvivorshipRuleKind;
  sourcePriority: readonly string[];
}

/** One record of a cluster with its values (plaintext, normalised) and where it came from. */
export interface CandidateRecord {
  ref: string;
  source: string;
  sourcePersonId: number | null;
  sourceRow: number | null;
  importRunId: number | null;
  /** The record's date: record date of the source row, else when it was imported or last updated. */
  observedAt: string | null;
  values: Partial<Record<GoldenField, string | null>>;
}

export interface ChosenValue {
  field: GoldenField;
  value: string;
  rule: SurvivorshipRuleKind;
  from: CandidateRecord;
}

function sourceRank(order: readonly string[], source: string): number {
  const i = order.indexOf(source);
  return i < 0 ? order.length : i;
}

/** Orders records by the tie-breaks: source order, most recent, reference. */
function tieOrder(order: readonly string[]) {
  return (x: CandidateRecord, y: CandidateRecord) =>
    sourceRank(order, x.source) - sourceRank(order, y.source) ||
    (y.observedAt ?? '').localeCompare(x.observedAt ?? '') ||
    x.ref.localeCompare(y.ref);
}

export function chooseValue(rule: SurvivorshipRule, records: readonly CandidateRecord[]): ChosenValue | null {
  const withValue = records.filter((r) => {
    const v = r.values[rule.field];
    return v !== null && v !== undefined && v !== '';
  });
  if (withValue.length === 0) return null;
  const ties = tieOrder(rule.sourcePriority);
  let chosen: CandidateRecord;
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
export function goldenRecord(
  rules: readonly SurvivorshipRule[],
  records: readonly CandidateRecord[],
): Map<GoldenField, ChosenValue> {
  const out = new Map<GoldenField, ChosenValue>();
  for (const rule of rules) {
    const chosen = chooseValue(rule, records);
    if (chosen) out.set(rule.field, chosen);
  }
  return out;
}
