// The staff console's read side of work orders: search and the overdue filter of the list, the export (CSV and
// XLSX, formula cells escaped, phone and ID numbers in the text masked, requesters only counted, audited, scoped),
// the related orders of one order (merged in, merged into, similar nearby) and its photos; what bad input gets.
import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../testing/test-context.ts';
import { callAs, createRequestsTestApp, jpegOf, PLACES } from './requests-fixture.testing.ts';

describeEachBackend('requests: staff console read side', createRequestsTestApp, (ctx) => {
  const call = callAs(ctx);
  const db = () => ctx().database.db;
  async function hotlineOrder(body: object) {
    const res = await call('hotline', 'POST', '/api/requests/hotline', body);
    expect(res.statusCode).toBe(201);
    const number = res.json().order.number as string;
    const row = await db()
      .selectFrom('work_order')
      .select('id')
      .where('number', '=', number)
      .executeTakeFirstOrThrow();
    return { id: Number(row.id), number };
  }

  it('the list finds orders by number prefix, by words of the problem or the address; overdue means past the resolve deadline', async () => {
    const late = await hotlineOrder({
      description: '光明路菜市场门口井盖松动，踩上去会响',
      categoryCode: '0104',
      address: '光明路88号',
      ...PLACES.a1,
      callerName: '韩梅梅',
      callerPhone: '13900007777',
    });
    const onTime = await hotlineOrder({
      description: '楼道灯坏了好几天',
      categoryCode: '0501',
      ...PLACES.a2,
    });
    await db()
      .updateTable('work_order')
      .set({ resolve_due: new Date(Date.now() - 3_600_000) })
      .where('id', '=', late.id)
      .execute();
    const byText = await call('cw_a', 'GET', `/api/requests?q=${encodeURIComponent('井盖松动')}`);
    expect(byText.statusCode).toBe(200);
    expect(byText.json().items.map((o: { id: number }) => o.id)).toEqual([late.id]);
    const byAddress = await call('cw_a', 'GET', `/api/requests?q=${encodeURIComponent('光明路88')}`);
    expect(byAddress.json().items.map((o: { id: number }) => o.id)).toEqual([late.id]);
    const byNumber = await call('cw_a', 'GET', `/api/requests?q=${onTime.number.slice(0, 12)}`);
    expect(byNumber.json().items.map((o: { id: number }) => o.id)).toContain(onTime.id);
    // LIKE wildcards typed by the user match themselves, not everything.
    expect((await call('cw_a', 'GET', '/api/requests?q=%25')).json().total).toBe(0);
    const overdue = await call('cw_a', 'GET', '/api/requests?overdue=true&pageSize=200');
    const ids = overdue.json().items.map((o: { id: number }) => o.id);
    expect(ids).toContain(late.id);
    expect(ids).not.toContain(onTime.id);
    // The community of street 2 does not find community A's order by searching for it.
    expect(
      (await call('cw_c', 'GET', `/api/requests?q=${encodeURIComponent('井盖松动')}`)).json().total,
    ).toBe(0);
    const tooLong = await call('cw_a', 'GET', `/api/requests?q=${'长'.repeat(101)}`);
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('exports the filtered list as CSV and XLSX: formulas escaped, numbers in the text masked, requesters only counted, audited', async () => {
    const order = await hotlineOrder({
      description: '=HYPERLINK("http://x")楼下噪音，我电话13912345678，身份证110101199003071234',
      categoryCode: '0104',
      ...PLACES.a1,
      callerName: '李雷',
      callerPhone: '13912345678',
    });
    const csv = await call('cw_a', 'GET', `/api/requests/export.csv?q=${encodeURIComponent('楼下噪音')}`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.startsWith('\uFEFF工单编号,状态')).toBe(true);
    expect(csv.body).toContain(order.number);
    expect(csv.body).toContain(`"'=HYPERLINK(""http://x"")楼下噪音`);
    expect(csv.body).toContain('139****5678');
    expect(csv.body).toContain('110101********1234');
    expect(csv.body).not.toContain('13912345678');
    expect(csv.body).not.toContain('李雷');
    expect(csv.body.split('\r\n').filter(Boolean)).toHaveLength(2);

    const xlsx = await call('cw_a', 'GET', `/api/requests/export.xlsx?q=${encodeURIComponent('楼下噪音')}`);
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const texts: string[] = [];
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        texts.push(String(cell.value));
      }),
    );
    expect(texts).toContain(order.number);
    expect(texts.some((t) => t.startsWith(`'=HYPERLINK`))).toBe(true);
    expect(texts.join('|')).not.toContain('13912345678');
    let formulas = 0;
    sheet.eachRow((row) =>
      row.eachCell((cell) => {
        if (cell.type === ExcelJS.ValueType.Formula) formulas++;
      }),
    );
    expect(formulas).toBe(0);

    const audit = await db()
      .selectFrom('audit_log')
      .select(['entity_ids', 'details'])
      .where('action', '=', 'request.export')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.entity_ids).toContain(String(order.id));
    // Outside the viewer's area the export holds no row of it; a format other than csv/xlsx is 400.
    const other = await call('cw_c', 'GET', `/api/requests/export.csv?q=${encodeURIComponent('楼下噪音')}`);
    expect(other.body).not.toContain(order.number);
    expect((await call('cw_a', 'GET', '/api/requests/export.pdf')).statusCode).toBe(400);
    expect((await call(null, 'GET', '/api/requests/export.csv')).statusCode).toBe(401);
  });

  it('related orders: the one merged in, the one merged into, and a similar open order nearby; each only if visible', async () => {
    const target = await hotlineOrder({
      description: '和谐路口红绿灯坏了，一直闪黄灯',
      categoryCode: '0104',
      ...PLACES.a1,
    });
    // Without a category the second waits in the centre, which merges it into the first.
    const duplicate = await hotlineOrder({ description: '和谐路口的红绿灯不亮了', ...PLACES.a2 });
    const merged = await call('hotline', 'POST', `/api/requests/${duplicate.id}/merge`, {
      intoOrderId: target.id,
    });
    expect(merged.statusCode).toBe(200);
    // Same place, similar words, another category: not the same incident, but worth seeing.
    const similar = await hotlineOrder({
      description: '和谐路口红绿灯旁边的路灯坏了',
      categoryCode: '0501',
      lng: PLACES.a1.lng + 0.0003,
      lat: PLACES.a1.lat,
    });
    const related = await call('cw_a', 'GET', `/api/requests/${target.id}/related`);
    expect(related.statusCode).toBe(200);
    const items = related.json().items as Array<{ id: number; relation: string }>;
    expect(items.find((i) => i.id === duplicate.id)?.relation).toBe('merged_in');
    expect(items.find((i) => i.id === similar.id)?.relation).toBe('similar');
    const back = await call('cw_a', 'GET', `/api/requests/${duplicate.id}/related`);
    expect(
      (back.json().items as Array<{ id: number; relation: string }>).find((i) => i.id === target.id)
        ?.relation,
    ).toBe('merged_into');
    expect((await call('cw_c', 'GET', `/api/requests/${target.id}/related`)).statusCode).toBe(404);
    expect((await call('cw_a', 'GET', '/api/requests/0/related')).statusCode).toBe(400);
  });

  it('a photo of a patrol report is served to those who see the order, and 404 to others', async () => {
    const res = await call('gw_a1', 'POST', '/api/requests/patrol', {
      description: '绿化带里堆了建筑垃圾',
      eventCode: 'E0102',
      ...PLACES.a1,
      photos: [{ fileName: 'a.jpg', contentType: 'image/jpeg', dataBase64: jpegOf(2048) }],
    });
    expect(res.statusCode).toBe(201);
    const row = await db()
      .selectFrom('work_order')
      .select('id')
      .where('number', '=', res.json().order.number)
      .executeTakeFirstOrThrow();
    const detail = await call('cw_a', 'GET', `/api/requests/${row.id}`);
    const attachmentId = detail.json().attachments[0].id;
    const photo = await call('cw_a', 'GET', `/api/requests/${row.id}/attachments/${attachmentId}`);
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/jpeg');
    expect(photo.headers['x-content-type-options']).toBe('nosniff');
    expect(photo.rawPayload.length).toBe(2048);
    expect(
      (await call('cw_c', 'GET', `/api/requests/${row.id}/attachments/${attachmentId}`)).statusCode,
    ).toBe(404);
    expect(
      (await call('cw_a', 'GET', `/api/requests/${row.id}/attachments/${attachmentId + 1000}`)).statusCode,
    ).toBe(404);
  });

  it('the reference lists categories, units and urban-management classes for signed-in staff only', async () => {
    const res = await call('water_staff', 'GET', '/api/requests/reference');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.categories.find((c: { code: string }) => c.code === '0401')).toMatchObject({
      name: '停水',
      majorName: '供水',
      unitName: '供水公司',
    });
    expect(body.units.map((u: { code: string }) => u.code)).toContain('water');
    expect(body.urbanClasses.find((c: { code: string }) => c.code === 'E0102')).toMatchObject({
      major: '市容环境',
      minor: '暴露垃圾',
    });
    expect((await call(null, 'GET', '/api/requests/reference')).statusCode).toBe(401);
  });
});
