// `cbrain import FILE --source NAME [--mapping MAPPING.json]`: imports a department export into the person source
// records, with a progress bar and a JSON report (read = accepted + quarantined). A killed import is continued by
// running the same command again.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import {
  commandLineActor,
  DEFAULT_BATCH_SIZE,
  districtPath,
  IngestFileError,
  runImport,
} from '../../domains/ingest/index.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { progressBar } from '../progress.ts';
import { commandLineUsername, configFrom, type GlobalOptions, openRuntime } from '../runtime.ts';

interface ImportCommandOptions extends GlobalOptions {
  source: string;
  mapping?: string;
  encoding?: string;
  format?: 'csv' | 'xlsx' | 'jsonl';
  batchSize: string;
  saveMapping?: boolean;
}

function readMapping(file: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new CliError(`--mapping ${file}: ${(error as Error).message}`, EXIT.USAGE);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new CliError(
      '--mapping must be a JSON object {"name": "姓名", "id_number": "身份证号", …}',
      EXIT.USAGE,
    );
  return parsed as Record<string, string>;
}

export function registerImportCommand(program: Command) {
  program
    .command('import')
    .description(
      '导入部门数据 Import a department export (CSV UTF-8/GBK, XLSX, JSON Lines) as person source records',
    )
    .argument('<file>', '文件 file')
    .requiredOption('--source <name>', '数据来源 source name, e.g. police, civil_affairs')
    .option(
      '--mapping <file>',
      '字段对应 JSON: {"name": "姓名", "id_number": "身份证号", …}; default: saved or suggested',
    )
    .option('--encoding <enc>', '编码 utf-8 | gbk (default: detected)')
    .option('--format <format>', 'csv | xlsx | jsonl (default: detected)')
    .option('--batch-size <n>', '每批行数 rows per transaction', String(DEFAULT_BATCH_SIZE))
    .option('--save-mapping', '保存字段对应供下次使用 save the mapping for the source')
    .action(async (file: string, _opts, cmd: Command) => {
      const o = cmd.optsWithGlobals<ImportCommandOptions>();
      if (!/^[a-z0-9_-]{1,64}$/.test(o.source))
        throw new CliError('--source must be 1–64 of a-z, 0-9, _ and -', EXIT.USAGE);
      const batchSize = Number(o.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)
        throw new CliError('--batch-size must be an integer from 1 to 100000', EXIT.USAGE);
      const mapping = o.mapping ? readMapping(o.mapping) : undefined;
      const runtime = await openRuntime(configFrom(o));
      const bar = progressBar(`import ${o.source}`);
      try {
        const scope = await districtPath(runtime.database.db);
        const report = await runImport(runtime.database, runtime.cipher, {
          file,
          fileName: path.basename(file),
          source: o.source,
          mapping,
          encoding: o.encoding,
          format: o.format,
          batchSize,
          saveMapping: o.saveMapping ?? false,
          actor: commandLineActor(commandLineUsername(), scope),
          onProgress: (bytes, total, rows) => bar.update(bytes, total, `${rows} rows`),
        });
        bar.stop();
        console.log(
          JSON.stringify(
            {
              ...report,
              seconds: Number(report.seconds.toFixed(2)),
              rowsPerSecond: Math.round(report.rowsRead / Math.max(report.seconds, 1e-6)),
            },
            null,
            2,
          ),
        );
      } catch (error) {
        if (error instanceof IngestFileError)
          throw new CliError(`${file}: ${error.messageZh} (${error.message})`, EXIT.FAILURE);
        throw error;
      } finally {
        bar.stop();
        await runtime.close();
      }
    });
}

/** `cbrain demo-exports --out DIR`: the demo district as department exports, with ground truth. */
export function registerDemoExportsCommand(program: Command) {
  program
    .command('demo-exports')
    .description(
      '生成演示区的部门导出文件 Write the demo district as department exports (CSV UTF-8/GBK, XLSX) with ground truth',
    )
    .requiredOption('--out <dir>', '输出目录 output directory')
    .option('--size <size>', 'small | medium | large', 'small')
    .option('--seed <n>', '随机种子 seed', '20261123')
    .action(async (opts: { out: string; size: string; seed: string }) => {
      if (!['small', 'medium', 'large'].includes(opts.size))
        throw new CliError('--size must be small, medium or large', EXIT.USAGE);
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed) || seed < 0)
        throw new CliError('--seed must be a non-negative integer', EXIT.USAGE);
      const { generateDepartmentExports } = await import('../../domains/demo/department-exports.ts');
      const summary = await generateDepartmentExports({ size: opts.size as 'small', seed, outDir: opts.out });
      console.log(JSON.stringify(summary, null, 2));
    });
}
