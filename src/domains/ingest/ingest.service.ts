// The console's import workflow: upload, preview with a suggested mapping, saved mappings per source, runs and
// their reports, the quarantine (list, fix, re-import, export) and quality figures with drill-down. Every list is
// limited to the viewer's scope; every read of personal data and every write is audited.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { likePrefix } from '../../lib/like-pattern.ts';
import { type ColumnMapping, escapeFormula, suggestMapping } from '../../lib/normalise/index.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { Database, Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { offsetOf } from '../../platform/http/pagination.ts';
import { detectFile } from './file-format.ts';
import { copyRow, type ImportActor, normaliseContext, runImport } from './import-runner.ts';
import { maskCell, presentQuarantine, presentStagedPerson } from './ingest.presenter.ts';
import { findSource, STAGED_COLUMNS, saveSourceMapping } from './ingest.repository.ts';
import type {
  OffenderQuery,
  QuarantineFixBody,
  QuarantineQuery,
  ReimportBody,
  RunBody,
  RunListQuery,
  SaveMappingBody,
} from './ingest.schema.ts';
import { IngestFileError } from './ingest-errors.ts';
import {
  checkQualityRules,
  type Dimension,
  findOffendingQuarantine,
  findOffendingRecords,
  listQualityRules,
  QUALITY_FIELDS,
  type QualityField,
  type QualityRuleIn,
  refreshQualityFigures,
  replaceQualityRules,
  rulesFor,
} from './quality.ts';
import { normaliseRow } from './row-normaliser.ts';
import { openTable } from './table-reader.ts';

const PREVIEW_ROWS = 20;

export function toAppError(error: unknown): unknown {
  if (error instanceof IngestFileError)
    return new AppError(
      error.code,
      [{ field: 'file', message: error.messageZh, messageEn: error.message }],
      error.messageZh,
    );
  return error;
}

/** How far a background run has read its file; only runs of this process while they go on. */
type ProgressBoard = Map<number, { bytesRead: number; totalBytes: number }>;

function presentRun(r: Awaited<ReturnType<typeof runsQuery>>[number], progress?: ProgressBoard) {
  const live = progress?.get(Number(r.id));
  return {
    id: Number(r.id),
    source: r.source,
    fileName: r.file_name,
    format: r.format,
    encoding: r.encoding,
    status: r.status,
    mapping: r.mapping as Record<string, string>,
    rowsRead: r.rows_read,
    accepted: r.inserted + r.updated + r.unchanged + r.superseded,
    inserted: r.inserted,
    updated: r.updated,
    unchanged: r.unchanged,
    superseded: r.superseded,
    quarantined: r.quarantined,
    warnings: r.warnings,
    checkpointRow: r.checkpoint_row,
    error: r.error as Record<string, unknown> | null,
    startedBy: r.started_by,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    progress:
      r.status === 'completed'
        ? 1
        : live && live.totalBytes > 0
          ? // the last batch and the quality figures still follow the last byte read
            Math.min(0.99, live.bytesRead / live.totalBytes)
          : null,
  };
}

function runsQuery(db: Db, scopePath: string) {
  return db.selectFrom('ingest_run').selectAll().where('scope_path', 'like', likePrefix(scopePath)).execute();
}

export function createIngestService(database: Database, cipher: FieldCipher, dataDir: string) {
  const { db } = database;
  const uploadDir = path.join(dataDir, 'ingest-uploads');
  const progress: ProgressBoard = new Map();

  function uploadPath(uploadId: string): { file: string; fileName: string } {
    let entries: string[] = [];
    try {
      entries = readdirSync(uploadDir);
    } catch {
      entries = [];
    }
    const entry = entries.find((e) => e.startsWith(`${uploadId}__`));
    if (!entry) throw new AppError('INGEST_UPLOAD_NOT_FOUND');
    return { file: path.join(uploadDir, entry), fileName: entry.slice(uploadId.length + 2) };
  }

  async function preview(actor: ImportActor, uploadId: string, source?: string, encoding?: string) {
    const { file, fileName } = uploadPath(uploadId);
    try {
      const detected = await detectFile(file, fileName, { encoding });
      const table = await openTable(file, detected.format, detected.encoding);
      const rows: string[][] = [];
      for await (const r of table.rows) {
        rows.push(
          r.cells.slice(0, table.header.length + 5).map((c) => (c.length > 200 ? `${c.slice(0, 200)}…` : c)),
        );
        if (rows.length >= PREVIEW_ROWS) break;
      }
      const suggestion = suggestMapping(table.header, rows);
      const saved = source
        ? ((await findSource(db, source))?.mapping as ColumnMapping | undefined)
        : undefined;
      const savedMapping = saved && Object.keys(saved).length > 0 ? saved : null;
      const fieldOf = new Map(Object.entries(savedMapping ?? suggestion.mapping).map(([f, c]) => [c, f]));
      await actor.audit(db, { action: 'ingest.preview', details: { uploadId, fileName, rows: rows.length } });
      return {
        uploadId,
        fileName,
        size: detected.size,
        format: detected.format,
        encoding: detected.encoding,
        header: table.header,
        rows: rows.map((r) => r.map((c, i) => maskCell(fieldOf.get(table.header[i] ?? ''), c))),
        suggestion,
        savedMapping,
      };
    } catch (error) {
      throw toAppError(error);
    }
  }

  async function scopedQuarantine(actor: ImportActor, id: number) {
    const row = await db
      .selectFrom('ingest_quarantine')
      .selectAll()
      .where('id', '=', id)
      .where('scope_path', 'like', likePrefix(actor.scopePath))
      .executeTakeFirst();
    if (!row) throw new AppError('INGEST_QUARANTINE_NOT_FOUND');
    return row;
  }

  async function runMapping(runId: number, from: Db = db): Promise<Record<string, string>> {
    const run = await from
      .selectFrom('ingest_run')
      .select('mapping')
      .where('id', '=', runId)
      .executeTakeFirst();
    return (run?.mapping as Record<string, string>) ?? {};
  }

  /** The open quarantine of a source as lines (header first), masked and escaped against formula injection. */
  async function quarantineTable(actor: ImportActor, source: string, format: 'csv' | 'xlsx') {
    const rows = await db
      .selectFrom('ingest_quarantine')
      .selectAll()
      .where('source', '=', source)
      .where('status', '=', 'open')
      .where('scope_path', 'like', likePrefix(actor.scopePath))
      .orderBy('id')
      .limit(100_000)
      .execute();
    const presented = [];
    for (const r of rows) presented.push(presentQuarantine(r, await runMapping(Number(r.run_id)), cipher));
    const columns = [...new Set(presented.flatMap((p) => Object.keys(p.cells)))];
    const lines = [
      ['隔离编号', '行号', '问题', ...columns],
      ...presented.map((p) => [
        String(p.id),
        String(p.sourceRow),
        p.problems.map((x) => `${x.field}: ${x.message}`).join('；'),
        ...columns.map((c) => p.cells[c] ?? ''),
      ]),
    ].map((line) => line.map(escapeFormula));
    await actor.audit(db, {
      action: 'ingest.quarantine.read',
      entityType: 'ingest_quarantine',
      entityIds: rows.map((r) => Number(r.id)),
      details: { export: format },
    });
    return lines;
  }

  return {
    async upload(actor: ImportActor, fileName: string, body: Buffer, source?: string, encoding?: string) {
      mkdirSync(uploadDir, { recursive: true });
      const uploadId = randomUUID();
      const safeName =
        path
          .basename(fileName)
          .replace(/[^\p{L}\p{N}._-]/gu, '_')
          .slice(0, 120) || 'upload';
      writeFileSync(path.join(uploadDir, `${uploadId}__${safeName}`), body, { mode: 0o600 });
      return preview(actor, uploadId, source, encoding);
    },

    preview,

    async listSources() {
      const sources = await db.selectFrom('ingest_source').selectAll().orderBy('name').execute();
      const last = await db
        .selectFrom('ingest_run')
        .select(['source', sql<number>`max(id)`.as('id')])
        .groupBy('source')
        .execute();
      const lastBySource = new Map(last.map((l) => [l.source, Number(l.id)]));
      return sources.map((s) => ({
        name: s.name,
        label: s.label,
        mapping: s.mapping as Record<string, string>,
        lastRunId: lastBySource.get(s.name) ?? null,
      }));
    },

    async saveMapping(actor: ImportActor, name: string, body: SaveMappingBody) {
      if (!body.mapping.name)
        throw new AppError('INGEST_MAPPING_INVALID', [
          { field: 'body/mapping/name', message: '必须指定姓名所在的列', messageEn: 'Map a column to name' },
        ]);
      await db.transaction().execute(async (trx) => {
        await saveSourceMapping(trx, name, body.mapping, body.label);
        await actor.audit(trx, {
          action: 'ingest.mapping',
          entityType: 'ingest_source',
          entityIds: [name],
          details: { mapping: body.mapping },
        });
      });
      return (await this.listSources()).find((s) => s.name === name)!;
    },

    async run(actor: ImportActor, body: RunBody) {
      const { file, fileName } = uploadPath(body.uploadId);
      try {
        const report = await runImport(database, cipher, {
          file,
          fileName,
          source: body.source,
          mapping: body.mapping,
          encoding: body.encoding,
          saveMapping: body.saveMapping ?? false,
          actor,
        });
        return this.readRun(actor, report.runId);
      } catch (error) {
        throw toAppError(error);
      }
    },

    /**
     * Starts the import and answers as soon as its run exists: file-level errors (format, encoding, mapping) still
     * come back as the request's error; the rest is read from the run (status, counts, progress) while it goes on.
     */
    async startRun(actor: ImportActor, body: RunBody) {
      const { file, fileName } = uploadPath(body.uploadId);
      let runId = 0;
      let announce: (id: number) => void = () => {};
      const started = new Promise<number>((resolve) => {
        announce = resolve;
      });
      const job = runImport(database, cipher, {
        file,
        fileName,
        source: body.source,
        mapping: body.mapping,
        encoding: body.encoding,
        saveMapping: body.saveMapping ?? false,
        actor,
        onRunStarted: (id, totalBytes) => {
          runId = id;
          progress.set(id, { bytesRead: 0, totalBytes });
          announce(id);
        },
        onProgress: (bytesRead, totalBytes) => progress.set(runId, { bytesRead, totalBytes }),
      });
      // A failure after the start is recorded on the run (status failed, error) by runImport itself.
      job.catch(() => {}).finally(() => progress.delete(runId));
      try {
        const id = await Promise.race([started, job.then((r) => r.runId)]);
        return this.readRun(actor, id);
      } catch (error) {
        throw toAppError(error);
      }
    },

    async listRuns(actor: ImportActor, q: RunListQuery) {
      let query = db.selectFrom('ingest_run').where('scope_path', 'like', likePrefix(actor.scopePath));
      if (q.source) query = query.where('source', '=', q.source);
      const total = await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
      const items = await query
        .selectAll()
        .orderBy('id', 'desc')
        .limit(q.pageSize)
        .offset(offsetOf(q))
        .execute();
      return {
        items: items.map((r) => presentRun(r, progress)),
        total: Number(total.n),
        page: q.page,
        pageSize: q.pageSize,
      };
    },

    async readRun(actor: ImportActor, id: number) {
      const run = await db
        .selectFrom('ingest_run')
        .selectAll()
        .where('id', '=', id)
        .where('scope_path', 'like', likePrefix(actor.scopePath))
        .executeTakeFirst();
      if (!run) throw new AppError('INGEST_RUN_NOT_FOUND');
      return presentRun(run, progress);
    },

    async listQuarantine(actor: ImportActor, q: QuarantineQuery) {
      let query = db.selectFrom('ingest_quarantine').where('scope_path', 'like', likePrefix(actor.scopePath));
      if (q.source) query = query.where('source', '=', q.source);
      if (q.runId) query = query.where('run_id', '=', q.runId);
      query = query.where('status', '=', q.status ?? 'open');
      const total = await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
      const rows = await query.selectAll().orderBy('id').limit(q.pageSize).offset(offsetOf(q)).execute();
      const mappings = new Map<number, Record<string, string>>();
      for (const r of rows)
        if (!mappings.has(Number(r.run_id)))
          mappings.set(Number(r.run_id), await runMapping(Number(r.run_id)));
      await actor.audit(db, {
        action: 'ingest.quarantine.read',
        entityType: 'ingest_quarantine',
        entityIds: rows.map((r) => Number(r.id)),
      });
      return {
        items: rows.map((r) => presentQuarantine(r, mappings.get(Number(r.run_id))!, cipher)),
        total: Number(total.n),
        page: q.page,
        pageSize: q.pageSize,
      };
    },

    async fixQuarantine(actor: ImportActor, id: number, body: QuarantineFixBody) {
      const row = await scopedQuarantine(actor, id);
      if (row.status !== 'open') throw new AppError('INGEST_QUARANTINE_CLOSED');
      const raw = JSON.parse(cipher.open(row.raw_cipher)) as Record<string, string>;
      for (const [column, value] of Object.entries(body.cells)) {
        if (value === null) delete raw[column];
        else raw[column] = value;
      }
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('ingest_quarantine')
          .set({ raw_cipher: cipher.seal(JSON.stringify(raw)), updated_at: new Date() })
          .where('id', '=', id)
          .execute();
        await actor.audit(trx, {
          action: 'ingest.quarantine.fix',
          entityType: 'ingest_quarantine',
          entityIds: [id],
          details: { columns: Object.keys(body.cells) },
        });
      });
      const updated = await scopedQuarantine(actor, id);
      return presentQuarantine(updated, await runMapping(Number(updated.run_id)), cipher);
    },

    async dismissQuarantine(actor: ImportActor, id: number) {
      const row = await scopedQuarantine(actor, id);
      if (row.status !== 'open') throw new AppError('INGEST_QUARANTINE_CLOSED');
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('ingest_quarantine')
          .set({ status: 'dismissed', updated_at: new Date() })
          .where('id', '=', id)
          .execute();
        // A dismissed row no longer counts as a validity failure.
        await refreshQualityFigures(trx, row.source, new Date());
        await actor.audit(trx, {
          action: 'ingest.quarantine.fix',
          entityType: 'ingest_quarantine',
          entityIds: [id],
          details: { status: 'dismissed' },
        });
      });
      return presentQuarantine(
        await scopedQuarantine(actor, id),
        await runMapping(Number(row.run_id)),
        cipher,
      );
    },

    /**
     * Runs the open (fixed) rows through the same normaliser with their run's mapping: rows that now pass become
     * source records and are marked re-imported; the others keep their updated problems. One transaction.
     */
    async reimport(actor: ImportActor, body: ReimportBody) {
      let query = db
        .selectFrom('ingest_quarantine')
        .selectAll()
        .where('source', '=', body.source)
        .where('status', '=', 'open')
        .where('scope_path', 'like', likePrefix(actor.scopePath));
      if (body.ids) query = query.where('id', 'in', body.ids.length > 0 ? body.ids : [0]);
      const rows = await query.orderBy('id').limit(5000).execute();
      let reimported = 0;
      await db.transaction().execute(async (trx) => {
        const contexts = new Map<number, Awaited<ReturnType<typeof normaliseContext>>>();
        for (const q of rows) {
          const raw = JSON.parse(cipher.open(q.raw_cipher)) as Record<string, string>;
          const header = Object.keys(raw);
          const runId = Number(q.run_id);
          const mapping = await runMapping(runId, trx);
          let ctx = contexts.get(runId);
          if (!ctx || ctx.header.join('\u0001') !== header.join('\u0001')) {
            ctx = await normaliseContext(trx, cipher, header, mapping, actor.scopePath, new Date());
            contexts.set(runId, ctx);
          }
          const result = normaliseRow({ row: q.source_row, cells: header.map((h) => raw[h]!) }, ctx);
          if (!result.ok) {
            await trx
              .updateTable('ingest_quarantine')
              .set({ problems: JSON.stringify(result.problems), updated_at: new Date() })
              .where('id', '=', q.id)
              .execute();
            continue;
          }
          // Sealed once per record, not once per column.
          const record = copyRow(result.record, q.source, runId, cipher);
          const values = Object.fromEntries(
            STAGED_COLUMNS.map((c, i) => {
              const v = record[i];
              return [c, c === 'extra' ? JSON.stringify(v) : v];
            }),
          );
          const written = await trx
            .insertInto('source_person')
            .values(values as never)
            .onConflict((oc) =>
              oc.columns(['source', 'source_key']).doUpdateSet(
                (eb) =>
                  ({
                    ...Object.fromEntries(
                      STAGED_COLUMNS.filter((c) => c !== 'source' && c !== 'source_key').map((c) => [
                        c,
                        eb.ref(`excluded.${c}`),
                      ]),
                    ),
                    updated_at: new Date(),
                  }) as never,
              ),
            )
            .returning('id')
            .executeTakeFirstOrThrow();
          await trx
            .updateTable('ingest_quarantine')
            .set({ status: 'reimported', source_person_id: written.id, updated_at: new Date() })
            .where('id', '=', q.id)
            .execute();
          reimported++;
        }
        // The re-imported rows are records now and no longer open failures: the figures must count them.
        if (reimported > 0) await refreshQualityFigures(trx, body.source, new Date());
        await actor.audit(trx, {
          action: 'ingest.quarantine.reimport',
          entityType: 'ingest_quarantine',
          entityIds: rows.map((r) => Number(r.id)),
          details: { source: body.source, reimported, stillFailing: rows.length - reimported },
        });
      });
      return { checked: rows.length, reimported, stillFailing: rows.length - reimported };
    },

    /** The open quarantine as CSV: masked, and every cell escaped against formula injection. */
    async exportQuarantine(actor: ImportActor, source: string): Promise<string> {
      return `\ufeff${stringify(await quarantineTable(actor, source, 'csv'))}`;
    },

    /** The same table as an XLSX workbook: cells are written as text and escaped like the CSV. */
    async exportQuarantineXlsx(actor: ImportActor, source: string): Promise<Buffer> {
      const lines = await quarantineTable(actor, source, 'xlsx');
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('隔离数据');
      for (const line of lines) sheet.addRow(line);
      sheet.getRow(1).font = { bold: true };
      return Buffer.from(await book.xlsx.writeBuffer());
    },

    async listRules() {
      return listQualityRules(db);
    },

    async saveRules(actor: ImportActor, rules: QualityRuleIn[]) {
      const sources = await db.selectFrom('ingest_source').select('name').execute();
      const problems = checkQualityRules(
        rules,
        sources.map((s) => s.name),
      );
      if (problems.length > 0) throw new AppError('INGEST_RULES_INVALID', problems);
      await db.transaction().execute(async (trx) => {
        await replaceQualityRules(trx, rules);
        await actor.audit(trx, {
          action: 'ingest.rules',
          entityType: 'ingest_quality_rule',
          details: { rules },
        });
      });
      return listQualityRules(db);
    },

    async quality(source: string) {
      if (!(await findSource(db, source))) throw new AppError('INGEST_SOURCE_NOT_FOUND');
      const figures = await db
        .selectFrom('ingest_quality_figure')
        .selectAll()
        .where('source', '=', source)
        .orderBy('run_id')
        .execute();
      const lastRunId = figures.length > 0 ? Number(figures[figures.length - 1]!.run_id) : null;
      const byKey = new Map<string, typeof figures>();
      for (const f of figures) {
        const k = `${f.field}/${f.dimension}`;
        byKey.set(k, [...(byKey.get(k) ?? []), f]);
      }
      const rate = (f: (typeof figures)[number]) => (f.checked === 0 ? null : f.passed / f.checked);
      return {
        source,
        lastRunId,
        figures: [...byKey.values()].map((series) => {
          const last = series[series.length - 1]!;
          const r = rate(last);
          return {
            field: last.field,
            dimension: last.dimension,
            checked: last.checked,
            passed: last.passed,
            rate: r,
            threshold: last.threshold,
            meetsThreshold: r === null || last.threshold === null ? null : r >= last.threshold,
            trend: series.map((f) => ({
              runId: Number(f.run_id),
              computedAt: new Date(f.computed_at).toISOString(),
              rate: rate(f),
            })),
          };
        }),
      };
    },

    async offenders(actor: ImportActor, q: OffenderQuery) {
      if (!(QUALITY_FIELDS as readonly string[]).includes(q.field))
        throw new AppError('VALIDATION_FAILED', [
          {
            field: 'querystring/field',
            message: `字段应为 ${QUALITY_FIELDS.join('、')}`,
            messageEn: `field must be one of ${QUALITY_FIELDS.join(', ')}`,
          },
        ]);
      const rules = await rulesFor(db, q.source);
      const rule = rules.find((r) => r.field === q.field && r.dimension === q.dimension) ?? {
        field: q.field,
        dimension: q.dimension as Dimension,
        threshold: 1,
        params: {},
      };
      const query = {
        source: q.source,
        field: q.field as QualityField,
        dimension: q.dimension as Dimension,
        scopeLike: likePrefix(actor.scopePath),
        limit: q.pageSize,
        offset: offsetOf(q),
        today: new Date().toISOString().slice(0, 10),
      };
      const records = await findOffendingRecords(db, query, rule);
      const quarantined =
        q.dimension === 'validity' && q.field !== 'address' ? await findOffendingQuarantine(db, query) : [];
      const presentedQ = [];
      for (const r of quarantined)
        presentedQ.push(presentQuarantine(r, await runMapping(Number(r.run_id)), cipher));
      await actor.audit(db, {
        action: 'ingest.quality.read',
        entityType: 'source_person',
        entityIds: records.map((r) => Number(r.id)),
        details: { source: q.source, field: q.field, dimension: q.dimension },
      });
      return {
        records: records.map(presentStagedPerson),
        quarantined: presentedQ,
        page: q.page,
        pageSize: q.pageSize,
      };
    },
  };
}
