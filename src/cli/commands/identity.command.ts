// `cbrain identity resolve`: an identity run on the configured database — the person source records and the
// platform's persons linked (the engine in a worker thread, with a progress bar), uncertain pairs put in the
// review queue with earlier decisions kept, golden records written to `person` unless --no-apply. Prints the
// run as JSON. On plain CSV files the same engine runs as `cbrain link dedupe`.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { commandLineIdentityActor, createIdentityService } from '../../domains/identity/index.ts';
import { districtPath } from '../../domains/ingest/index.ts';
import { resolveScope } from '../../platform/auth/scope.ts';
import { AppError } from '../../platform/http/errors.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { progressBar } from '../progress.ts';
import { configFrom, type GlobalOptions, openRuntime } from '../runtime.ts';

interface ResolveOptions extends GlobalOptions {
  apply: boolean;
  settings?: string;
  scope?: string;
}

function readSettings(file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new CliError(`--settings ${file}: ${(error as Error).message}`, EXIT.USAGE);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new CliError(
      '--settings must be a JSON object such as {"thresholds": {"match": 0.97}}',
      EXIT.USAGE,
    );
  return parsed as Record<string, unknown>;
}

export function registerIdentityCommand(program: Command) {
  const identity = program
    .command('identity')
    .description('实体识别与黄金记录 Entity resolution and golden records');
  identity
    .command('resolve')
    .description(
      '运行实体识别 Link person source records and persons, fill the review queue, write golden records',
    )
    .option('--no-apply', '只链接，不写入居民表 link only; do not write golden records to person')
    .option('--settings <file>', '匹配参数 JSON laid over the defaults (docs/linkage.md)')
    .option('--scope <code>', '范围 division code or path (default: the district)')
    .action(async (_opts, cmd: Command) => {
      const o = cmd.optsWithGlobals<ResolveOptions>();
      const settings = o.settings ? readSettings(o.settings) : undefined;
      const runtime = await openRuntime(configFrom(o));
      const bar = progressBar('identity');
      try {
        const db = runtime.database.db;
        let scope = await districtPath(db);
        if (o.scope) {
          const resolved = await resolveScope(db, o.scope);
          if (!resolved) throw new CliError(`--scope ${o.scope}: no such division or grid`, EXIT.USAGE);
          scope = resolved.path;
        }
        const service = createIdentityService(runtime.database, runtime.cipher);
        const run = await service.start(
          commandLineIdentityActor(`cli:${process.env['USER'] ?? 'operator'}`, scope),
          {
            apply: o.apply,
            settings,
          },
        );
        const timer = setInterval(() => {
          void service
            .readRun({ scopePath: scope }, run.id)
            .then((r) => bar.update(r.pairsCompared, Math.max(r.pairsTotal, 1), r.stage));
        }, 500);
        await service.wait(run.id);
        clearInterval(timer);
        bar.stop();
        const done = await service.readRun({ scopePath: scope }, run.id);
        console.log(JSON.stringify({ ...done, model: undefined }, null, 2));
        if (done.status !== 'completed')
          throw new CliError(`identity run failed: ${done.error?.message}`, EXIT.FAILURE);
      } catch (error) {
        if (error instanceof AppError) {
          const detail = error.details?.map((d) => `${d.field}: ${d.messageEn ?? d.message}`).join('; ');
          throw new CliError(
            `${error.message}${detail ? ` (${detail})` : ''}`,
            error.status === 409 ? EXIT.FAILURE : EXIT.USAGE,
          );
        }
        throw error;
      } finally {
        bar.stop();
        await runtime.close();
      }
    });
}
