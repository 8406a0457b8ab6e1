// `cbrain identity resolve`: an identity run on the configured database — the person source records and the
// platform's persons linked (the engine in a worker thread, with a progress bar), uncertain pairs put in the
// review queue with earlier decisions kept, golden records written to `person` unless --no-apply. Prints the
// run as JSON. On plain CSV files the same engine runs as `cbrain link dedupe`.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import {
  commandLineIdentityActor,
  createIdentityService,
  ENTITY_TYPES,
  EntityImportError,
  importEntityRegister,
} from '../../domains/identity/index.ts';
import { districtPath } from '../../domains/ingest/index.ts';
import { resolveScope } from '../../platform/auth/scope.ts';
import type { IdentityEntityType, ResolvedEntityType } from '../../platform/db/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { progressBar } from '../progress.ts';
import { configFrom, type GlobalOptions, openRuntime } from '../runtime.ts';

interface ResolveOptions extends GlobalOptions {
  apply: boolean;
  entity: string;
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
    .option('--entity <type>', '识别对象 person | house | household | organization', 'person')
    .action(async (_opts, cmd: Command) => {
      const o = cmd.optsWithGlobals<ResolveOptions>();
      if (!(ENTITY_TYPES as readonly string[]).includes(o.entity))
        throw new CliError(`--entity ${o.entity}: one of ${ENTITY_TYPES.join(', ')}`, EXIT.USAGE);
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
          { apply: o.apply, settings, entityType: o.entity as IdentityEntityType },
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

  identity
    .command('import-register <file>')
    .description(
      '导入部门的房屋、户或组织登记表 Stage a register of houses, households or organisations for identity runs',
    )
    .requiredOption('--entity <type>', 'house | household | organization')
    .requiredOption('--source <name>', '来源 the register, e.g. housing, police, market_regulation')
    .requiredOption('--mapping <file>', 'JSON: field → column, with source_key')
    .action(async (file: string, _opts, cmd: Command) => {
      const o = cmd.optsWithGlobals<GlobalOptions & { entity: string; source: string; mapping: string }>();
      if (!['house', 'household', 'organization'].includes(o.entity))
        throw new CliError(`--entity ${o.entity}: one of house, household, organization`, EXIT.USAGE);
      const mapping = readSettings(o.mapping) as Record<string, string>;
      const runtime = await openRuntime(configFrom(o));
      try {
        const report = await importEntityRegister(runtime.database, runtime.cipher, {
          file,
          entityType: o.entity as ResolvedEntityType,
          source: o.source,
          mapping,
          scopePath: await districtPath(runtime.database.db),
        });
        console.log(JSON.stringify(report, null, 2));
      } catch (error) {
        if (error instanceof EntityImportError) throw new CliError(error.message, EXIT.USAGE);
        throw error;
      } finally {
        await runtime.close();
      }
    });
}
