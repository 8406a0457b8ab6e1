// Accounts: creating them (the CLI `cbrain user add`, the demo loader, test fixtures) and the district
// administrator's management of them — always inside the administrator's own scope, always audited, and the
// audit never holds a password.
import { sql, type Updateable } from 'kysely';
import { likeContains } from '../../lib/like-pattern.ts';
import type { RequestAuditEntry } from '../audit/request-audit.ts';
import type { AccountRow, AccountTable, Db, Role } from '../db/index.ts';
import { AppError, type FieldProblem } from '../http/errors.ts';
import { offsetOf, type Page } from '../http/pagination.ts';
import { type AccountView, presentAccount } from './account.presenter.ts';
import { hashPassword, passwordProblems } from './passwords.ts';
import { ROLES } from './roles.ts';
import { type ResolvedScope, resolveScope, scopeName } from './scope.ts';
import { revokeAllSessions } from './sessions.ts';
import { inScope, scopeLikePattern, type Viewer } from './viewer.ts';

export interface NewAccountInput {
  username: string;
  password: string;
  displayName: string;
  role: Role;
  /** A path, a division code or a grid ('<community code>/<local code>'). */
  scopePath: string;
  personId?: number | null;
  providerId?: number | null;
}

/** Writes the audit entry of the request that asked for a change, inside the change's transaction. */
export type AuditWriter = (db: Db, entry: RequestAuditEntry) => Promise<void>;

const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,64}$/;

function scopeMissing(spec: string, field = 'scope'): AppError {
  return new AppError('SCOPE_INVALID', [
    { field, message: `管辖范围 ${spec} 不存在`, messageEn: `No division or grid "${spec}"` },
  ]);
}

/**
 * What a role needs linked: a resident account its own person record (inside the account's scope), a service
 * provider account its provider. The same answer for a missing record and one outside the scope, so that an
 * administrator cannot probe for records elsewhere.
 */
async function linkProblems(
  db: Db,
  role: Role,
  scopePath: string,
  personId: number | null,
  providerId: number | null,
): Promise<FieldProblem[]> {
  const problems: FieldProblem[] = [];
  if (role === 'resident') {
    const person = personId
      ? await db.selectFrom('person').select('scope_path').where('id', '=', personId).executeTakeFirst()
      : undefined;
    if (!personId) {
      problems.push({
        field: 'personId',
        message: '居民账号须关联居民档案',
        messageEn: 'A resident account needs its person record',
      });
    } else if (!person?.scope_path.startsWith(scopePath)) {
      problems.push({
        field: 'personId',
        message: `该管辖范围内没有居民档案 ${personId}`,
        messageEn: `No person record ${personId} inside the scope`,
      });
    }
  }
  if (role === 'service_provider') {
    const provider = providerId
      ? await db.selectFrom('service_provider').select('id').where('id', '=', providerId).executeTakeFirst()
      : undefined;
    if (!providerId) {
      problems.push({
        field: 'providerId',
        message: '服务商账号须关联服务商',
        messageEn: 'A service-provider account needs its provider',
      });
    } else if (!provider) {
      problems.push({
        field: 'providerId',
        message: `服务商 ${providerId} 不存在`,
        messageEn: `No provider ${providerId}`,
      });
    }
  }
  return problems;
}

/** What is wrong with a new account's name, password and role, before any database look-up. */
export function accountInputProblems(input: Pick<NewAccountInput, 'username' | 'password' | 'role'>) {
  const problems: FieldProblem[] = [];
  if (!USERNAME_PATTERN.test(input.username)) {
    problems.push({
      field: 'username',
      message: '用户名须为 3–64 位字母、数字、点、下划线或连字符',
      messageEn: 'A username has 3–64 letters, digits, dots, underscores or hyphens',
    });
  }
  for (const p of passwordProblems(input.password, input.username))
    problems.push({ field: 'password', ...p });
  if (!ROLES.includes(input.role)) {
    problems.push({
      field: 'role',
      message: `未知角色 ${input.role}`,
      messageEn: `Unknown role "${input.role}"; roles: ${ROLES.join(', ')}`,
    });
  }
  return problems;
}

export async function createAccount(
  db: Db,
  input: NewAccountInput,
): Promise<{ id: number; scopePath: string }> {
  const problems = accountInputProblems(input);
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', problems);

  const scope = await resolveScope(db, input.scopePath);
  if (!scope) throw scopeMissing(input.scopePath);
  const personId = input.personId ?? null;
  const providerId = input.providerId ?? null;
  const links = await linkProblems(db, input.role, scope.path, personId, providerId);
  if (links.length > 0) throw new AppError('VALIDATION_FAILED', links);
  // 'Admin' beside 'admin' would let one pass for the other in the audit trail.
  const taken = await db
    .selectFrom('account')
    .select('id')
    .where(sql<string>`lower(username)`, '=', input.username.toLowerCase())
    .executeTakeFirst();
  if (taken) throw new AppError('USERNAME_TAKEN');

  const passwordHash = await hashPassword(input.password);
  const row = await db
    .insertInto('account')
    .values({
      username: input.username,
      display_name: input.displayName,
      password_hash: passwordHash,
      role: input.role,
      scope_path: scope.path,
      person_id: personId,
      provider_id: providerId,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
    .catch((error: { code?: string }) => {
      // Two requests for one new name at once: the unique constraint decides, and the loser hears why.
      throw error.code === '23505' ? new AppError('USERNAME_TAKEN') : error;
    });
  return { id: row.id, scopePath: scope.path };
}

async function presentAll(db: Db, rows: AccountRow[]): Promise<AccountView[]> {
  const names = new Map<string, string>();
  for (const path of new Set(rows.map((r) => r.scope_path))) names.set(path, await scopeName(db, path));
  return rows.map((r) => presentAccount(r, names.get(r.scope_path) ?? r.scope_path));
}

/** A scope named by code or path that exists and lies inside the administrator's own scope. */
async function scopeInside(db: Db, admin: Viewer, spec: string): Promise<ResolvedScope> {
  const scope = await resolveScope(db, spec);
  if (!scope) throw scopeMissing(spec);
  if (!inScope(admin, scope.path)) throw new AppError('OUT_OF_SCOPE');
  return scope;
}

export interface AccountListQuery {
  /** Part of the username or display name. */
  q?: string | undefined;
  role?: Role | undefined;
  page: number;
  pageSize: number;
}

/** The accounts whose scope lies inside the administrator's, in creation order. */
export async function listAccounts(
  db: Db,
  admin: Viewer,
  query: AccountListQuery,
): Promise<Page<AccountView>> {
  let base = db.selectFrom('account').where('scope_path', 'like', scopeLikePattern(admin.scopePath));
  if (query.role) base = base.where('role', '=', query.role);
  if (query.q) {
    const like = likeContains(query.q);
    base = base.where((eb) => eb.or([eb('username', 'ilike', like), eb('display_name', 'ilike', like)]));
  }
  const [rows, count] = await Promise.all([
    base.selectAll().orderBy('id').limit(query.pageSize).offset(offsetOf(query)).execute(),
    base.select(sql<string>`count(*)`.as('n')).executeTakeFirstOrThrow(),
  ]);
  return {
    items: await presentAll(db, rows),
    total: Number(count.n),
    page: query.page,
    pageSize: query.pageSize,
  };
}

export interface AccountCreateRequest {
  username: string;
  password: string;
  displayName: string;
  role: Role;
  /** Division code, grid or path; must lie inside the administrator's scope. */
  scope: string;
  personId?: number | undefined;
  providerId?: number | undefined;
}

/** Creates an account inside the administrator's scope and audits it as 'account.create'. */
export async function addAccount(
  db: Db,
  admin: Viewer,
  audit: AuditWriter,
  request: AccountCreateRequest,
): Promise<AccountView> {
  const scope = await scopeInside(db, admin, request.scope);
  const row = await db.transaction().execute(async (trx) => {
    const created = await createAccount(trx, {
      username: request.username,
      password: request.password,
      displayName: request.displayName,
      role: request.role,
      scopePath: scope.path,
      personId: request.personId ?? null,
      providerId: request.providerId ?? null,
    });
    await audit(trx, {
      action: 'account.create',
      entityType: 'account',
      entityIds: [created.id],
      details: { username: request.username, role: request.role, scopePath: scope.path },
    });
    return trx.selectFrom('account').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
  });
  return presentAccount(row, scope.name);
}

export interface AccountChangeRequest {
  displayName?: string | undefined;
  disabled?: boolean | undefined;
  unlock?: true | undefined;
  password?: string | undefined;
  role?: Role | undefined;
  scope?: string | undefined;
}

/**
 * Changes an account inside the administrator's scope (404 outside it, so accounts elsewhere stay invisible).
 * Disabling, a new password, a new role or a new scope end the account's open sessions. The audit entry names
 * each changed field with its old and new value; a password only as "reset".
 */
export async function changeAccount(
  db: Db,
  admin: Viewer,
  audit: AuditWriter,
  id: number,
  change: AccountChangeRequest,
): Promise<AccountView> {
  const account = await db.selectFrom('account').selectAll().where('id', '=', id).executeTakeFirst();
  if (!account || !inScope(admin, account.scope_path)) throw new AppError('ACCOUNT_NOT_FOUND');
  const role = change.role ?? account.role;
  const scope = change.scope === undefined ? undefined : await scopeInside(db, admin, change.scope);
  // Disabling oneself, or narrowing one's own rights, would lock the district out of account management.
  if (
    id === admin.accountId &&
    (change.disabled === true || role !== account.role || (scope && scope.path !== account.scope_path))
  ) {
    throw new AppError('FORBIDDEN', [
      {
        field: 'id',
        message: '不能停用自己，也不能更改自己的角色或管辖范围',
        messageEn: 'You cannot disable yourself or change your own role or scope',
      },
    ]);
  }
  const problems: FieldProblem[] = [];
  if (change.password !== undefined) {
    for (const p of passwordProblems(change.password, account.username))
      problems.push({ field: 'password', ...p });
  }
  if (change.role !== undefined || scope) {
    const scopePath = scope?.path ?? account.scope_path;
    problems.push(...(await linkProblems(db, role, scopePath, account.person_id, account.provider_id)));
  }
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', problems);

  const set: Updateable<AccountTable> = { updated_at: new Date() };
  const changes: Record<string, unknown> = {};
  const record = (field: string, from: unknown, to: unknown) => {
    if (from !== to) changes[field] = { from, to };
  };
  if (change.displayName !== undefined) {
    set.display_name = change.displayName;
    record('displayName', account.display_name, change.displayName);
  }
  if (change.disabled !== undefined) {
    set.disabled = change.disabled;
    record('disabled', account.disabled, change.disabled);
  }
  if (change.unlock) {
    set.locked_until = null;
    set.failed_logins = 0;
    changes['unlock'] = true;
  }
  if (change.password !== undefined) {
    set.password_hash = await hashPassword(change.password);
    changes['password'] = 'reset';
  }
  if (change.role !== undefined) {
    set.role = change.role;
    record('role', account.role, change.role);
  }
  if (scope) {
    set.scope_path = scope.path;
    record('scopePath', account.scope_path, scope.path);
  }
  const endsSessions =
    change.disabled === true || 'password' in changes || 'role' in changes || 'scopePath' in changes;
  const updated = await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('account')
      .set(set)
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (endsSessions) await revokeAllSessions(trx, id);
    await audit(trx, {
      action: 'account.update',
      entityType: 'account',
      entityIds: [id],
      details: { username: account.username, changed: Object.keys(changes), changes },
    });
    return row;
  });
  return presentAccount(updated, scope?.name ?? (await scopeName(db, updated.scope_path)));
}
