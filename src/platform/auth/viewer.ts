// Who is asking: the signed-in account as every route and presenter sees it. Set by the auth plugin on each request.
import { likePrefix } from '../../lib/like-pattern.ts';
import type { Role } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { type Permission, roleCan } from './roles.ts';

export interface Viewer {
  accountId: number;
  username: string;
  displayName: string;
  role: Role;
  /** The account's subtree of the administrative tree, e.g. '/330106/330106001/'. */
  scopePath: string;
  /** For a resident: their own person record. */
  personId: number | null;
  /** For a service provider: their provider record. */
  providerId: number | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null;
  }
}

/**
 * The signed-in viewer of a request if its role has the permission: 401 if nobody is signed in (or the session
 * expired), 403 if the role lacks the permission.
 */
export function requirePermission(
  request: { viewer: Viewer | null; authProblem?: 'invalid' | 'expired' | 'disabled' | null },
  permission: Permission,
): Viewer {
  const viewer = request.viewer;
  if (!viewer) {
    if (request.authProblem === 'expired') throw new AppError('SESSION_EXPIRED');
    if (request.authProblem === 'disabled') throw new AppError('ACCOUNT_DISABLED');
    throw new AppError('UNAUTHENTICATED');
  }
  if (!roleCan(viewer.role, permission)) throw new AppError('FORBIDDEN');
  return viewer;
}

/** True when `path` lies inside the viewer's scope (paths end in '/', so a prefix test is exact). */
export function inScope(viewer: Viewer, path: string): boolean {
  return path.startsWith(viewer.scopePath);
}

/** A LIKE pattern for the viewer's subtree; paths hold only digits, letters and '/', but escape anyway. */
export function scopeLikePattern(scopePath: string): string {
  return likePrefix(scopePath);
}
