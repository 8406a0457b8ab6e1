// The audit entry of an HTTP request: who (from the viewer), from where, under which request id. Routes add
// what was done, to which records, and why.
import type { FastifyRequest } from 'fastify';
import type { Viewer } from '../auth/viewer.ts';
import type { Db } from '../db/index.ts';
import { type AuditEntry, appendAudit } from './audit-log.ts';

export type RequestAuditEntry = Omit<
  AuditEntry,
  'requestId' | 'accountId' | 'username' | 'role' | 'scopePath' | 'ip'
>;

export function auditEntryFor(request: FastifyRequest, entry: RequestAuditEntry): AuditEntry {
  const v = request.viewer;
  return {
    ...entry,
    requestId: request.id,
    accountId: v?.accountId ?? null,
    username: v?.username ?? null,
    role: v?.role ?? null,
    scopePath: v?.scopePath ?? null,
    ip: request.ip,
  };
}

/** Appends the request's audit entry, inside `db` when it is the caller's transaction. */
export function auditRequest(db: Db, request: FastifyRequest, entry: RequestAuditEntry): Promise<void> {
  return appendAudit(db, auditEntryFor(request, entry));
}

/** The signed-in viewer of a request, and how to write that request's audit entries: what a service takes. */
export interface Actor {
  viewer: Viewer;
  audit(db: Db, entry: RequestAuditEntry): Promise<void>;
}

export function actorOf(request: FastifyRequest, viewer: Viewer): Actor {
  return { viewer, audit: (db, entry) => auditRequest(db, request, entry) };
}
