// Login sessions: a random bearer token for the client, its SHA-256 in the database. A session ends when it is
// revoked, when its absolute lifetime passes, or after an idle period (等保 level 3: automatic logout).
import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/index.ts';
import type { AccountRow } from '../db/schema.ts';

export interface SessionPolicy {
  idleMinutes: number;
  maxHours: number;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function openSession(
  db: Db,
  accountId: number,
  policy: SessionPolicy,
  client: { ip?: string | null; userAgent?: string | null } = {},
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + policy.maxHours * 3600_000);
  await db
    .insertInto('login_session')
    .values({
      token_hash: tokenHash(token),
      account_id: accountId,
      expires_at: expiresAt,
      ip: client.ip ?? null,
      user_agent: client.userAgent?.slice(0, 300) ?? null,
    })
    .execute();
  return { token, expiresAt };
}

export type SessionCheck =
  | { ok: true; account: AccountRow }
  | { ok: false; problem: 'invalid' | 'expired' | 'disabled' };

/** Don't write last_seen_at on every request: once a minute is enough for the idle timeout. */
const TOUCH_INTERVAL_MS = 60_000;

export async function checkSession(
  db: Db,
  token: string,
  policy: SessionPolicy,
  now = new Date(),
): Promise<SessionCheck> {
  const hash = tokenHash(token);
  const session = await db
    .selectFrom('login_session')
    .selectAll()
    .where('token_hash', '=', hash)
    .executeTakeFirst();
  if (!session || session.revoked_at) return { ok: false, problem: 'invalid' };
  const idleLimit = new Date(session.last_seen_at.getTime() + policy.idleMinutes * 60_000);
  if (now > new Date(session.expires_at) || now > idleLimit) return { ok: false, problem: 'expired' };
  const account = await db
    .selectFrom('account')
    .selectAll()
    .where('id', '=', session.account_id)
    .executeTakeFirst();
  if (!account) return { ok: false, problem: 'invalid' };
  if (account.disabled) return { ok: false, problem: 'disabled' };
  if (now.getTime() - session.last_seen_at.getTime() > TOUCH_INTERVAL_MS) {
    await db.updateTable('login_session').set({ last_seen_at: now }).where('token_hash', '=', hash).execute();
  }
  return { ok: true, account };
}

export async function revokeSession(db: Db, token: string): Promise<void> {
  await db
    .updateTable('login_session')
    .set({ revoked_at: new Date() })
    .where('token_hash', '=', tokenHash(token))
    .where('revoked_at', 'is', null)
    .execute();
}

export async function revokeAllSessions(db: Db, accountId: number): Promise<void> {
  await db
    .updateTable('login_session')
    .set({ revoked_at: new Date() })
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .execute();
}
