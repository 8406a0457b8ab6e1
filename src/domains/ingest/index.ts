// Department data import and data quality (issue 3). The plugin and the functions the CLI and benchmarks use.

export { detectFile } from './file-format.ts';
export { commandLineActor, districtPath } from './import-actor.ts';
export { DEFAULT_BATCH_SIZE, type ImportOptions, type ImportReport, runImport } from './import-runner.ts';
export { ingestRoutes } from './ingest.routes.ts';
export { IngestFileError } from './ingest-errors.ts';
export { openTable } from './table-reader.ts';
