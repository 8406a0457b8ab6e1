// The request-text classifier in service: versions trained in a worker thread from the platform's own confirmed
// orders, one active version at a time (activate and roll back are audited), suggestions for a text (top
// categories with confidence, the handling department and the words that weighed most), the suggestion stored
// for every new order and the operator's final choice beside it.
import { gunzipSync } from 'node:zlib';
import {
  classifyText,
  parseClassifier,
  type TextClassifier,
  topTermsFor,
  urgencyByRules,
  type WeightedTerm,
} from '../../lib/classify/index.ts';
import { type AuditEntry, appendAudit } from '../../platform/audit/audit-log.ts';
import type { Database } from '../../platform/db/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { CategoryCatalog } from './category-catalog.ts';
import {
  activeModelVersion,
  agreementByVersion,
  findModel,
  listModels,
  modelWeights,
  trainingExamples,
} from './classifier.repository.ts';
import { DEFAULT_TRAINING, type TrainingSettings, trainInWorker } from './classifier-training.ts';
import { MAX_DESCRIPTION_CHARS } from './work-orders.service.ts';

/** Below this confidence an order's suggestion is flagged for the operator (CLASSIFIER_REVIEW_THRESHOLD). */
export const DEFAULT_REVIEW_THRESHOLD = 0.5;
/** A version activated in another process is picked up within this time. */
const ACTIVE_CHECK_MS = 10_000;
/** Fewer confirmed orders than this make no useful model. */
const MIN_TRAINING_EXAMPLES = 20;

/** CLASSIFIER_REVIEW_THRESHOLD: a number in (0, 1), default 0.5. */
export function reviewThresholdFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env['CLASSIFIER_REVIEW_THRESHOLD'];
  if (raw === undefined || raw === '') return DEFAULT_REVIEW_THRESHOLD;
  const n = Number(raw);
  if (!(n > 0 && n < 1))
    throw new Error(`CLASSIFIER_REVIEW_THRESHOLD must be a number between 0 and 1, got "${raw}"`);
  return n;
}

export interface CategoryGuess {
  code: string;
  name: string;
  /** Major class / leaf, e.g. 供水 / 停水. */
  path: string;
  department: string;
  probability: number;
}

export interface Suggestion {
  modelVersion: number;
  categoryCode: string;
  confidence: number;
  needsReview: boolean;
  threshold: number;
  department: string;
  alternatives: CategoryGuess[];
  keywords: WeightedTerm[];
  urgent: boolean;
  urgencyReasons: string[];
}

export interface TrainingProgress {
  version: number;
  status: 'training' | 'ready' | 'failed';
  fraction: number;
  message: string;
  startedAt: string;
  error: string | null;
}

export interface ClassifierServiceDeps {
  database: Database;
  catalog: CategoryCatalog;
  reviewThreshold?: number;
  /** Where failures of background work go (the server's logger). */
  log?: (message: string, error?: unknown) => void;
  now?: () => Date;
}

/** The audit fields of the person acting (from auditEntryFor), without the action. */
export type Actor = Omit<AuditEntry, 'action'>;

export function createClassifierService(deps: ClassifierServiceDeps) {
  const { database, catalog } = deps;
  const db = database.db;
  const threshold = deps.reviewThreshold ?? DEFAULT_REVIEW_THRESHOLD;
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? (() => {});

  // ---- the active model, cached ----
  let activeVersion: number | null = null;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let loaded: { version: number; model: TextClassifier } | null = null;
  let loading: Promise<{ version: number; model: TextClassifier }> | null = null;

  function forgetActive() {
    checkedAt = Number.NEGATIVE_INFINITY;
  }

  async function activeModel(): Promise<{ version: number; model: TextClassifier } | null> {
    if (Date.now() - checkedAt > ACTIVE_CHECK_MS) {
      activeVersion = (await activeModelVersion(db))?.version ?? null;
      checkedAt = Date.now();
    }
    if (activeVersion === null) return null;
    if (loaded?.version === activeVersion) return loaded;
    const version = activeVersion;
    if (!loading) {
      loading = (async () => {
        const row = await modelWeights(db, version);
        if (!row?.weights) throw new AppError('CLASSIFIER_NOT_READY');
        return { version, model: parseClassifier(gunzipSync(row.weights).toString('utf8')) };
      })().finally(() => {
        loading = null;
      });
    }
    loaded = await loading;
    return loaded;
  }

  function guessOf(code: string, probability: number): CategoryGuess {
    const rule = catalog.find(code);
    const major = rule?.path[0] ? catalog.label(rule.path[0])?.zh : undefined;
    return {
      code,
      name: rule?.nameZh ?? code,
      path: [major, rule?.nameZh ?? code].filter(Boolean).join(' / '),
      department: rule?.unitName ?? '',
      probability: Number(probability.toFixed(4)),
    };
  }

  function checkText(text: string, field: string): string {
    const trimmed = text.trim();
    if (trimmed.length === 0) {
      throw new AppError('VALIDATION_FAILED', [
        { field, message: '请输入诉求内容', messageEn: 'Enter the request text' },
      ]);
    }
    if (Array.from(trimmed).length > MAX_DESCRIPTION_CHARS) {
      throw new AppError('REQUEST_TEXT_TOO_LONG', [
        {
          field,
          message: `诉求内容不超过 ${MAX_DESCRIPTION_CHARS} 字`,
          messageEn: `At most ${MAX_DESCRIPTION_CHARS} characters`,
        },
      ]);
    }
    return trimmed;
  }

  function suggestWith(active: { version: number; model: TextClassifier }, text: string, top: number) {
    const p = classifyText(active.model, text, top);
    const best = guessOf(p.label, p.confidence);
    const urgency = urgencyByRules(text);
    return {
      modelVersion: active.version,
      categoryCode: p.label,
      confidence: best.probability,
      needsReview: p.confidence < threshold,
      threshold,
      department: best.department,
      alternatives: p.alternatives.map((a) => guessOf(a.label, a.probability)),
      keywords: topTermsFor(active.model, text, p.label, 6),
      urgent: urgency.urgent,
      urgencyReasons: urgency.reasons,
    } satisfies Suggestion;
  }

  /** The active model's suggestion for a text; 409 CLASSIFIER_NOT_READY without an active model. */
  async function suggest(text: string, top = 3): Promise<Suggestion> {
    const clean = checkText(text, 'body/text');
    const active = await activeModel();
    if (!active) throw new AppError('CLASSIFIER_NOT_READY');
    return suggestWith(active, clean, top);
  }

  // ---- suggestions stored per order, written in small batches off the intake transaction ----
  type NewRow = Parameters<ReturnType<typeof db.insertInto<'order_classification'>>['values']>[0];
  const queue: Array<{ row: NewRow; done: () => void }> = [];
  let flushing = false;

  async function flush() {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue.splice(0, 64);
      try {
        await db
          .insertInto('order_classification')
          .values(batch.map((b) => b.row) as never)
          .onConflict((oc) => oc.column('order_id').doNothing())
          .execute();
      } catch (error) {
        log('storing classifier suggestions failed', error);
      }
      for (const b of batch) b.done();
    }
    flushing = false;
  }

  /**
   * Stores the active model's suggestion for a new order (and the category the submitter chose, if any). Never
   * throws: the order exists already, and a missing suggestion only means the operator classifies by hand.
   */
  async function recordForNewOrder(
    order: { id: number; street_code: string | null; description: string },
    chosen: { categoryCode: string | null; accountId: number | null },
  ): Promise<void> {
    try {
      const active = await activeModel();
      if (!active) return;
      const p = classifyText(active.model, order.description, 3);
      const at = now();
      const row = {
        order_id: order.id,
        street_code: order.street_code,
        model_version: active.version,
        suggested_category: p.label,
        confidence: p.confidence,
        top3: JSON.stringify(p.alternatives.map((a) => ({ label: a.label, probability: a.probability }))),
        needs_review: p.confidence < threshold,
        final_category: chosen.categoryCode,
        final_by: chosen.categoryCode ? chosen.accountId : null,
        final_at: chosen.categoryCode ? at : null,
        created_at: at,
      };
      await new Promise<void>((done) => {
        queue.push({ row: row as NewRow, done });
        if (!flushing) void flush();
      });
    } catch (error) {
      log('classifier suggestion at intake failed', error);
    }
  }

  /** The operator's final category of an order (a correction when it differs from the suggestion). */
  async function recordFinal(orderId: number, categoryCode: string, accountId: number | null) {
    await db
      .updateTable('order_classification')
      .set({ final_category: categoryCode, final_by: accountId, final_at: now() })
      .where('order_id', '=', orderId)
      .execute();
  }

  function orderClassification(orderId: number) {
    return db
      .selectFrom('order_classification')
      .selectAll()
      .where('order_id', '=', orderId)
      .executeTakeFirst();
  }

  /** Flagged suggestions no operator has confirmed yet, newest first, inside a scope. */
  function reviewQueue(scopePath: string, limit: number) {
    return db
      .selectFrom('order_classification as oc')
      .innerJoin('work_order as wo', 'wo.id', 'oc.order_id')
      .select([
        'wo.id',
        'wo.number',
        'wo.description',
        'wo.received_at',
        'wo.status',
        'oc.suggested_category',
        'oc.confidence',
        'oc.top3',
        'oc.model_version',
      ])
      .where('oc.needs_review', '=', true)
      .where('oc.final_category', 'is', null)
      .where('wo.status', '!=', 'merged')
      .where('wo.scope_path', 'like', `${scopePath}%`)
      .orderBy('oc.created_at', 'desc')
      .limit(limit)
      .execute();
  }

  // ---- versions ----
  let progress: TrainingProgress | null = null;
  /** Set from the first check until the version row exists, so two clicks cannot start two trainings. */
  let starting = false;

  async function markInterrupted() {
    await db
      .updateTable('classifier_model')
      .set({ status: 'failed', error: '训练中断（服务重启）' })
      .where('status', '=', 'training')
      .$if(progress?.status === 'training', (q) => q.where('version', '!=', progress!.version))
      .execute();
  }

  async function activateInside(
    trx: typeof db,
    version: number,
    actor: Actor | null,
    action: 'classifier.activate' | 'classifier.rollback',
    from: number | null,
  ) {
    await trx.updateTable('classifier_model').set({ active: false }).where('active', '=', true).execute();
    await trx
      .updateTable('classifier_model')
      .set({ active: true, activated_at: now() })
      .where('version', '=', version)
      .execute();
    await appendAudit(trx, {
      ...(actor ?? { role: 'system' }),
      action,
      entityType: 'classifier_model',
      entityIds: [version],
      details: { from, to: version },
    });
  }

  /** Makes a trained version the one that suggests. 404 for an unknown version, 409 for one not ready. */
  async function activate(version: number, actor: Actor | null) {
    await db.transaction().execute(async (trx) => {
      const model = await findModel(trx, version);
      if (!model) throw new AppError('CLASSIFIER_VERSION_NOT_FOUND');
      if (model.status !== 'ready') throw new AppError('CLASSIFIER_VERSION_NOT_READY');
      const current = await activeModelVersion(trx);
      await activateInside(trx, version, actor, 'classifier.activate', current?.version ?? null);
    });
    forgetActive();
  }

  /** Goes back to the version that was active before the current one. */
  async function rollback(actor: Actor | null): Promise<number> {
    const to = await db.transaction().execute(async (trx) => {
      const current = await activeModelVersion(trx);
      const previous = await trx
        .selectFrom('classifier_model')
        .select('version')
        .where('status', '=', 'ready')
        .where('active', '=', false)
        .where('activated_at', 'is not', null)
        .orderBy('activated_at', 'desc')
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (!current || !previous) throw new AppError('CLASSIFIER_NO_PREVIOUS');
      await activateInside(trx, previous.version, actor, 'classifier.rollback', current.version);
      return previous.version;
    });
    forgetActive();
    return to;
  }

  /**
   * Starts training a new version in a worker thread from the latest confirmed orders; answers at once with the
   * version number, `done` settles when the version is stored (ready or failed). With `activate`, a ready version
   * becomes active.
   */
  async function startTraining(
    settings: Partial<TrainingSettings>,
    actor: Actor | null,
    options: { activate?: boolean } = {},
  ): Promise<{ version: number; done: Promise<void> }> {
    if (starting || progress?.status === 'training') throw new AppError('CLASSIFIER_TRAINING_RUNNING');
    starting = true;
    try {
      return await beginTraining(settings, actor, options);
    } finally {
      starting = false;
    }
  }

  async function beginTraining(
    settings: Partial<TrainingSettings>,
    actor: Actor | null,
    options: { activate?: boolean },
  ): Promise<{ version: number; done: Promise<void> }> {
    const s: TrainingSettings = { ...DEFAULT_TRAINING, ...settings };
    const examples = (await trainingExamples(db, s.maxExamples))
      .filter((e) => catalog.find(e.label) !== null)
      .map((e) => ({ text: e.text, label: e.label }));
    if (examples.length < MIN_TRAINING_EXAMPLES || new Set(examples.map((e) => e.label)).size < 2)
      throw new AppError('CLASSIFIER_TRAINING_DATA_TOO_SMALL', [
        {
          field: 'examples',
          message: `至少需要 ${MIN_TRAINING_EXAMPLES} 条、2 个以上类别的已确认工单，现有 ${examples.length} 条`,
          messageEn: `Needs at least ${MIN_TRAINING_EXAMPLES} confirmed orders in 2 or more categories, found ${examples.length}`,
        },
      ]);
    const startedAt = now();
    const version = await db.transaction().execute(async (trx) => {
      const row = await trx
        .insertInto('classifier_model')
        .values({
          status: 'training',
          started_at: startedAt,
          options: JSON.stringify(s),
          metrics: JSON.stringify({}),
          created_by: actor?.accountId ?? null,
        })
        .returning('version')
        .executeTakeFirstOrThrow();
      await appendAudit(trx, {
        ...(actor ?? { role: 'system' }),
        action: 'classifier.train',
        entityType: 'classifier_model',
        entityIds: [row.version],
        details: { examples: examples.length, ...s },
      });
      return row.version;
    });
    const state: TrainingProgress = {
      version,
      status: 'training',
      fraction: 0.05,
      message: 'starting',
      startedAt: startedAt.toISOString(),
      error: null,
    };
    progress = state;
    const done = (async () => {
      try {
        const result = await trainInWorker({ examples, options: s }, (fraction, message) => {
          state.fraction = fraction;
          state.message = message;
        });
        await db
          .updateTable('classifier_model')
          .set({
            status: 'ready',
            trained_at: now(),
            examples: result.report.trainExamples,
            held_out: result.report.heldOut,
            accuracy: result.report.accuracy,
            macro_f1: result.report.macroF1,
            metrics: JSON.stringify({ ...result.report, training: result.summary }),
            weights: result.weights,
          })
          .where('version', '=', version)
          .execute();
        if (options.activate) await activate(version, null);
        state.status = 'ready';
        state.fraction = 1;
        state.message = 'done';
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        state.status = 'failed';
        state.error = message;
        log(`classifier training v${version} failed`, error);
        await db
          .updateTable('classifier_model')
          .set({ status: 'failed', error: message.slice(0, 500) })
          .where('version', '=', version)
          .execute()
          .catch((e) => log('marking a failed training failed', e));
      }
    })();
    return { version, done };
  }

  /** The demo's first version: when no version is active or training, train one quickly and activate it. */
  async function ensureInitialModel(settings: Partial<TrainingSettings>): Promise<Promise<void> | null> {
    await markInterrupted();
    if (await activeModelVersion(db)) return null;
    const ready = await db
      .selectFrom('classifier_model')
      .select('version')
      .where('status', '=', 'ready')
      .orderBy('version', 'desc')
      .executeTakeFirst();
    if (ready) {
      await activate(ready.version, null);
      return null;
    }
    const { done } = await startTraining(settings, null, { activate: true });
    return done;
  }

  async function versions() {
    await markInterrupted();
    const [models, agreement] = await Promise.all([listModels(db), agreementByVersion(db)]);
    const byVersion = new Map(agreement.map((a) => [a.model_version, a]));
    return models.map((m) => ({ model: m, agreement: byVersion.get(m.version) ?? null }));
  }

  return {
    threshold,
    suggest,
    recordForNewOrder,
    recordFinal,
    orderClassification,
    reviewQueue,
    activate,
    rollback,
    startTraining,
    ensureInitialModel,
    versions,
    findModel: (version: number) => findModel(db, version),
    progress: () => progress,
    guessOf,
  };
}

export type ClassifierService = ReturnType<typeof createClassifierService>;
