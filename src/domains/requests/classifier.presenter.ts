// How classifier versions and stored suggestions leave the server: category codes with their names and
// departments, held-out figures, operator agreement. No personal data passes through here.

import type { Selectable } from 'kysely';
import type { HoldoutReport } from '../../lib/classify/index.ts';
import type { OrderClassificationTable } from '../../platform/db/schema.ts';
import type { ModelSummaryRow } from './classifier.repository.ts';
import type { ClassifierService } from './classifier.service.ts';

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function presentModel(
  classifier: ClassifierService,
  m: ModelSummaryRow,
  agreement: { suggested: string; confirmed: string; agreed: string; flagged: string } | null,
) {
  const metrics = (m.metrics ?? {}) as Partial<HoldoutReport>;
  const name = (code: string) => classifier.guessOf(code, 0).name;
  const confirmed = Number(agreement?.confirmed ?? 0);
  const agreed = Number(agreement?.agreed ?? 0);
  return {
    version: m.version,
    status: m.status,
    active: m.active,
    startedAt: iso(m.started_at)!,
    trainedAt: iso(m.trained_at),
    activatedAt: iso(m.activated_at),
    examples: m.examples,
    heldOut: m.held_out,
    accuracy: m.accuracy,
    macroF1: m.macro_f1,
    weakest: (metrics.weakest ?? []).map((c) => ({
      code: c.label,
      name: name(c.label),
      f1: c.f1,
      precision: c.precision,
      recall: c.recall,
      support: c.support,
    })),
    confusions: (metrics.confusions ?? []).map((c) => ({
      actual: c.actual,
      actualName: name(c.actual),
      predicted: c.predicted,
      predictedName: name(c.predicted),
      count: c.count,
    })),
    agreement: {
      suggested: Number(agreement?.suggested ?? 0),
      confirmed,
      agreed,
      flagged: Number(agreement?.flagged ?? 0),
      rate: confirmed > 0 ? Number((agreed / confirmed).toFixed(4)) : null,
    },
    settings: (m.options ?? {}) as Record<string, unknown>,
    error: m.error,
  };
}

export function presentOrderClassification(
  classifier: ClassifierService,
  row: Selectable<OrderClassificationTable>,
) {
  const top3 = row.top3 as Array<{ label: string; probability: number }>;
  return {
    orderId: Number(row.order_id),
    modelVersion: row.model_version,
    suggested: classifier.guessOf(row.suggested_category, row.confidence),
    alternatives: top3.map((a) => classifier.guessOf(a.label, a.probability)),
    needsReview: row.needs_review,
    finalCategory: row.final_category ? classifier.guessOf(row.final_category, 1) : null,
    corrected: row.final_category ? row.final_category !== row.suggested_category : null,
    createdAt: iso(row.created_at)!,
    finalAt: iso(row.final_at),
  };
}
