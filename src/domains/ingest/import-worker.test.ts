// The import path of large files: rows read, normalised, sealed and COPY-encoded in a worker thread while the main
// thread writes. Forced here on small files (normaliseInWorker); import-runner.test.ts covers the same behaviours on
// the main thread, where small files stay by default, and runs its killed-and-resumed import on both paths.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { expect, it } from 'vitest';
import { makeIdNumber } from '../../lib/id-number.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import { MINI, seedMiniDistrict } from '../../testing/fixtures.ts';
import { fileReleased } from '../../testing/open-files.ts';
import { createTestDatabase, describeEachBackend } from '../../testing/test-context.ts';
import { commandLineActor } from './import-actor.ts';
import { type ImportOptions, MAX_BATCHES_IN_FLIGHT, runImport, WORKER_MIN_BYTES } from './import-runner.ts';
import { IngestFileError } from './ingest-errors.ts';

const TODAY = new Date('2026-11-30T00:00:00Z');
const dir = mkdtempSync(path.join(tmpdir(), 'ingest-worker-test-'));
let fileNo = 0;
function write(content: string | Buffer, ext = 'csv'): string {
  const file = path.join(dir, `f${++fileNo}.${ext}`);
  writeFileSync(file, content);
  return file;
}

const HEADER = '记录编号,姓名,性别,出生日期,身份证号,联系电话,现住址,登记日期';
const id2 = makeIdNumber('330192', '1975-12-01', 22);
const id3 = makeIdNumber('330192', '1990-06-30', 33);
const id15 = '330192600405011'; // a legacy 15-digit number
function row(key: string, name: string, sex: string, birth: string, id: string, phone: string, addr: string) {
  return [key, name, sex, birth, id, phone, addr, '2026-10-01'].join(',');
}
const GOOD_ROWS = [
  row('A1', '张 建国', '男', '1960年4月5日', id15, '138-0013-8000', '湖滨路1号1号楼1单元502室'),
  row('A2', '李秀英', '女', '1975/12/1', id2, '+86 139 0013 9000', '浙江省杭州市云溪区湖滨路2号1幢502'),
  row('A3', '王浩然', '男', '19900630', id3, '', '不知道在哪里'),
  row('A4', '赵六', '男', '1980.1.2', '', '13700137000', '湖滨路3号1-1-502'),
];
const BAD_ROWS = [
  row('B1', '', '男', '1960-04-05', id2, '13800138000', ''),
  row('B4', '周九', '男', '1980-13-40', '', '12345', ''),
];

const where = (inWorker: boolean) => (inWorker ? 'a worker thread' : 'this thread');

function options(file: string, extra: Partial<ImportOptions> = {}, inWorker = true): ImportOptions {
  return {
    file,
    fileName: path.basename(file),
    source: 'police',
    actor: commandLineActor('tester', MINI.district.path),
    today: TODAY,
    normaliseInWorker: inWorker,
    ...extra,
  };
}

describeEachBackend(
  'department import in a worker thread',
  async (backend) => {
    const ctx = await createTestDatabase(backend);
    await seedMiniDistrict(ctx.database.db, ctx.cipher);
    return ctx;
  },
  (ctx) => {
    it('imports, quarantines, updates a changed row, supersedes a repeated key and leaves unchanged rows alone, as on the main thread', async () => {
      const { database, cipher } = ctx();
      const first = write(iconv.encode([HEADER, ...GOOD_ROWS, ...BAD_ROWS].join('\r\n'), 'gbk'));
      const report = await runImport(database, cipher, options(first));
      expect(report).toMatchObject({
        encoding: 'gb18030',
        rowsRead: 6,
        inserted: 4,
        quarantined: 2,
        warnings: 2,
      });
      const a1 = await database.db
        .selectFrom('source_person')
        .selectAll()
        .where('source', '=', 'police')
        .where('source_key', '=', 'A1')
        .executeTakeFirstOrThrow();
      expect(a1).toMatchObject({ name: '张建国', birth_date: '1960-04-05', id_converted_from15: true });
      expect(a1.building_id).not.toBeNull();
      expect(cipher.open(a1.phone_cipher!)).toBe('13800138000');
      const quarantined = await database.db
        .selectFrom('ingest_quarantine')
        .selectAll()
        .where('source', '=', 'police')
        .orderBy('source_row')
        .execute();
      expect(quarantined.map((q) => q.source_row)).toEqual([5, 6]);
      expect(JSON.parse(cipher.open(quarantined[0]!.raw_cipher))).toMatchObject({ 记录编号: 'B1' });

      const stored = () =>
        database.db
          .selectFrom('source_person')
          .select(['source_key', 'phone_cipher', 'updated_at'])
          .where('source', '=', 'police')
          .orderBy('source_key')
          .execute();
      const before = await stored();
      const again = await runImport(
        database,
        cipher,
        options(write([HEADER, ...GOOD_ROWS, ...BAD_ROWS].join('\n'))),
      );
      expect(again).toMatchObject({ rowsRead: 6, inserted: 0, updated: 0, unchanged: 4, quarantined: 2 });
      expect(await stored()).toEqual(before);

      const changed = GOOD_ROWS.map((r) =>
        r.startsWith('A2,') ? r.replace('+86 139 0013 9000', '13600136000') : r,
      );
      const third = await runImport(
        database,
        cipher,
        options(
          write([HEADER, ...changed, row('A4', '赵六', '男', '1980.1.2', '', '13700137001', '')].join('\n')),
        ),
      );
      expect(third).toMatchObject({ rowsRead: 5, inserted: 0, updated: 2, unchanged: 2, superseded: 1 });
      const after = await stored();
      expect(cipher.open(after.find((r) => r.source_key === 'A2')!.phone_cipher!)).toBe('13600136000');
      expect(cipher.open(after.find((r) => r.source_key === 'A4')!.phone_cipher!)).toBe('13700137001');
    });

    it('reads XLSX and JSON Lines in the worker too', async () => {
      const { database, cipher } = ctx();
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('健康档案');
      ws.addRow(['档案编号', '患者姓名', '出生日期', '身份证号码']);
      ws.addRow(['X1', '陈欣怡', new Date(Date.UTC(1975, 11, 1)), id2]);
      const xlsx = path.join(dir, 'health.xlsx');
      await wb.xlsx.writeFile(xlsx);
      expect(await runImport(database, cipher, options(xlsx, { source: 'health' }))).toMatchObject({
        format: 'xlsx',
        rowsRead: 1,
        inserted: 1,
      });
      const jsonl = write(`${JSON.stringify({ id: 'J1', name: '刘洋' })}\n{not json}\n`, 'jsonl');
      expect(
        await runImport(
          database,
          cipher,
          options(jsonl, { source: 'grid', mapping: { source_key: 'id', name: 'name' } }),
        ),
      ).toMatchObject({ format: 'jsonl', rowsRead: 2, inserted: 1, quarantined: 1 });
    });

    for (const inWorker of [false, true]) {
      it(`a file error part-way fails the run after the whole batches before it, with the file's error code (${where(inWorker)})`, async () => {
        const { database, cipher } = ctx();
        // Valid UTF-8 for well over the reader's first chunk, then a byte that is not: the error comes from deep
        // inside the file (inside the worker, when one reads it), after batches were written.
        const rows = Array.from({ length: 12_000 }, (_, i) => row(`E${i}`, '测试', '女', '', '', '', ''));
        const file = write(
          Buffer.concat([Buffer.from([HEADER, ...rows].join('\n')), Buffer.from([0xff, 0x0a])]),
        );
        const error = await runImport(
          database,
          cipher,
          options(file, { source: `broken_${inWorker}`, batchSize: 1000, encoding: 'utf-8' }, inWorker),
        ).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(IngestFileError);
        expect((error as IngestFileError).code).toBe('INGEST_ENCODING_MISMATCH');
        expect((error as IngestFileError).message).toMatch(/^The file is not valid UTF-8 near byte \d+/);
        expect((error as IngestFileError).messageZh).toMatch(/^文件在第 \d+ 字节附近不是有效的 UTF-8/);
        const run = await database.db
          .selectFrom('ingest_run')
          .selectAll()
          .where('source', '=', `broken_${inWorker}`)
          .executeTakeFirstOrThrow();
        expect(run.status).toBe('failed');
        expect(run.error).toMatchObject({ code: 'INGEST_ENCODING_MISMATCH' });
        // Whole batches only (how many were read before the error depends on the reader's buffering), all of
        // them counted by the checkpoint.
        expect(run.checkpoint_row % 1000).toBe(0);
        const staged = await database.db
          .selectFrom('source_person')
          .select('source_key')
          .where('source', '=', `broken_${inWorker}`)
          .execute();
        expect(staged).toHaveLength(run.checkpoint_row);
        const audit = await database.db
          .selectFrom('audit_log')
          .selectAll()
          .where('action', '=', 'ingest.run')
          .orderBy('seq', 'desc')
          .executeTakeFirstOrThrow();
        expect(audit).toMatchObject({ outcome: 'failed', entity_ids: [String(run.id)] });
        expect(audit.details).toMatchObject({ error: { code: 'INGEST_ENCODING_MISMATCH' } });
        expect(await fileReleased(file)).toBe(true);
      });

      it(`${inWorker ? 'the worker ends with the run' : 'no worker starts on this thread'}, after success and after a failed batch`, async () => {
        const { database, cipher } = ctx();
        const file = write([HEADER, ...GOOD_ROWS].join('\n'));
        const workers: Array<{ exited: boolean }> = [];
        const watch = (worker: Worker) => {
          const seen = { exited: false };
          worker.on('exit', () => {
            seen.exited = true;
          });
          workers.push(seen);
        };
        await runImport(
          database,
          cipher,
          options(file, { source: `ends_${inWorker}`, onWorkerStarted: watch }, inWorker),
        );
        await expect(
          runImport(
            database,
            cipher,
            options(
              write([HEADER, ...GOOD_ROWS.slice(1)].join('\n')),
              {
                source: `ends_failed_${inWorker}`,
                batchSize: 1,
                onWorkerStarted: watch,
                beforeBatchCommit: (n) => {
                  if (n === 2) throw new Error('stopped');
                },
              },
              inWorker,
            ),
          ),
        ).rejects.toThrow('stopped');
        expect(workers).toEqual(inWorker ? [{ exited: true }, { exited: true }] : []);
        expect(await fileReleased(file)).toBe(true);
      });
    }

    it('the worker runs at most a bounded number of batches ahead of the writes', async () => {
      const { database, cipher } = ctx();
      const rows = Array.from({ length: 3000 }, (_, i) => row(`M${i}`, '测试', '女', '', '', '', ''));
      const file = write([HEADER, ...rows].join('\n'));
      let received = 0;
      let receivedWhileHeld = -1;
      const report = await runImport(
        database,
        cipher,
        options(file, {
          source: 'bounded',
          batchSize: 100,
          onBatchReceived: (n) => {
            received = n;
          },
          beforeBatchCommit: async (n) => {
            if (n !== 1) return;
            // The first batch's commit is held: 29 batches are still to come, the worker may hand over only
            // the ones the bound allows.
            await new Promise((resolve) => setTimeout(resolve, 1500));
            receivedWhileHeld = received;
          },
        }),
      );
      expect(receivedWhileHeld).toBe(MAX_BATCHES_IN_FLIGHT);
      expect(received).toBe(30);
      expect(report).toMatchObject({ rowsRead: 3000, inserted: 3000 });
    });

    it('a file imported on this thread, then again in a worker, is unchanged: nothing is written again', async () => {
      const { database, cipher } = ctx();
      const file = write([HEADER, ...GOOD_ROWS, ...BAD_ROWS].join('\n'));
      const first = await runImport(
        database,
        cipher,
        options(file, { source: 'both', normaliseInWorker: false }),
      );
      expect(first).toMatchObject({ inserted: 4, quarantined: 2 });
      const stored = () =>
        database.db
          .selectFrom('source_person')
          .select(['id', 'row_hash', 'id_number_cipher', 'phone_cipher', 'address_cipher', 'updated_at'])
          .where('source', '=', 'both')
          .orderBy('id')
          .execute();
      const before = await stored();
      const again = await runImport(
        database,
        cipher,
        options(write([HEADER, ...GOOD_ROWS, ...BAD_ROWS].join('\n')), { source: 'both' }),
      );
      expect(again).toMatchObject({ rowsRead: 6, inserted: 0, updated: 0, unchanged: 4, quarantined: 2 });
      expect(await stored()).toEqual(before);
    });

    it('by default a file of WORKER_MIN_BYTES or more goes to a worker; a smaller one, or a cipher made elsewhere, stays here', async () => {
      const { database, cipher } = ctx();
      const note = 'x'.repeat(1990);
      const count = Math.ceil(WORKER_MIN_BYTES / note.length);
      const big = write(
        [
          `${HEADER},备注`,
          ...Array.from({ length: count }, (_, i) => `${row(`W${i}`, '测试', '女', '', '', '', '')},${note}`),
        ].join('\n'),
      );
      const small = write([HEADER, ...GOOD_ROWS].join('\n'));
      const wrapped: FieldCipher = { ...cipher };
      const started: string[] = [];
      const run = (file: string, source: string, c = cipher) =>
        runImport(
          database,
          c,
          options(file, {
            source,
            normaliseInWorker: undefined,
            onWorkerStarted: () => started.push(source),
          }),
        );
      expect(await run(big, 'big')).toMatchObject({ rowsRead: count, inserted: count });
      expect(await run(small, 'small')).toMatchObject({ inserted: 4 });
      expect(await run(big, 'big_wrapped', wrapped)).toMatchObject({ inserted: count });
      expect(started).toEqual(['big']);
      await expect(
        runImport(database, wrapped, options(small, { source: 'forced', normaliseInWorker: true })),
      ).rejects.toThrow(/createFieldCipher/);
    });
  },
);
