// `cbrain audit verify`: recomputes the audit trail's SM3 hash chain (exit 0 intact, 3 broken).
import type { Command } from 'commander';
import { verifyAuditChain } from '../../platform/audit/audit-log.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { progressBar } from '../progress.ts';
import { configFrom, type GlobalOptions, openRuntime } from '../runtime.ts';

export function registerAuditCommand(program: Command) {
  const audit = program.command('audit').description('审计日志 Audit trail');
  audit
    .command('verify')
    .description(
      '校验审计日志哈希链 Recompute the SM3 hash chain; exit 3 at the first altered, inserted or deleted entry',
    )
    .action(async (_opts, cmd: Command) => {
      const runtime = await openRuntime(configFrom(cmd.optsWithGlobals<GlobalOptions>()));
      const bar = progressBar('verify');
      try {
        const result = await verifyAuditChain(runtime.database.db, (done, total) => bar.update(done, total));
        bar.stop();
        if (!result.ok) {
          const p = result.firstProblem!;
          // Name the entry as the trail now shows it, so the auditor can find it in the console.
          const row = await runtime.database.db
            .selectFrom('audit_log')
            .select(['occurred_at', 'action', 'username'])
            .where('seq', '=', p.seq)
            .executeTakeFirst();
          const shown = row
            ? `; it reads: ${new Date(row.occurred_at).toISOString()} ${row.action} by ${row.username ?? '-'}`
            : '';
          throw new CliError(
            `审计链校验失败 audit chain broken at entry ${p.seq} (${p.kind}): ${p.message}${shown}; ` +
              `${result.checked} entries before it are intact`,
            EXIT.VERIFY_FAILED,
          );
        }
        console.log(`审计链完整 audit chain intact: ${result.checked} entries`);
      } finally {
        bar.stop();
        await runtime.close();
      }
    });
}
