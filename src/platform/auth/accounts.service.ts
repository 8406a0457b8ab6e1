// Creating and looking up accounts: used by the CLI (`cbrain user add`), the demo loader and the accounts API.
import type { Db } from '../db/index.ts';
import type { Role } from '../db/schema.ts';
import { AppError, type FieldProblem } from '../http/errors.ts';
import { hashPassword, passwordProblems } from './passwords.ts';
import { ROLES } from './roles.ts';
import { resolveScope } from './scope.ts';

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

export async function createAccount(
  db: Db,
  input: NewAccountInput,
): Promise<{ id: number; scopePath: string }> {
  const problems: FieldProblem[] = [];
  if (!/^[A-Za-z0-9_.-]{3,64}$/.test(input.username)) {
    problems.push({ field: 'username', message: '用户名须为 3–64 位字母、数字、点、下划线或连字符' });
  }
  for (const message of passwordProblems(input.password, input.username))
    problems.push({ field: 'password', message });
  if (!ROLES.includes(input.role)) problems.push({ field: 'role', message: `未知角色 ${input.role}` });
  if (input.role === 'resident' && !input.personId) {
    problems.push({ field: 'personId', message: '居民账号须关联居民档案' });
  }
  if (input.role === 'service_provider' && !input.providerId) {
    problems.push({ field: 'providerId', message: '服务商账号须关联服务商' });
  }
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', problems);

  const scope = await resolveScope(db, input.scopePath);
  if (!scope)
    throw new AppError('SCOPE_INVALID', [{ field: 'scope', message: `管辖范围 ${input.scopePath} 不存在` }]);
  if (input.personId) {
    const person = await db
      .selectFrom('person')
      .select('scope_path')
      .where('id', '=', input.personId)
      .executeTakeFirst();
    if (!person) throw new AppError('PERSON_NOT_FOUND');
    if (!person.scope_path.startsWith(scope.path)) {
      throw new AppError('SCOPE_INVALID', [{ field: 'personId', message: '居民不在该管辖范围内' }]);
    }
  }
  const taken = await db
    .selectFrom('account')
    .select('id')
    .where('username', '=', input.username)
    .executeTakeFirst();
  if (taken) throw new AppError('USERNAME_TAKEN');

  const row = await db
    .insertInto('account')
    .values({
      username: input.username,
      display_name: input.displayName,
      password_hash: await hashPassword(input.password),
      role: input.role,
      scope_path: scope.path,
      person_id: input.personId ?? null,
      provider_id: input.providerId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, scopePath: scope.path };
}
