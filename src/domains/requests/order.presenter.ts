// The one place a work order leaves the server. Staff see the problem and its place in full (they must find it)
// but the requesters only masked: name as 张*明, phone as 138****5678, anonymous requesters not at all. The public
// view (lookup by number without an account) carries no personal data whatsoever: status, category, unit and
// the public steps with their times.
import { maskName } from '../../lib/masking.ts';
import type { CategoryCatalog } from './category-catalog.ts';
import type { OrderRow } from './work-orders.repository.ts';
import {
  ACTION_LABELS,
  type ActionName,
  type OrderStatus,
  open311Status,
  STATUS_LABELS,
} from './workflow.ts';

type Time = Date | string | null;
const iso = (d: Time) => (d ? new Date(d).toISOString() : null);

export interface RequesterRecord {
  id: number;
  anonymous: boolean;
  name: string | null;
  phone_masked: string | null;
  channel: string;
  joined_at: Date | string;
}

export interface EventRecord {
  id: number;
  action: string;
  from_status: string | null;
  to_status: string;
  actor_name: string;
  unit_code: string | null;
  occurred_at: Date | string;
  note: string | null;
  public: boolean;
}

export interface AttachmentRecord {
  id: number;
  file_name: string;
  content_type: string;
  byte_size: number;
  created_at: Date | string;
}

function actionLabel(action: string) {
  if (action === 'join') return { zh: '同一事件诉求并入', en: 'Duplicate request joined' };
  return ACTION_LABELS[action as ActionName] ?? { zh: action, en: action };
}

export function presentOrderSummary(row: OrderRow, catalog: CategoryCatalog, units: Map<string, string>) {
  const status = row.status as OrderStatus;
  const category = row.category_code ? catalog.find(row.category_code) : null;
  return {
    id: row.id,
    number: row.number,
    channel: row.channel,
    status,
    statusLabel: STATUS_LABELS[status].zh,
    categoryCode: row.category_code,
    categoryName: category?.nameZh ?? null,
    description: row.description,
    address: row.address,
    lng: row.lng,
    lat: row.lat,
    gridId: row.grid_id,
    leadUnitCode: row.lead_unit_code,
    leadUnitName: row.lead_unit_code ? (units.get(row.lead_unit_code) ?? row.lead_unit_code) : null,
    coUnits: row.co_unit_codes.map((c) => ({ code: c, name: units.get(c) ?? c })),
    receivedAt: iso(row.received_at)!,
    dispatchedAt: iso(row.dispatched_at),
    acceptedAt: iso(row.accepted_at),
    resolvedAt: iso(row.resolved_at),
    closedAt: iso(row.closed_at),
    responseDue: iso(row.response_due),
    resolveDue: iso(row.resolve_due),
    supervised: row.supervised,
    escalationLevel: row.escalation_level,
    reopenCount: row.reopen_count,
    returnCount: row.return_count,
    requesterCount: row.requester_count,
    solved: row.solved,
    satisfaction: row.satisfaction,
    mergedInto: row.merged_into,
  };
}

export function presentOrderDetail(
  row: OrderRow,
  ctx: {
    catalog: CategoryCatalog;
    units: Map<string, string>;
    requesters: RequesterRecord[];
    events: EventRecord[];
    attachments: AttachmentRecord[];
    actions: string[];
  },
) {
  return {
    ...presentOrderSummary(row, ctx.catalog, ctx.units),
    eventCode: row.event_code,
    resolutionNote: row.resolution_note,
    ratingReason: row.rating_reason,
    requesters: ctx.requesters.map((r) => ({
      id: Number(r.id),
      anonymous: r.anonymous,
      name: r.anonymous || !r.name ? null : maskName(r.name),
      phone: r.anonymous ? null : r.phone_masked,
      channel: r.channel,
      joinedAt: iso(r.joined_at)!,
    })),
    events: ctx.events.map((e) => ({
      id: Number(e.id),
      action: e.action,
      actionLabel: actionLabel(e.action).zh,
      fromStatus: e.from_status,
      toStatus: e.to_status,
      actor: e.actor_name,
      unitCode: e.unit_code,
      unitName: e.unit_code ? (ctx.units.get(e.unit_code) ?? e.unit_code) : null,
      at: iso(e.occurred_at)!,
      note: e.note,
      public: e.public,
    })),
    attachments: ctx.attachments.map((a) => ({
      id: Number(a.id),
      fileName: a.file_name,
      contentType: a.content_type,
      byteSize: a.byte_size,
      createdAt: iso(a.created_at)!,
    })),
    availableActions: ctx.actions,
  };
}

const HANDLER_ACTIONS = new Set(['accept', 'start', 'resolve']);

/**
 * The person of the lead unit who took the order in hand (the last to accept, start or resolve it), so the resident
 * sees who is responsible, not only which unit; masked like any name (王*明), since the page needs no login.
 */
function publicHandler(row: OrderRow, events: EventRecord[]): string | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (!HANDLER_ACTIONS.has(e.action) || e.unit_code !== row.lead_unit_code) continue;
    if (e.actor_name === '系统' || e.actor_name === '诉求人') continue;
    return maskName(e.actor_name);
  }
  return null;
}

/** What anyone with the number may see: no description, no place, no notes; the handler's name masked. */
export function presentPublicOrder(
  row: OrderRow,
  catalog: CategoryCatalog,
  units: Map<string, string>,
  events: EventRecord[],
) {
  const status = row.status as OrderStatus;
  const category = row.category_code ? catalog.find(row.category_code) : null;
  return {
    number: row.number,
    status,
    statusLabel: STATUS_LABELS[status].zh,
    statusLabelEn: STATUS_LABELS[status].en,
    open311Status: open311Status(status),
    categoryName: category?.nameZh ?? null,
    responsibleUnit: row.lead_unit_code ? (units.get(row.lead_unit_code) ?? null) : null,
    receivedAt: iso(row.received_at)!,
    resolveDue: iso(row.resolve_due),
    resolvedAt: iso(row.resolved_at),
    closedAt: iso(row.closed_at),
    satisfaction: row.satisfaction,
    handler: publicHandler(row, events),
    steps: events
      .filter((e) => e.public)
      .map((e) => ({
        action: e.action,
        label: actionLabel(e.action).zh,
        labelEn: actionLabel(e.action).en,
        status: e.to_status,
        unit: e.unit_code ? (units.get(e.unit_code) ?? null) : null,
        at: iso(e.occurred_at)!,
      })),
  };
}
