// SQL of the classifier in service: model versions, the suggestion stored per order, the training examples.
import { sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';

/** Every column but the weights, for lists. */
const MODEL_COLUMNS = [
  'version',
  'status',
  'active',
  'started_at',
  'trained_at',
  'activated_at',
  'examples',
  'held_out',
  'accuracy',
  'macro_f1',
  'metrics',
  'options',
  'error',
  'created_by',
] as const;

export function listModels(db: Db) {
  return db.selectFrom('classifier_model').select(MODEL_COLUMNS).orderBy('version', 'desc').execute();
}

export type ModelSummaryRow = Awaited<ReturnType<typeof listModels>>[number];

export function findModel(db: Db, version: number) {
  return db
    .selectFrom('classifier_model')
    .select(MODEL_COLUMNS)
    .where('version', '=', version)
    .executeTakeFirst();
}

export function activeModelVersion(db: Db) {
  return db.selectFrom('classifier_model').select('version').where('active', '=', true).executeTakeFirst();
}

export function modelWeights(db: Db, version: number) {
  return db
    .selectFrom('classifier_model')
    .select('weights')
    .where('version', '=', version)
    .executeTakeFirst();
}

/**
 * Texts and confirmed categories of past orders, the latest `limit`, oldest first. The operator's final choice
 * wins over the order's category, so corrections feed the next training; unconfirmed and merged orders are left out.
 */
export async function trainingExamples(db: Db, limit: number) {
  const rows = await db
    .selectFrom('work_order as wo')
    .leftJoin('order_classification as oc', 'oc.order_id', 'wo.id')
    .select([
      'wo.description as text',
      sql<string>`coalesce(oc.final_category, wo.category_code)`.as('label'),
    ])
    .where('wo.category_code', 'is not', null)
    .where('wo.status', 'not in', ['received', 'merged'])
    .orderBy('wo.received_at', 'desc')
    .orderBy('wo.id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse();
}

/** Per version: suggestions made, confirmed by an operator, and how many of those the operator kept. */
export function agreementByVersion(db: Db) {
  return db
    .selectFrom('order_classification')
    .select((eb) => [
      'model_version',
      eb.fn.countAll<string>().as('suggested'),
      eb.fn.count<string>('final_category').as('confirmed'),
      sql<string>`count(*) filter (where final_category = suggested_category)`.as('agreed'),
      sql<string>`count(*) filter (where needs_review)`.as('flagged'),
    ])
    .groupBy('model_version')
    .execute();
}
