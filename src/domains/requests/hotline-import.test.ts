// Bulk import of a 12345 export: good rows become orders through intake, each bad row gets a row-level error with
// a code and a Chinese reason (read = accepted + rejected), and the hotline's record number makes a second import
// of the same file add nothing. CSV in UTF-8 and GBK, and XLSX.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { MINI } from '../../testing/fixtures.ts';
import { describeEachBackend } from '../../testing/test-context.ts';
import { createIntakeService, importHotlineFile, parseHotlineTime } from './hotline-import.ts';
import { createRequestsTestApp } from './requests-fixture.testing.ts';
import { commandLineCaller } from './work-orders.service.ts';

const HEADER = '工单编号,来电时间,来电人,来电号码,诉求内容,诉求地址,类别编码,经度,纬度';
const GOOD = [
  'RX2026110001,2026-11-30 08:15,周建国,13700001234,小区东门路灯坏了三天，晚上很黑,和平路1号,0106,120.105,30.285',
  'RX2026110002,2026/11/30 9:02,,,楼下餐馆油烟直排，窗户都不敢开,,,120.115,30.285',
  'RX2026110003,2026-11-30,吴丽,,垃圾桶满了没人清运，味道很大,,垃圾清运,,',
];
// What each bad row gets, in file order.
const BAD: Array<[string, string]> = [
  [',2026-11-30 10:00,,,下水道堵了,,,,', 'VALIDATION_FAILED'], // no record number
  ['RX2026110004,2026-11-30 10:00,,,暖气不热,,9999,,', 'CATEGORY_UNKNOWN'],
  ['RX2026110005,2026-11-30 10:00,,,上海的路灯坏了,,0106,121.5,31.2', 'LOCATION_OUTSIDE_DISTRICT'],
  ['RX2026110006,昨天上午,,,噪音扰民,,,,', 'VALIDATION_FAILED'], // time not understood
  ['RX2026110001,2026-11-30 11:00,,,重复的编号,,,,', 'HOTLINE_RECORD_REPEATED'],
  ['RX2026110007,2026-11-30 11:00,,12345,水压太低,,,,', 'PHONE_INVALID'],
  ['RX2026110008,2026-11-30 11:00,,,好,,,,', 'VALIDATION_FAILED'], // description too short
  ['RX2026110009,2026-11-30 11:00,,,停水了,,,东经120,30.285', 'VALIDATION_FAILED'], // longitude not a number
];

describeEachBackend('requests: hotline import', createRequestsTestApp, (ctx) => {
  const db = () => ctx().database.db;
  const upload = (
    body: Buffer | string,
    fileName: string,
    contentType = 'text/csv',
    user: string | null = 'hotline',
  ) =>
    ctx().app.inject({
      method: 'POST',
      url: `/api/requests/import?fileName=${encodeURIComponent(fileName)}`,
      payload: body,
      headers: {
        'content-type': contentType,
        ...(user ? { authorization: `Bearer ${ctx().tokens[user]}` } : {}),
      },
    });

  it('good rows become orders and every bad row gets its own error; read = accepted + rejected', async () => {
    const res = await upload([HEADER, ...GOOD, ...BAD.map(([r]) => r)].join('\r\n'), '12345导出.csv');
    expect(res.statusCode).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({ read: 11, accepted: 3, rejected: 8, alreadyImported: 0 });
    expect(report.created + report.joined).toBe(3);
    expect(report.errors.map((e: { code: string }) => e.code)).toEqual(BAD.map(([, code]) => code));
    expect(report.errors.map((e: { row: number }) => e.row)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(report.errors[1].message).toContain('9999');
    expect(report.errors[4].message).toBe('工单编号 RX2026110001 与第 1 行重复');
    for (const e of report.errors) expect(e.message).toMatch(/[\u4e00-\u9fff]/);

    const orders = await db()
      .selectFrom('work_order')
      .select(['channel', 'category_code', 'status', 'received_at', 'idempotency_key'])
      .where('idempotency_key', 'like', 'hotline-record:%')
      .orderBy('idempotency_key')
      .execute();
    expect(orders.map((o) => o.idempotency_key)).toEqual([
      'hotline-record:RX2026110001',
      'hotline-record:RX2026110002',
      'hotline-record:RX2026110003',
    ]);
    expect(orders[0]).toMatchObject({ channel: 'hotline', category_code: '0106', status: 'dispatched' });
    // The call's own time, China time, not the time of the import.
    expect(new Date(orders[0]!.received_at).toISOString()).toBe('2026-11-30T00:15:00.000Z');
    // A category given by its name is found in the tree.
    expect(orders[2]!.category_code).not.toBeNull();
  });

  it('importing the same export again adds nothing and says so row by row', async () => {
    const before = await db()
      .selectFrom('work_order')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await upload([HEADER, ...GOOD].join('\n'), '12345导出.csv');
    expect(res.json()).toMatchObject({ read: 3, accepted: 3, rejected: 0, created: 0, alreadyImported: 3 });
    const after = await db()
      .selectFrom('work_order')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('an import at the command line is audited with the operator and the role cli, not as anonymous', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hotline-'));
    const file = path.join(dir, 'cli.csv');
    writeFileSync(
      file,
      [HEADER, 'RX2026119001,2026-11-30 12:00,,,西门路灯不亮好几天了,,0106,120.105,30.285'].join('\n'),
    );
    try {
      const { service, catalog } = createIntakeService(ctx().database, ctx().cipher);
      const report = await importHotlineFile(
        service,
        catalog,
        commandLineCaller('cli:tester', MINI.district.path),
        file,
        'cli.csv',
      );
      expect(report).toMatchObject({ read: 1, accepted: 1, rejected: 0 });
      const order = await db()
        .selectFrom('work_order')
        .select('id')
        .where('idempotency_key', '=', 'hotline-record:RX2026119001')
        .executeTakeFirstOrThrow();
      const entries = await db()
        .selectFrom('audit_log')
        .select(['action', 'username', 'role', 'scope_path'])
        .where(sql<boolean>`${String(order.id)} = any(entity_ids)`)
        .where('action', 'in', ['request.create', 'request.join'])
        .execute();
      expect(entries).toEqual([
        {
          action: 'request.create',
          username: 'cli:tester',
          role: 'cli',
          scope_path: MINI.district.path,
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a GBK export is read as GBK, and an XLSX export like a CSV one', async () => {
    const gbk = iconv.encode(
      [HEADER, 'RX2026120001,2026-12-01 07:40,郑芳,,电梯困人十分钟才有人来,和平路3号,,120.105,30.285'].join(
        '\r\n',
      ),
      'gbk',
    );
    expect((await upload(gbk, 'gbk.csv')).json()).toMatchObject({ read: 1, accepted: 1, rejected: 0 });
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('工单');
    ws.addRow(HEADER.split(','));
    ws.addRow(['RX2026120002', '2026-12-01 08:00', '', '', '公园健身器材损坏，小孩容易受伤', '', '', '', '']);
    ws.addRow(['RX2026120003', '2026-12-01 08:05', '', '', '', '', '', '', '']);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const report = (
      await upload(xlsx, '工单.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    ).json();
    expect(report).toMatchObject({ read: 2, accepted: 1, rejected: 1 });
    expect(report.errors[0]).toMatchObject({ row: 2, record: 'RX2026120003', code: 'VALIDATION_FAILED' });
    const stored = await db()
      .selectFrom('work_order')
      .select('description')
      .where('idempotency_key', '=', 'hotline-record:RX2026120001')
      .executeTakeFirstOrThrow();
    expect(stored.description).toBe('电梯困人十分钟才有人来');
  });

  it('a file without the record-number column gets 400; an empty body 400; no sign-in 401; an auditor 403', async () => {
    const missing = await upload('来电时间,诉求内容\n2026-12-01 08:00,路灯坏了', 'x.csv');
    expect(missing.statusCode).toBe(400);
    expect(missing.json().error.details[0].message).toContain('工单编号');
    expect((await upload([HEADER, ...GOOD].join('\n'), 'x.csv', 'text/csv', null)).statusCode).toBe(401);
    const empty = await upload('', 'x.csv');
    expect(empty.statusCode).toBe(400);
    // The auditor may read but not take calls.
    expect((await upload([HEADER, ...GOOD].join('\n'), 'x.csv', 'text/csv', 'auditor')).statusCode).toBe(403);
  });

  it('reads the times a hotline export writes', () => {
    expect(parseHotlineTime('2026-11-30 08:15')?.toISOString()).toBe('2026-11-30T00:15:00.000Z');
    expect(parseHotlineTime('2026年11月30日 8:15:30')?.toISOString()).toBe('2026-11-30T00:15:30.000Z');
    expect(parseHotlineTime('2026-02-30 08:15')).toBeNull();
    expect(parseHotlineTime('昨天')).toBeNull();
  });
});
