// Who runs an import and how it is audited: an HTTP request's viewer, or the command line (an operator at the
// server, with the whole district as scope). Either way every run lands in the audit trail.
import type { FastifyRequest } from 'fastify';
import { appendAudit } from '../../platform/audit/audit-log.ts';
import { auditRequest } from '../../platform/audit/request-audit.ts';
import type { Viewer } from '../../platform/auth/viewer.ts';
import type { Db } from '../../platform/db/index.ts';
import type { ImportActor } from './import-runner.ts';

export function commandLineActor(username: string, scopePath: string): ImportActor {
  return {
    username,
    scopePath,
    audit: (db, entry) => appendAudit(db, { ...entry, username, role: 'cli', scopePath }),
  };
}

export function requestActor(request: FastifyRequest, viewer: Viewer): ImportActor {
  return {
    username: viewer.username,
    scopePath: viewer.scopePath,
    audit: (db, entry) => auditRequest(db, request, entry),
  };
}

/** The district's path (the CLI's scope); '/' before any district exists. */
export async function districtPath(db: Db): Promise<string> {
  const d = await db
    .selectFrom('admin_division')
    .select('path')
    .where('level', '=', 3)
    .orderBy('code')
    .executeTakeFirst();
  return d?.path ?? '/';
}
