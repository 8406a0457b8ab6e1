// The rules of precise supply: the provider registry, procurement projects and bids, ranked matching with every
// score component shown, the recorded choice (an override of the top-ranked provider needs a reason), and service
// delivery records traceable from their cause to their cost. Writes and reads of residents' data are audited in
// the same transaction; every lookup is bounded by the viewer's scope (outside it answers 404).
import type { FastifyRequest } from 'fastify';
import { auditRequest } from '../../platform/audit/request-audit.ts';
import { inScope, type Viewer } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { offsetOf } from '../../platform/http/pagination.ts';
import { chinaToday } from '../stats/age-cutoffs.ts';
import {
  type MatchSubject,
  type ProviderFacts,
  type RankedProvider,
  scoreProviders,
} from './provider-score.ts';
import {
  awardProject,
  confirmDelivery,
  findBids,
  findBidsWithProviders,
  findChoices,
  findDeliveries,
  findPersonInScope,
  findProjects,
  findProvidersServing,
  findWeights,
  historyOf,
  insertBid,
  insertChoice,
  insertDelivery,
  insertProject,
  insertProvider,
  insertQualification,
  type ProjectRecord,
  type ProviderRecord,
  qualificationsOf,
  searchProvidersServing,
} from './supply.repository.ts';
import type {
  BidBody,
  ChooseBody,
  DeliveryBody,
  DeliveryQuery,
  MatchBody,
  ProjectBody,
  ProviderBody,
  ProviderQuery,
  QualificationBody,
} from './supply.schema.ts';

/** The street code of a path (its second segment), or the district's code for a district-wide path. */
function streetCodeOf(path: string): string {
  const parts = path.split('/').filter((s) => s !== '');
  return parts[1] ?? parts[0]!;
}

/** An area path the viewer names must lie inside their scope; none means the viewer's own scope. */
function areaWithin(viewer: Viewer, areaPath: string | undefined): string {
  const path = areaPath ?? viewer.scopePath;
  if (!inScope(viewer, path))
    throw new AppError('OUT_OF_SCOPE', [{ field: 'areaPath', message: `${path} 不在管辖范围内` }]);
  return path;
}

async function providerInScope(db: Db, viewer: Viewer, id: number): Promise<ProviderRecord> {
  const [p] = await findProvidersServing(db, viewer.scopePath, [id]);
  if (!p) throw new AppError('PROVIDER_NOT_FOUND');
  return p;
}

export async function registerProvider(db: Db, request: FastifyRequest, viewer: Viewer, body: ProviderBody) {
  const area = areaWithin(viewer, body.areaPath);
  return db.transaction().execute(async (tx) => {
    const row = await insertProvider(tx, {
      street_code: streetCodeOf(area),
      scope_path: area,
      organization_id: null,
      name: body.name,
      kind: body.kind,
      service_categories: body.categories,
      capacity_per_month: body.capacityPerMonth ?? null,
      rating: body.rating ?? null,
      contact_phone: body.contactPhone ?? null,
      lng: body.lng ?? null,
      lat: body.lat ?? null,
      service_radius_m: body.serviceRadiusM ?? null,
      price_per_hour: body.pricePerHour ?? null,
      status: 'active',
      source: 'supply',
    });
    await auditRequest(tx, request, {
      action: 'provider.create',
      entityType: 'service_provider',
      entityIds: [row.id],
      details: { name: body.name },
    });
    return row.id as number;
  });
}

export async function addQualification(
  db: Db,
  request: FastifyRequest,
  viewer: Viewer,
  providerId: number,
  body: QualificationBody,
) {
  await providerInScope(db, viewer, providerId);
  if (body.validUntil < body.validFrom) {
    throw new AppError('VALIDATION_FAILED', [
      {
        field: '/validUntil',
        message: '有效期止不能早于有效期起',
        messageEn: 'validUntil is before validFrom',
      },
    ]);
  }
  return db.transaction().execute(async (tx) => {
    const q = await insertQualification(tx, {
      provider_id: providerId,
      kind: body.kind,
      number: body.number,
      issued_by: body.issuedBy ?? null,
      categories: body.categories ?? [],
      valid_from: body.validFrom,
      valid_until: body.validUntil,
    });
    await auditRequest(tx, request, {
      action: 'provider.qualification.add',
      entityType: 'service_provider',
      entityIds: [providerId],
      details: { kind: body.kind, validUntil: body.validUntil },
    });
    return q.id;
  });
}

/** Days from `today` to `day` (both yyyy-mm-dd); negative once it has passed. */
function daysBetween(today: string, day: string): number {
  return Math.round((Date.parse(`${day}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}

/** A qualification still valid but ending within this many days is highlighted. */
export const EXPIRY_WARNING_DAYS = 60;

type QualificationRow = Awaited<ReturnType<typeof qualificationsOf>>[number];
type HistoryMap = Awaited<ReturnType<typeof historyOf>>;

function presentProviderWithFacts(
  p: ProviderRecord,
  quals: QualificationRow[],
  history: HistoryMap,
  today: string,
) {
  const h = history.get(p.id);
  return {
    ...presentProviderRecord(p),
    qualifications: quals
      .filter((q) => q.provider_id === p.id)
      .map((q) => {
        const valid = q.valid_from <= today && q.valid_until >= today;
        const daysLeft = daysBetween(today, q.valid_until);
        return {
          id: q.id,
          kind: q.kind,
          number: q.number,
          issuedBy: q.issued_by,
          categories: q.categories,
          validFrom: q.valid_from,
          validUntil: q.valid_until,
          valid,
          daysLeft,
          expiringSoon: valid && daysLeft <= EXPIRY_WARNING_DAYS,
        };
      }),
    history: {
      deliveries: h?.deliveries ?? 0,
      confirmed: h?.confirmed ?? 0,
      averageResidentRating: h?.averageResidentRating ?? null,
      last30Days: h?.last30 ?? 0,
    },
  };
}

/** A provider with its qualifications (each marked valid or not today) and its service history. */
export async function providerDetail(db: Db, viewer: Viewer, id: number) {
  const p = await providerInScope(db, viewer, id);
  const [quals, history] = await Promise.all([qualificationsOf(db, [id]), historyOf(db, [id], new Date())]);
  return presentProviderWithFacts(p, quals, history, chinaToday());
}

export function presentProviderRecord(p: ProviderRecord) {
  return {
    id: p.id,
    name: p.name,
    kind: p.kind,
    status: p.status,
    serviceCategories: p.service_categories,
    areaPath: p.scope_path,
    capacityPerMonth: p.capacity_per_month,
    pricePerHour: p.price_per_hour === null ? null : Number(p.price_per_hour),
    rating: p.rating === null ? null : Number(p.rating),
    lng: p.lng,
    lat: p.lat,
    serviceRadiusM: p.service_radius_m,
    contactPhone: p.contact_phone,
  };
}

/** One page of the registry serving the viewer's area, each provider with its qualifications and history. */
export async function listProviders(db: Db, viewer: Viewer, query: ProviderQuery) {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  const { rows, total } = await searchProvidersServing(db, viewer.scopePath, {
    q: query.q?.trim() || undefined,
    category: query.category,
    limit: pageSize,
    offset: offsetOf({ page, pageSize }),
  });
  const ids = rows.map((p) => p.id);
  const [quals, history] = await Promise.all([qualificationsOf(db, ids), historyOf(db, ids, new Date())]);
  const today = chinaToday();
  return {
    items: rows.map((p) => presentProviderWithFacts(p, quals, history, today)),
    total,
    page,
    pageSize,
  };
}

/** Facts the scorer needs for each provider; `priceOf` gives the price of this work per provider. */
async function factsOf(
  db: Db,
  providers: ProviderRecord[],
  priceOf: (p: ProviderRecord) => number | null,
): Promise<ProviderFacts[]> {
  const ids = providers.map((p) => p.id);
  const [quals, history] = await Promise.all([qualificationsOf(db, ids), historyOf(db, ids, new Date())]);
  return providers.map((p) => {
    const h = history.get(p.id);
    return {
      id: p.id,
      name: p.name,
      status: p.status,
      categories: p.service_categories,
      lng: p.lng,
      lat: p.lat,
      serviceRadiusM: p.service_radius_m,
      capacityPerMonth: p.capacity_per_month,
      usedLast30Days: h?.last30 ?? 0,
      price: priceOf(p),
      rating: p.rating === null ? null : Number(p.rating),
      qualifications: quals
        .filter((q) => q.provider_id === p.id)
        .map((q) => ({
          kind: q.kind,
          number: q.number,
          categories: q.categories,
          validFrom: q.valid_from,
          validUntil: q.valid_until,
        })),
      history: {
        deliveries: h?.deliveries ?? 0,
        confirmed: h?.confirmed ?? 0,
        averageResidentRating: h?.averageResidentRating ?? null,
      },
    };
  });
}

async function weightsFor(db: Db, weightSet: string) {
  const weights = await findWeights(db, weightSet);
  if (!weights)
    throw new AppError('WEIGHT_SET_NOT_FOUND', [
      { field: 'weightSet', message: `没有权重方案 ${weightSet}` },
    ]);
  return weights;
}

export async function createProject(db: Db, request: FastifyRequest, viewer: Viewer, body: ProjectBody) {
  const area = areaWithin(viewer, body.areaPath);
  await weightsFor(db, body.weightSet ?? 'default');
  return db.transaction().execute(async (tx) => {
    const row = await insertProject(tx, {
      street_code: streetCodeOf(area),
      scope_path: area,
      title: body.title,
      category: body.category,
      description: body.description ?? '',
      budget: body.budget,
      required_capacity: body.requiredCapacity,
      lng: body.lng,
      lat: body.lat,
      weight_set: body.weightSet ?? 'default',
      created_by: viewer.accountId,
    });
    await auditRequest(tx, request, {
      action: 'procurement.create',
      entityType: 'procurement_project',
      entityIds: [row.id],
      details: { title: body.title },
    });
    return row as ProjectRecord;
  });
}

export async function projectInScope(db: Db, viewer: Viewer, id: number): Promise<ProjectRecord> {
  const [p] = await findProjects(db, viewer.scopePath, id);
  if (!p) throw new AppError('PROJECT_NOT_FOUND');
  return p;
}

export function presentProject(p: ProjectRecord) {
  return {
    id: p.id,
    title: p.title,
    category: p.category,
    description: p.description,
    budget: Number(p.budget),
    requiredCapacity: p.required_capacity,
    lng: p.lng,
    lat: p.lat,
    areaPath: p.scope_path,
    weightSet: p.weight_set,
    status: p.status,
    awardedProviderId: p.awarded_provider_id,
    createdAt: new Date(p.created_at).toISOString(),
  };
}

/** A project with its bids and the choices recorded for it (latest first). */
export async function projectDetail(db: Db, viewer: Viewer, id: number) {
  const project = await projectInScope(db, viewer, id);
  const [bids, choices] = await Promise.all([
    findBidsWithProviders(db, id),
    findChoices(db, 'project', String(id)),
  ]);
  return {
    ...presentProject(project),
    bids: bids.map((b) => ({
      id: b.id,
      providerId: b.provider_id,
      providerName: b.provider_name,
      price: Number(b.price),
      capacity: b.capacity,
      note: b.note,
      createdAt: new Date(b.submitted_at).toISOString(),
    })),
    choices: choices.map((c) => ({
      id: c.id,
      providerId: c.chosen_provider_id,
      providerName: c.chosen_name,
      topProviderId: c.top_provider_id,
      override: c.override,
      reason: c.reason,
      chosenAt: new Date(c.chosen_at).toISOString(),
    })),
  };
}

export async function placeBid(
  db: Db,
  request: FastifyRequest,
  viewer: Viewer,
  projectId: number,
  body: BidBody,
) {
  const project = await projectInScope(db, viewer, projectId);
  if (project.status !== 'open') throw new AppError('PROJECT_CLOSED');
  // The bidder must serve the project's area.
  const [provider] = await findProvidersServing(db, project.scope_path, [body.providerId]);
  if (!provider)
    throw new AppError('PROVIDER_NOT_FOUND', [
      { field: '/providerId', message: '该服务商不服务本项目所在区域' },
    ]);
  return db.transaction().execute(async (tx) => {
    const bid = await insertBid(tx, {
      project_id: projectId,
      provider_id: body.providerId,
      price: body.price,
      capacity: body.capacity,
      note: body.note ?? '',
    });
    if (!bid) throw new AppError('DUPLICATE', [{ field: '/providerId', message: '该服务商已投标' }]);
    await auditRequest(tx, request, {
      action: 'procurement.bid',
      entityType: 'procurement_project',
      entityIds: [projectId],
      details: { providerId: body.providerId, price: body.price },
    });
    return bid.id;
  });
}

export async function rankProject(db: Db, viewer: Viewer, projectId: number) {
  const project = await projectInScope(db, viewer, projectId);
  const bids = await findBids(db, projectId);
  const providers = await findProvidersServing(
    db,
    project.scope_path,
    bids.map((b) => b.provider_id),
  );
  const price = new Map(bids.map((b) => [b.provider_id, Number(b.price)]));
  const facts = await factsOf(db, providers, (p) => price.get(p.id) ?? null);
  const subject: MatchSubject = {
    category: project.category,
    lng: project.lng,
    lat: project.lat,
    requiredCapacity: project.required_capacity,
    on: chinaToday(),
    budget: Number(project.budget),
  };
  const weights = await weightsFor(db, project.weight_set);
  return { project, weights, ranking: scoreProviders(subject, facts, weights) };
}

export async function matchRequest(db: Db, viewer: Viewer, body: MatchBody) {
  const providers = await findProvidersServing(db, viewer.scopePath);
  const facts = await factsOf(db, providers, (p) =>
    p.price_per_hour === null ? null : Number(p.price_per_hour) * body.hours,
  );
  const weights = await weightsFor(db, body.weightSet ?? 'default');
  const subject: MatchSubject = {
    category: body.category,
    lng: body.lng,
    lat: body.lat,
    requiredCapacity: 1,
    on: chinaToday(),
  };
  return { weights, ranking: scoreProviders(subject, facts, weights) };
}

/**
 * Records the choice: the top-ranked eligible provider needs no reason; any other (an override) does. The
 * ranking as shown is stored with the choice and the audit entry names both providers.
 */
async function recordChoice(
  tx: Db,
  request: FastifyRequest,
  viewer: Viewer,
  subject: { kind: 'project' | 'request'; id: string; areaPath: string },
  ranking: RankedProvider[],
  providerId: number,
  reason: string | undefined,
) {
  const chosen = ranking.find((r) => r.providerId === providerId);
  if (!chosen)
    throw new AppError('PROVIDER_NOT_FOUND', [{ field: '/providerId', message: '该服务商不在候选名单中' }]);
  const top = ranking[0]?.eligible ? ranking[0] : undefined;
  const override = top?.providerId !== providerId;
  const why = reason?.trim() ?? '';
  if (override && why.length < 2) {
    throw new AppError('OVERRIDE_REASON_REQUIRED', [
      {
        field: '/reason',
        message: top
          ? `排名第一的是「${top.name}」，请说明改选理由`
          : '没有符合全部条件的服务商，请说明选择理由',
      },
    ]);
  }
  const reasonText = why.length >= 2 ? why : `综合得分第一（${chosen.score}）`;
  const row = await insertChoice(tx, {
    street_code: streetCodeOf(subject.areaPath),
    scope_path: subject.areaPath,
    subject_kind: subject.kind,
    subject_id: subject.id,
    chosen_provider_id: providerId,
    top_provider_id: top?.providerId ?? null,
    override,
    reason: reasonText,
    ranking: JSON.stringify(ranking),
    chosen_by: viewer.accountId,
  });
  await auditRequest(tx, request, {
    action: 'provider.choose',
    entityType: subject.kind === 'project' ? 'procurement_project' : 'request',
    entityIds: [subject.id],
    purpose: reasonText,
    details: {
      choiceId: row.id,
      chosenProviderId: providerId,
      chosenScore: chosen.score,
      chosenEligible: chosen.eligible,
      topProviderId: top?.providerId ?? null,
      topScore: top?.score ?? null,
      override,
    },
  });
  return {
    choiceId: row.id as number,
    providerId,
    override,
    reason: reasonText,
    topProviderId: top?.providerId ?? null,
  };
}

export async function awardProjectTo(
  db: Db,
  request: FastifyRequest,
  viewer: Viewer,
  projectId: number,
  body: ChooseBody,
) {
  const { project, ranking } = await rankProject(db, viewer, projectId);
  if (project.status !== 'open') throw new AppError('PROJECT_CLOSED');
  return db.transaction().execute(async (tx) => {
    const choice = await recordChoice(
      tx,
      request,
      viewer,
      { kind: 'project', id: String(projectId), areaPath: project.scope_path },
      ranking,
      body.providerId,
      body.reason,
    );
    const updated = await awardProject(tx, projectId, body.providerId);
    if (Number(updated.numUpdatedRows) !== 1) throw new AppError('PROJECT_CLOSED');
    return choice;
  });
}

export async function chooseForRequest(
  db: Db,
  request: FastifyRequest,
  viewer: Viewer,
  body: MatchBody & ChooseBody & { requestRef: string },
) {
  const { ranking } = await matchRequest(db, viewer, body);
  return db
    .transaction()
    .execute((tx) =>
      recordChoice(
        tx,
        request,
        viewer,
        { kind: 'request', id: body.requestRef, areaPath: viewer.scopePath },
        ranking,
        body.providerId,
        body.reason,
      ),
    );
}

// ---- service delivery records ----

export async function recordDelivery(db: Db, request: FastifyRequest, viewer: Viewer, body: DeliveryBody) {
  if (viewer.role === 'service_provider' && viewer.providerId !== body.providerId) {
    throw new AppError('FORBIDDEN', [{ field: '/providerId', message: '服务商只能登记本机构的服务记录' }]);
  }
  const person = await findPersonInScope(db, viewer.scopePath, body.personId);
  if (!person) throw new AppError('PERSON_NOT_FOUND');
  await providerInScope(db, viewer, body.providerId);
  if ((body.sourceKind === undefined) !== (body.sourceId === undefined)) {
    throw new AppError('VALIDATION_FAILED', [
      {
        field: '/sourceId',
        message: '来源类型和来源编号须同时填写或同时不填',
        messageEn: 'sourceKind and sourceId go together',
      },
    ]);
  }
  const started = new Date(body.startedAt);
  if (started.getTime() > Date.now() + 5 * 60_000) {
    throw new AppError('VALIDATION_FAILED', [
      { field: '/startedAt', message: '服务时间不能晚于现在', messageEn: 'startedAt is in the future' },
    ]);
  }
  return db.transaction().execute(async (tx) => {
    const row = await insertDelivery(tx, {
      street_code: person.street_code,
      grid_id: person.grid_id,
      scope_path: person.scope_path,
      provider_id: body.providerId,
      person_id: person.id,
      worker_name: body.workerName,
      category: body.category,
      description: body.description ?? '',
      started_at: started,
      minutes: body.minutes,
      cost: body.cost,
      source_kind: body.sourceKind ?? null,
      source_id: body.sourceId ?? null,
      recorded_by: viewer.accountId,
    });
    await auditRequest(tx, request, {
      action: 'delivery.create',
      entityType: 'person',
      entityIds: [person.id],
      details: {
        deliveryId: row.id,
        providerId: body.providerId,
        sourceKind: body.sourceKind ?? null,
        sourceId: body.sourceId ?? null,
      },
    });
    return row.id as number;
  });
}

/** The one place a delivery record leaves the server: the resident's name masked except for the resident. */
export function presentDelivery(
  d: Awaited<ReturnType<typeof findDeliveries>>['rows'][number],
  viewer: Viewer,
  mask: (name: string) => string,
) {
  const own = viewer.role === 'resident' && viewer.personId === d.person_id;
  return {
    id: d.id,
    providerId: d.provider_id,
    providerName: d.provider_name,
    workerName: d.worker_name,
    personId: d.person_id,
    residentName: own ? d.person_name : mask(d.person_name),
    category: d.category,
    description: d.description,
    startedAt: new Date(d.started_at).toISOString(),
    minutes: d.minutes,
    cost: Number(d.cost),
    source: d.source_kind === null ? null : { kind: d.source_kind, id: d.source_id! },
    confirmedAt: d.confirmed_at === null ? null : new Date(d.confirmed_at).toISOString(),
    residentRating: d.resident_rating,
  };
}

export async function listDeliveries(
  db: Db,
  request: FastifyRequest,
  viewer: Viewer,
  q: DeliveryQuery,
  mask: (name: string) => string,
) {
  const found = await findDeliveries(db, {
    scopePath: viewer.scopePath,
    providerId: viewer.role === 'service_provider' ? (viewer.providerId ?? -1) : q.providerId,
    personId: viewer.role === 'resident' ? (viewer.personId ?? -1) : q.personId,
    sourceKind: q.sourceKind,
    sourceId: q.sourceId,
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  });
  await auditRequest(db, request, {
    action: 'delivery.read',
    entityType: 'person',
    entityIds: [...new Set(found.rows.map((r) => r.person_id))],
    details: { ...q, total: found.total },
  });
  return {
    items: found.rows.map((r) => presentDelivery(r, viewer, mask)),
    total: found.total,
    page: q.page,
    pageSize: q.pageSize,
    totals: { deliveries: found.total, minutes: found.minutes, cost: found.cost },
  };
}

/** The resident (or a worker on their behalf, e.g. by phone) confirms a service and may rate it; providers may not. */
export async function confirmService(
  db: Db,
  request: FastifyRequest,
  viewer: Viewer,
  id: number,
  rating: number | undefined,
) {
  if (viewer.role === 'service_provider')
    throw new AppError('FORBIDDEN', [{ field: 'role', message: '服务商不能确认自己的服务' }]);
  const { rows } = await findDeliveries(db, {
    scopePath: viewer.scopePath,
    id,
    personId: viewer.role === 'resident' ? (viewer.personId ?? -1) : undefined,
    limit: 1,
    offset: 0,
  });
  const d = rows[0];
  if (!d) throw new AppError('DELIVERY_NOT_FOUND');
  if (d.confirmed_at !== null) throw new AppError('DELIVERY_ALREADY_CONFIRMED');
  await db.transaction().execute(async (tx) => {
    const r = await confirmDelivery(tx, id, rating ?? null, new Date());
    if (Number(r.numUpdatedRows) !== 1) throw new AppError('DELIVERY_ALREADY_CONFIRMED');
    await auditRequest(tx, request, {
      action: 'delivery.confirm',
      entityType: 'person',
      entityIds: [d.person_id],
      details: { deliveryId: id, rating: rating ?? null },
    });
  });
}
