import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { expect, it } from 'vitest';
import { makeIdNumber } from '../../lib/id-number.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { CopyValue } from '../../platform/db/copy-format.ts';
import type { BulkSession } from '../../platform/db/index.ts';
import { MINI, seedMiniDistrict } from '../../testing/fixtures.ts';
import { fileReleased } from '../../testing/open-files.ts';
import { createTestDatabase, describeEachBackend } from '../../testing/test-context.ts';
import { commandLineActor } from './import-actor.ts';
import { type ImportOptions, runImport } from './import-runner.ts';
import { STAGED_COLUMNS, upsertBatch } from './ingest.repository.ts';
import { IngestFileError } from './ingest-errors.ts';
import { danglingSourcePlaces } from './ingest-fixture.testing.ts';
import { type Figure, measure, measureAll, rulesFor } from './quality.ts';

const TODAY = new Date('2026-11-30T00:00:00Z');
const dir = mkdtempSync(path.join(tmpdir(), 'ingest-test-'));
let fileNo = 0;
function write(content: string | Buffer, ext = 'csv'): string {
  const file = path.join(dir, `f${++fileNo}.${ext}`);
  writeFileSync(file, content);
  return file;
}

const HEADER = '记录编号,姓名,性别,出生日期,身份证号,联系电话,现住址,登记日期';
const id1 = makeIdNumber('330192', '1960-04-05', 11);
const id2 = makeIdNumber('330192', '1975-12-01', 22);
const id3 = makeIdNumber('330192', '1990-06-30', 33);
const id15 = '330192600405011'; // the legacy form of id1
function row(
  key: string,
  name: string,
  sex: string,
  birth: string,
  id: string,
  phone: string,
  addr: string,
  date = '2026-10-01',
) {
  return [key, name, sex, birth, id, phone, addr, date].join(',');
}
const GOOD_ROWS = [
  row('A1', '张 建国', '男', '1960年4月5日', id15, '138-0013-8000', '湖滨路1号1号楼1单元502室'),
  row('A2', '李秀英', '女', '1975/12/1', id2, '+86 139 0013 9000', '浙江省杭州市云溪区湖滨路2号1幢502'),
  row('A3', '王浩然', '男', '19900630', id3, '', '不知道在哪里'),
  row('A4', '赵六', '男', '1980.1.2', '', '13700137000', '湖滨路3号1-1-502'),
];
const BAD_ROWS = [
  row('B1', '', '男', '1960-04-05', id1, '13800138000', ''),
  row('B2', '钱七', '女', '1960-04-05', id1, '13800138000', ''), // sex disagrees with the number
  row('B3', '孙八', '男', '1960-04-05', `${id1.slice(0, 17)}${id1[17] === '0' ? '1' : '0'}`, '', ''),
  row('B4', '周九', '男', '1980-13-40', '', '12345', ''),
];

/** The session, noting the table of every COPY made through it. */
function recordingCopies(session: BulkSession, tables: string[]): BulkSession {
  return {
    ...session,
    copy(table, columns, rows) {
      tables.push(table);
      return session.copy(table, columns, rows);
    },
  };
}

function options(file: string, extra: Partial<ImportOptions> = {}): ImportOptions {
  return {
    file,
    fileName: path.basename(file),
    source: 'police',
    actor: commandLineActor('tester', MINI.district.path),
    today: TODAY,
    ...extra,
  };
}

describeEachBackend(
  'department import',
  async (backend) => {
    const ctx = await createTestDatabase(backend);
    await seedMiniDistrict(ctx.database.db, ctx.cipher);
    return ctx;
  },
  (ctx) => {
    it('imports a GBK CSV with Chinese headers: every row accepted or quarantined with the reason per field', async () => {
      const { database, cipher } = ctx();
      const file = write(iconv.encode([HEADER, ...GOOD_ROWS, ...BAD_ROWS].join('\r\n'), 'gbk'));
      const report = await runImport(database, cipher, options(file));
      expect(report).toMatchObject({
        format: 'csv',
        encoding: 'gb18030',
        rowsRead: 8,
        inserted: 4,
        quarantined: 4,
      });
      expect(report.accepted + report.quarantined).toBe(report.rowsRead);
      expect(report.mapping).toMatchObject({ source_key: '记录编号', name: '姓名', id_number: '身份证号' });

      const staged = await database.db
        .selectFrom('source_person')
        .selectAll()
        .orderBy('source_key')
        .execute();
      const a1 = staged.find((s) => s.source_key === 'A1')!;
      expect(a1).toMatchObject({
        name: '张建国',
        sex: '1',
        birth_date: '1960-04-05',
        id_converted_from15: true,
      });
      expect(cipher.open(a1.id_number_cipher!)).toBe(id1);
      expect(a1.id_number_masked).toBe(`330192********${id1.slice(-4)}`);
      expect(cipher.open(a1.phone_cipher!)).toBe('13800138000');
      expect(a1.building_id).not.toBeNull();
      expect(a1).toMatchObject({
        addr_road: '湖滨路',
        addr_road_no: '1',
        addr_building: '1',
        addr_unit: '1',
        addr_room: '502',
      });
      expect(a1.warnings).toEqual(['id_upgraded_from_15']);
      const a3 = staged.find((s) => s.source_key === 'A3')!;
      expect(a3.building_id).toBeNull();
      expect(a3.warnings).toEqual(['address_no_building_number']);
      expect(a3.scope_path).toBe(MINI.district.path);
      const a4 = staged.find((s) => s.source_key === 'A4')!;
      expect(a4).toMatchObject({ addr_building: '1', addr_unit: '1', addr_room: '502' });

      const q = await database.db.selectFrom('ingest_quarantine').selectAll().orderBy('source_row').execute();
      expect(
        q.map((r) =>
          (r.problems as Array<{ field: string; code: string }>).map((p) => `${p.field}:${p.code}`),
        ),
      ).toEqual([
        ['name:required'],
        ['sex:sex_mismatch'],
        ['id_number:id_check_digit'],
        ['birth_date:date_not_a_date', 'phone:phone_format'],
      ]);
      expect(JSON.parse(cipher.open(q[0]!.raw_cipher))).toMatchObject({ 记录编号: 'B1', 姓名: '' });
      const audit = await database.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'ingest.run')
        .execute();
      expect(audit.at(-1)).toMatchObject({ outcome: 'ok', username: 'tester' });
    });

    it('importing the same file twice changes nothing', async () => {
      const { database, cipher } = ctx();
      const file = write([HEADER, ...GOOD_ROWS, ...BAD_ROWS].join('\n'));
      const before = await database.db
        .selectFrom('source_person')
        .select(['id', 'updated_at'])
        .orderBy('id')
        .execute();
      const qBefore = await database.db.selectFrom('ingest_quarantine').select('id').execute();
      const report = await runImport(database, cipher, options(file));
      expect(report).toMatchObject({ rowsRead: 8, inserted: 0, updated: 0, unchanged: 4, quarantined: 4 });
      expect(
        await database.db.selectFrom('source_person').select(['id', 'updated_at']).orderBy('id').execute(),
      ).toEqual(before);
      expect(await database.db.selectFrom('ingest_quarantine').select('id').execute()).toHaveLength(
        qBefore.length,
      );
    });

    it('a changed row updates its record, and a later row with the same key supersedes an earlier one', async () => {
      const { database, cipher } = ctx();
      const changed = GOOD_ROWS.map((r) =>
        r.startsWith('A2,') ? r.replace('+86 139 0013 9000', '13600136000') : r,
      );
      const file = write(
        [HEADER, ...changed, row('A4', '赵六', '男', '1980.1.2', '', '13700137001', '')].join('\n'),
      );
      const report = await runImport(database, cipher, options(file));
      expect(report).toMatchObject({
        rowsRead: 5,
        inserted: 0,
        updated: 2,
        unchanged: 2,
        superseded: 1,
        quarantined: 0,
      });
      const a2 = await database.db
        .selectFrom('source_person')
        .selectAll()
        .where('source_key', '=', 'A2')
        .executeTakeFirstOrThrow();
      expect(cipher.open(a2.phone_cipher!)).toBe('13600136000');
    });

    // On this thread and in a worker (import-worker.test.ts forces the worker for the rest of its behaviours).
    for (const inWorker of [false, true])
      it(`a killed import leaves whole batches only and the next import continues after the last one (${inWorker ? 'in a worker' : 'this thread'})`, async () => {
        const { database, cipher } = ctx();
        const rows = Array.from({ length: 9 }, (_, i) =>
          row(`K${i}`, `测试${'甲乙丙丁戊己庚辛壬'[i]}`, '女', '', '', '', ''),
        );
        const file = write([HEADER, ...rows].join('\n'));
        const killed = options(file, {
          source: `resume_${inWorker}`,
          batchSize: 2,
          normaliseInWorker: inWorker,
          beforeBatchCommit: (n) => {
            if (n === 3) throw new Error('killed');
          },
        });
        await expect(runImport(database, cipher, killed)).rejects.toThrow('killed');
        const staged = await database.db
          .selectFrom('source_person')
          .select('source_key')
          .where('source', '=', `resume_${inWorker}`)
          .execute();
        expect(staged.map((s) => s.source_key).sort()).toEqual(['K0', 'K1', 'K2', 'K3']);
        const run = await database.db
          .selectFrom('ingest_run')
          .selectAll()
          .where('source', '=', `resume_${inWorker}`)
          .executeTakeFirstOrThrow();
        expect(run).toMatchObject({ status: 'failed', checkpoint_row: 4, rows_read: 4 });

        const resumed = await runImport(
          database,
          cipher,
          options(file, { source: `resume_${inWorker}`, batchSize: 2, normaliseInWorker: inWorker }),
        );
        expect(resumed).toMatchObject({
          runId: run.id,
          resumedAfterRow: 4,
          rowsRead: 9,
          inserted: 9,
          quarantined: 0,
        });
        expect(
          await database.db
            .selectFrom('source_person')
            .select('id')
            .where('source', '=', `resume_${inWorker}`)
            .execute(),
        ).toHaveLength(9);
      });

    it('reads XLSX (dates as date cells, formulas kept as text) and JSON Lines', async () => {
      const { database, cipher } = ctx();
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('健康档案');
      ws.addRow(['档案编号', '患者姓名', '出生日期', '身份证号码', '备注']);
      ws.addRow([
        'X1',
        '陈欣怡',
        new Date(Date.UTC(1975, 11, 1)),
        id2,
        { formula: 'HYPERLINK("http://evil","点我")' },
      ]);
      const xlsx = path.join(dir, 'health.xlsx');
      await wb.xlsx.writeFile(xlsx);
      const r1 = await runImport(database, cipher, options(xlsx, { source: 'health' }));
      expect(r1).toMatchObject({ format: 'xlsx', rowsRead: 1, inserted: 1 });
      const x1 = await database.db
        .selectFrom('source_person')
        .selectAll()
        .where('source', '=', 'health')
        .executeTakeFirstOrThrow();
      expect(x1).toMatchObject({
        birth_date: '1975-12-01',
        extra: { 备注: '=HYPERLINK("http://evil","点我")' },
      });

      const jsonl = write(
        `${JSON.stringify({ id: 'J1', name: '刘洋', phone: '13500135000' })}\n{not json}\n${JSON.stringify({ id: 'J2', name: '何静', extra: 1 })}\n`,
        'jsonl',
      );
      const r2 = await runImport(
        database,
        cipher,
        options(jsonl, { source: 'grid', mapping: { source_key: 'id', name: 'name', phone: 'phone' } }),
      );
      expect(r2).toMatchObject({ format: 'jsonl', rowsRead: 3, inserted: 1, quarantined: 2 });
    });

    it('bad files get a clear error and write nothing; bad rows are quarantined with their reason', async () => {
      const { database, cipher } = ctx();
      const count = async () =>
        Number(
          (
            await database.db
              .selectFrom('source_person')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await count();
      const fails = async (file: string, code: string, extra: Partial<ImportOptions> = {}) => {
        const error = await runImport(database, cipher, options(file, { source: 'bad', ...extra })).catch(
          (e) => e,
        );
        expect(error).toBeInstanceOf(IngestFileError);
        expect((error as IngestFileError).code).toBe(code);
      };
      await fails(write(''), 'INGEST_FILE_EMPTY');
      await fails(write('\n\n  \n'), 'INGEST_FILE_EMPTY');
      await fails(write(iconv.encode(`${HEADER}\n${GOOD_ROWS[0]}`, 'gbk')), 'INGEST_ENCODING_MISMATCH', {
        encoding: 'utf-8',
      });
      await fails(write(`${HEADER}\n${GOOD_ROWS[0]}`), 'INGEST_ENCODING_MISMATCH', { encoding: 'gbk' });
      await fails(write(`姓名,备注\n张三,"没有闭合\n李四,x\n`), 'INGEST_CSV_MALFORMED');
      await fails(
        write(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0])),
        'INGEST_FILE_ENCRYPTED',
      );
      const wb = new ExcelJS.Workbook();
      wb.addWorksheet('s').addRows([['姓名'], ['张三'], ['李四']]);
      const full = Buffer.from(await wb.xlsx.writeBuffer());
      await fails(write(full.subarray(0, Math.floor(full.length / 2)), 'xlsx'), 'INGEST_FILE_UNREADABLE');
      await fails(
        write(`${Array.from({ length: 1_000_000 }, (_, i) => `c${i}`).join(',')}\n`),
        'INGEST_TOO_MANY_COLUMNS',
      );
      await fails(write(`${HEADER}\n${GOOD_ROWS[0]}`), 'INGEST_MAPPING_INVALID', {
        mapping: { name: '不存在的列' },
      });
      expect(await count()).toBe(before);

      const big = 'x'.repeat(10 * 1024 * 1024);
      const file = write(
        `姓名,备注\n张三,${big}\n李四,"a,b",多余\n王五,"=HYPERLINK(""http://evil"")"\n"赵"六",x\n`,
      );
      const report = await runImport(database, cipher, options(file, { source: 'rows' }));
      // Quotes inside a field are kept as they are (relaxed quoting), so 赵"六 is a row, not a syntax error.
      expect(report).toMatchObject({ rowsRead: 4, inserted: 2, quarantined: 2 });
      const q = await database.db
        .selectFrom('ingest_quarantine')
        .selectAll()
        .where('source', '=', 'rows')
        .orderBy('source_row')
        .execute();
      expect(q.map((r) => (r.problems as Array<{ code: string }>).map((p) => p.code))).toEqual([
        ['cell_too_long'],
        ['row_ragged'],
      ]);
      const raw = JSON.parse(cipher.open(q[0]!.raw_cipher)) as Record<string, string>;
      expect(raw['备注']!.length).toBeLessThan(1100);
      const w = await database.db
        .selectFrom('source_person')
        .selectAll()
        .where('source', '=', 'rows')
        .where('name', '=', '王五')
        .executeTakeFirstOrThrow();
      expect(w.extra).toEqual({ 备注: '=HYPERLINK("http://evil")' });
    });

    it('a refused mapping fails the run and releases the file it had opened', async () => {
      const { database, cipher } = ctx();
      // Many rows, so the reader is still mid-file when the mapping is checked.
      const file = write([HEADER, ...Array.from({ length: 20_000 }, () => GOOD_ROWS[1])].join('\n'));
      const error = await runImport(
        database,
        cipher,
        options(file, { mapping: { name: '没有这一列' } }),
      ).catch((e: unknown) => e);
      expect((error as IngestFileError).code).toBe('INGEST_MAPPING_INVALID');
      expect(await fileReleased(file)).toBe(true);
    });

    it('measures every quality rule in one query with the same figures as rule by rule', async () => {
      const { database, cipher } = ctx();
      // Source q_a: id1 twice under two keys (not unique), id2 once; q_b: id1 with the same person, id2 with
      // another name (inconsistent), id3 only there. Old record dates fail timeliness.
      const a = write(
        [
          HEADER,
          row('K1', '张建国', '男', '1960-04-05', id1, '13800138000', '湖滨路1号1号楼1单元502室'),
          row('K2', '张建国', '男', '1960-04-05', id1, '', '不知道在哪里', '2020-01-01'),
          row('K3', '李秀英', '女', '1975-12-01', id2, '13900139000', ''),
          row('K4', '无证人', '男', '', '', 'abc', ''),
        ].join('\n'),
      );
      const b = write(
        [
          HEADER,
          row('M1', '张建国', '男', '1960-04-05', id1, '', ''),
          row('M2', '李秀', '女', '1975-12-01', id2, '', '', '2019-05-05'),
          row('M3', '王浩然', '男', '1990-06-30', id3, '', ''),
        ].join('\n'),
      );
      await runImport(database, cipher, options(a, { source: 'q_a' }));
      await runImport(database, cipher, options(b, { source: 'q_b' }));
      const day = TODAY.toISOString().slice(0, 10);
      for (const source of ['q_a', 'q_b']) {
        const rules = [
          ...(await rulesFor(database.db, source)),
          {
            field: 'record_date',
            dimension: 'timeliness' as const,
            threshold: 0.5,
            params: { max_age_days: 30 },
          },
        ];
        const together = await measureAll(database.db, source, rules, day);
        const oneByOne = [];
        for (const rule of rules) oneByOne.push(await measure(database.db, source, rule, day));
        expect(together).toEqual(oneByOne);
      }
      const qa = await measureAll(database.db, 'q_a', await rulesFor(database.db, 'q_a'), day);
      const pick = (f: Figure[], field: string, dimension: string) =>
        f.find((x) => x.field === field && x.dimension === dimension)!;
      expect(pick(qa, 'id_number', 'uniqueness')).toMatchObject({ checked: 3, passed: 1 });
      // id1 agrees with q_b, id2's name differs there.
      expect(pick(qa, 'id_number', 'consistency')).toMatchObject({ checked: 3, passed: 2 });
      expect(pick(qa, 'phone', 'validity')).toMatchObject({ checked: 3, passed: 2 });
    });

    it('re-importing unchanged rows neither seals nor writes them; only the changed row is sealed again', async () => {
      const { database, cipher } = ctx();
      let sealed = 0;
      const counting: FieldCipher = {
        ...cipher,
        seal: (plain) => {
          sealed++;
          return cipher.seal(plain);
        },
      };
      const first = write([HEADER, ...GOOD_ROWS].join('\n'));
      const opts = (file: string) => options(file, { source: 'unchanged', batchSize: 3 });
      expect(await runImport(database, counting, opts(first))).toMatchObject({ inserted: 4 });
      // Four records: three ID numbers, three phones, four addresses.
      expect(sealed).toBe(10);
      const stored = () =>
        database.db
          .selectFrom('source_person')
          .select(['id', 'source_key', 'id_number_cipher', 'phone_cipher', 'address_cipher', 'updated_at'])
          .where('source', '=', 'unchanged')
          .orderBy('id')
          .execute();
      const before = await stored();

      sealed = 0;
      const again = write([HEADER, ...GOOD_ROWS].join('\n'));
      expect(await runImport(database, counting, opts(again))).toMatchObject({
        rowsRead: 4,
        inserted: 0,
        updated: 0,
        unchanged: 4,
      });
      expect(sealed).toBe(0);
      // Not even sealed again: the very same cipher texts (a new seal would draw a new IV).
      expect(await stored()).toEqual(before);

      const changed = write(
        [
          HEADER,
          ...GOOD_ROWS.map((r) => (r.startsWith('A4,') ? r.replace('13700137000', '13700137009') : r)),
        ].join('\n'),
      );
      expect(await runImport(database, counting, opts(changed))).toMatchObject({ updated: 1, unchanged: 3 });
      // A4 has a phone and an address, no ID number.
      expect(sealed).toBe(2);
      const after = await stored();
      expect(
        after
          .filter(
            (r, i) =>
              r.phone_cipher && !Buffer.from(r.phone_cipher).equals(Buffer.from(before[i]!.phone_cipher!)),
          )
          .map((r) => r.source_key),
      ).toEqual(['A4']);
      expect(cipher.open(after.find((r) => r.source_key === 'A4')!.phone_cipher!)).toBe('13700137009');
    });

    it('a batch of keys new to the source, one of which another import stored meanwhile, is upserted instead: no duplicate, no lost row', async () => {
      const { database, cipher } = ctx();
      const file = write([HEADER, ...GOOD_ROWS].join('\n'));
      await runImport(database, cipher, options(file, { source: 'race' }));
      const a1 = await database.db
        .selectFrom('source_person')
        .select([...STAGED_COLUMNS])
        .where('source', '=', 'race')
        .where('source_key', '=', 'A1')
        .executeTakeFirstOrThrow();
      const asRow = (over: Partial<typeof a1>) => {
        const r = { ...a1, ...over } as Record<string, unknown>;
        return STAGED_COLUMNS.map((c) => r[c] as CopyValue);
      };
      // As if the batch had looked its keys up (none stored) before another import stored A1: the COPY straight
      // into source_person stops on the unique key, and the same rows go through the staged upsert.
      const copiedInto: string[] = [];
      const written = await database.bulk((session) =>
        upsertBatch(
          recordingCopies(session, copiedInto),
          [asRow({ name: '张建华', row_hash: 'changed' }), asRow({ source_key: 'Z1', row_hash: 'z1' })],
          { keysAreNew: true },
        ),
      );
      expect(written).toEqual({ inserted: 1, updated: 1 });
      expect(copiedInto).toEqual(['source_person', 'ingest_stage_person']);
      const rows = await database.db
        .selectFrom('source_person')
        .select(['source_key', 'name'])
        .where('source', '=', 'race')
        .orderBy('source_key')
        .execute();
      expect(rows).toEqual([
        { source_key: 'A1', name: '张建华' },
        { source_key: 'A2', name: '李秀英' },
        { source_key: 'A3', name: '王浩然' },
        { source_key: 'A4', name: '赵六' },
        { source_key: 'Z1', name: '张建国' },
      ]);
    });

    it('a batch of keys new to the source is copied straight into source_person, without a staging table', async () => {
      const { database, cipher } = ctx();
      const file = write([HEADER, ...GOOD_ROWS].join('\n'));
      await runImport(database, cipher, options(file, { source: 'straight' }));
      const a1 = await database.db
        .selectFrom('source_person')
        .select([...STAGED_COLUMNS])
        .where('source', '=', 'straight')
        .where('source_key', '=', 'A1')
        .executeTakeFirstOrThrow();
      const fresh = ['N1', 'N2', 'N3'].map((key) =>
        STAGED_COLUMNS.map((c) => ({ ...a1, source_key: key, row_hash: key })[c] as CopyValue),
      );
      const copiedInto: string[] = [];
      const written = await database.bulk((session) =>
        upsertBatch(recordingCopies(session, copiedInto), fresh, { keysAreNew: true }),
      );
      expect(written).toEqual({ inserted: 3, updated: 0 });
      expect(copiedInto).toEqual(['source_person']);
      const stored = await database.db
        .selectFrom('source_person')
        .select(['source_key', 'name', 'id_number_hash'])
        .where('source', '=', 'straight')
        .where('source_key', 'like', 'N%')
        .orderBy('source_key')
        .execute();
      expect(stored.map((r) => [r.source_key, r.name])).toEqual([
        ['N1', a1.name],
        ['N2', a1.name],
        ['N3', a1.name],
      ]);
      expect(
        stored.every((r) => Buffer.from(r.id_number_hash!).equals(Buffer.from(a1.id_number_hash!))),
      ).toBe(true);
    });

    it('after every import above, each placed source record points at an existing building and its grid', async () => {
      const { placed, dangling } = await danglingSourcePlaces(ctx().database.db);
      expect(placed).toBeGreaterThan(0);
      expect(dangling).toEqual([]);
    });
  },
);
