// What every route file of the requests domain shares: the service, the category catalog, the calendar, the
// intake limits and how to write an audit entry for an HTTP request.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WorkCalendar } from '../../lib/calendar/working-time.ts';
import type { RequestAuditEntry } from '../../platform/audit/request-audit.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { Database } from '../../platform/db/index.ts';
import type { CategoryCatalog } from './category-catalog.ts';
import type { WorkOrderService } from './work-orders.service.ts';

export interface IntakeLimits {
  /** Portal and Open311 submissions per client (address or api_key) per minute. */
  perClientPerMinute: number;
  /** Submissions per phone number per hour. */
  perPhonePerHour: number;
}

export interface RequestsContext {
  database: Database;
  cipher: FieldCipher;
  catalog: CategoryCatalog;
  calendar: WorkCalendar;
  service: WorkOrderService;
  limits: IntakeLimits;
  audit(request: FastifyRequest, entry: RequestAuditEntry): Promise<void>;
  /** Set by the intake routes: 429 with Retry-After when a client or phone submits too often (kept in the database). */
  throttle(reply: FastifyReply, clientKey: string, phone: string | null | undefined): Promise<void>;
}
