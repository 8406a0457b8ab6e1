// Where identity data leaves the server: source records, golden fields and prefill values, masked with the
// platform's display masking unless the viewer is the resident themself. No route hands a row out another way.
import { maskAddress, maskIdNumber, maskName, maskPhone } from '../../lib/masking.ts';
import type { GoldenField, IdentityEvidence, IdentityReviewDetail } from '../../platform/db/index.ts';

/**
 * The review item's second reference of a cluster of one record (a review row has two, the left one smaller):
 * `se:12~` names no record; the API shows such an item as single (`single: true`, no right side).
 */
export const UNPLACED_SUFFIX = '~';

/** The single record a review item is about when its second reference is the placeholder, else null. */
export function singleRecordOf(leftRef: string, rightRef: string): string | null {
  return rightRef === `${leftRef}${UNPLACED_SUFFIX}` ? leftRef : null;
}

/** A golden or source value as a list shows it. Birth dates keep the year only, as resident lists do. */
export function maskValue(field: GoldenField, value: string | null): string | null {
  if (value === null || value === '') return null;
  if (field === 'name') return maskName(value);
  if (field === 'id_number') return maskIdNumber(value);
  if (field === 'phone') return maskPhone(value);
  if (field === 'address') return maskAddress(value);
  if (field === 'birth_date') return `${value.slice(0, 4)}-**-**`;
  return value;
}

function iso(d: Date | string | null | undefined): string | null {
  return d ? new Date(d).toISOString() : null;
}

/** A merge as a golden record's history lists it (persons' and other entities' alike). */
export function presentMerge(
  m: {
    id: number | string;
    run_id: number | string;
    members: string[];
    changed_fields: string[];
    status: string;
    applied_at: Date | string;
    undone_at: Date | string | null;
    undone_by: string | null;
    undo_reason: string | null;
  },
  latestApplied: { id: number | string } | undefined,
) {
  return {
    id: Number(m.id),
    runId: Number(m.run_id),
    members: m.members,
    changedFields: m.changed_fields,
    status: m.status,
    appliedAt: iso(m.applied_at) ?? '',
    undoneAt: iso(m.undone_at),
    undoneBy: m.undone_by,
    undoReason: m.undo_reason,
    // Only the latest applied merge can be undone: undoing an older one would put back values a later merge built on.
    undoable: m.id === latestApplied?.id,
  };
}

export interface RecordView {
  ref: string;
  kind: 'source' | 'platform';
  source: string;
  sourceLabel: string;
  sourceKey: string | null;
  sourceRow: number | null;
  importRunId: number | null;
  personId: number | null;
  name: string | null;
  sex: string | null;
  birthDate: string | null;
  idNumber: string | null;
  phone: string | null;
  address: string | null;
  recordDate: string | null;
}

export function presentRun(r: {
  id: number;
  status: string;
  stage: string;
  scope_path: string;
  records: number;
  pairs_total: number;
  pairs_compared: number;
  matches: number;
  reviews: number;
  decisions: number;
  clusters: number;
  persons_created: number;
  persons_updated: number;
  conflicts: number;
  unplaced: number;
  apply_golden: boolean;
  model: unknown;
  error: unknown;
  started_by: string;
  started_at: Date;
  finished_at: Date | string | null;
  entity_type?: string;
}) {
  return {
    id: Number(r.id),
    entityType: r.entity_type ?? 'person',
    status: r.status,
    stage: r.stage,
    scopePath: r.scope_path,
    records: r.records,
    pairsTotal: Number(r.pairs_total),
    pairsCompared: Number(r.pairs_compared),
    matches: r.matches,
    reviews: r.reviews,
    decisions: r.decisions,
    clusters: r.clusters,
    personsCreated: r.persons_created,
    personsUpdated: r.persons_updated,
    conflicts: r.conflicts,
    unplaced: r.unplaced,
    applyGolden: r.apply_golden,
    model: (r.model ?? {}) as Record<string, unknown>,
    error: (r.error ?? null) as { code: string; message: string } | null,
    startedBy: r.started_by,
    startedAt: iso(r.started_at) ?? '',
    finishedAt: iso(r.finished_at),
  };
}

export function presentReview(
  r: {
    id: number;
    left_ref: string;
    right_ref: string;
    status: string;
    run_id: number;
    match_probability: number;
    match_weight: number;
    evidence: IdentityEvidence[];
    reason: string | null;
    decided_by: string | null;
    decided_at: Date | string | null;
    kind?: string;
    problem?: string | null;
    detail?: IdentityReviewDetail | null;
  },
  left: RecordView | null,
  right: RecordView | null,
) {
  const single = singleRecordOf(r.left_ref, r.right_ref) !== null;
  return {
    id: Number(r.id),
    kind: r.kind ?? 'pair',
    problem: r.problem ?? null,
    single,
    candidates: r.detail?.candidates ?? [],
    chosenPersonId: r.detail?.personId ?? null,
    status: r.status,
    runId: Number(r.run_id),
    matchProbability: r.match_probability,
    matchWeight: r.match_weight,
    evidence: r.evidence,
    reason: r.reason,
    decidedBy: r.decided_by,
    decidedAt: iso(r.decided_at),
    left,
    right: single ? null : right,
  };
}

export { iso };
