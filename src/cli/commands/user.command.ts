// `cbrain user add | list`: accounts from the command line, e.g. the first district administrator of a new install.
import type { Command } from 'commander';
import { presentAccount } from '../../platform/auth/account.presenter.ts';
import { accountInputProblems, createAccount } from '../../platform/auth/accounts.service.ts';
import { ROLE_LABELS, ROLES, type Role } from '../../platform/auth/roles.ts';
import { scopeName } from '../../platform/auth/scope.ts';
import { AppError, errors, type FieldProblem } from '../../platform/http/errors.ts';
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

/** A failed look-up (a taken username, a scope that does not exist) exits 1, bad options exit 2. */
function cliErrorOf(error: AppError): CliError {
  const { zh, en } = errors[error.code];
  return problemsError(
    `${error.messageZh ?? zh} ${en} (${error.code})`,
    error.details ?? [],
    error.code === 'VALIDATION_FAILED' ? EXIT.USAGE : EXIT.FAILURE,
  );
}

function problemsError(headline: string, problems: FieldProblem[], exitCode: number): CliError {
  const lines = problems.map((p) => `  ${p.field}: ${p.message}${p.messageEn ? ` — ${p.messageEn}` : ''}`);
  return new CliError([headline, ...lines].join('\n'), exitCode);
}

function optionalId(raw: string | undefined, field: string, problems: FieldProblem[]): number | null {
  if (raw === undefined) return null;
  const n = Number(raw);
  if (Number.isInteger(n) && n > 0) return n;
  problems.push({ field, message: '须为正整数', messageEn: 'must be a positive integer' });
  return null;
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
      // Every problem with the options at once, before the database is opened.
      const problems = accountInputProblems({
        username: o.username,
        password: o.password,
        role: o.role as Role,
      });
      const personId = optionalId(o.personId, '--person-id', problems);
      const providerId = optionalId(o.providerId, '--provider-id', problems);
      if (problems.length > 0) throw problemsError('选项不正确 Invalid options', problems, EXIT.USAGE);
      const runtime = await openRuntime(configFrom(o));
      try {
        const db = runtime.database.db;
        const created = await createAccount(db, {
          username: o.username,
          password: o.password,
          displayName: o.displayName ?? o.username,
          role: o.role as Role,
          scopePath: o.scope,
          personId,
          providerId,
        });
        const row = await db
          .selectFrom('account')
          .selectAll()
          .where('id', '=', created.id)
          .executeTakeFirstOrThrow();
        console.log(JSON.stringify(presentAccount(row, await scopeName(db, row.scope_path))));
      } catch (error) {
        if (error instanceof AppError) throw cliErrorOf(error);
        throw error;
      } finally {
        await runtime.close();
      }
    });
  user
    .command('list')
    .description('列出账号 List accounts: id, username, role, scope path, display name, state')
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
          console.log(
            `${r.id}\t${r.username}\t${ROLE_LABELS[r.role].zh}\t${r.scope_path}\t${r.display_name}${state}`,
          );
        }
      } finally {
        await runtime.close();
      }
    });
}
