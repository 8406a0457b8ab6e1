import type { Command } from 'commander';
import { createAccount } from '../../platform/auth/accounts.service.ts';
import { ROLE_LABELS, ROLES, type Role } from '../../platform/auth/roles.ts';
import { AppError } from '../../platform/http/errors.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { configFrom, type GlobalOptions, openRuntime } from '../runtime.ts';

interface AddOptions extends GlobalOptions {
  username: string;
  password: string;
  role: string;
  scope: string;
  displayName?: string;
  personId?: string;
  providerId?: string;
}

function optionalId(raw: string | undefined, option: string): number | null {
  if (raw === undefined) return null;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new CliError(`${option} must be a positive integer`, EXIT.USAGE);
  return n;
}

export function registerUserCommand(program: Command) {
  const user = program.command('user').description('账号管理 Manage accounts');
  user
    .command('add')
    .description('新增账号 Add an account (argon2id password hash; the scope must exist)')
    .requiredOption('--username <name>', '3–64 letters, digits, . _ -')
    .requiredOption('--password <password>', 'at least 8 characters with letters and digits')
    .requiredOption('--role <role>', ROLES.join(' | '))
    .requiredOption(
      '--scope <scope>',
      'division code (6/9/12 digits), grid (<community code>/<local code>) or path',
    )
    .option('--display-name <name>', 'name shown in the console (default: the username)')
    .option('--person-id <id>', 'resident accounts: the person record')
    .option('--provider-id <id>', 'service-provider accounts: the provider record')
    .action(async (_opts, cmd: Command) => {
      const o = cmd.optsWithGlobals<AddOptions>();
      if (!ROLES.includes(o.role as Role)) {
        throw new CliError(`未知角色 unknown role "${o.role}"; roles: ${ROLES.join(', ')}`, EXIT.USAGE);
      }
      const runtime = await openRuntime(configFrom(o));
      try {
        const created = await createAccount(runtime.database.db, {
          username: o.username,
          password: o.password,
          displayName: o.displayName ?? o.username,
          role: o.role as Role,
          scopePath: o.scope,
          personId: optionalId(o.personId, '--person-id'),
          providerId: optionalId(o.providerId, '--provider-id'),
        });
        console.log(
          JSON.stringify({
            id: created.id,
            username: o.username,
            role: o.role,
            scopePath: created.scopePath,
          }),
        );
      } catch (error) {
        if (error instanceof AppError) {
          const details = (error.details ?? []).map((d) => `  ${d.field}: ${d.message}`).join('\n');
          const usage = error.code === 'VALIDATION_FAILED';
          throw new CliError(
            `${error.messageZh ?? error.message} (${error.code})${details ? `\n${details}` : ''}`,
            usage ? EXIT.USAGE : EXIT.FAILURE,
          );
        }
        throw error;
      } finally {
        await runtime.close();
      }
    });
  user
    .command('list')
    .description('列出账号 List accounts')
    .action(async (_opts, cmd: Command) => {
      const runtime = await openRuntime(configFrom(cmd.optsWithGlobals<GlobalOptions>()));
      try {
        const rows = await runtime.database.db
          .selectFrom('account')
          .select(['id', 'username', 'display_name', 'role', 'scope_path', 'disabled', 'locked_until'])
          .orderBy('id')
          .execute();
        for (const r of rows) {
          const state = r.disabled
            ? ' [停用 disabled]'
            : r.locked_until && new Date(r.locked_until) > new Date()
              ? ' [锁定 locked]'
              : '';
          console.log(`${r.id}\t${r.username}\t${ROLE_LABELS[r.role].zh}\t${r.scope_path}${state}`);
        }
      } finally {
        await runtime.close();
      }
    });
}
