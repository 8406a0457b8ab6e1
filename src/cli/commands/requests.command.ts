// `cbrain requests import FILE`: a 12345 hotline export (CSV UTF-8/GBK, XLSX) becomes work orders through the
// normal intake path; prints the report as JSON (read = accepted + rejected, each rejected row with its code and
// reason) and exits 1 when a row was rejected. Running it again on the same file adds nothing.
import path from 'node:path';
import type { Command } from 'commander';
import { districtPath } from '../../domains/ingest/index.ts';
import { commandLineCaller, createIntakeService, importHotlineFile } from '../../domains/requests/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { CliError, EXIT } from '../exit-codes.ts';
import { commandLineUsername, configFrom, type GlobalOptions, openRuntime } from '../runtime.ts';

interface RequestsImportOptions extends GlobalOptions {
  encoding?: string;
}

export function registerRequestsCommand(program: Command) {
  const requests = program.command('requests').description('接诉即办 Resident requests and work orders');
  requests
    .command('import')
    .description('导入 12345 热线工单 Import a 12345 hotline export (CSV UTF-8/GBK, XLSX) as work orders')
    .argument('<file>', '文件 file')
    .option('--encoding <enc>', '编码 utf-8 | gbk (default: detected)')
    .action(async (file: string, _opts, cmd: Command) => {
      const o = cmd.optsWithGlobals<RequestsImportOptions>();
      const runtime = await openRuntime(configFrom(o));
      try {
        const { service, catalog } = createIntakeService(runtime.database, runtime.cipher);
        const report = await importHotlineFile(
          service,
          catalog,
          commandLineCaller(commandLineUsername(), await districtPath(runtime.database.db)),
          file,
          path.basename(file),
          { encoding: o.encoding },
        );
        console.log(JSON.stringify(report, null, 2));
        if (report.rejected > 0) process.exitCode = EXIT.FAILURE;
      } catch (error) {
        if (error instanceof AppError) {
          const detail = error.details?.[0]?.message;
          throw new CliError(`${file}: ${detail ?? error.messageZh ?? error.message}`, EXIT.FAILURE);
        }
        throw error;
      } finally {
        await runtime.close();
      }
    });
}
