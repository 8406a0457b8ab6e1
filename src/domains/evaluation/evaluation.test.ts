import ExcelJS from 'exceljs';
import { expect, it } from 'vitest';
import { pdfStreams } from '../../lib/report/pdf-streams.testing.ts';
import type { Db } from '../../platform/db/index.ts';
import { MINI, type MiniDistrict, seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';

interface Ctx extends TestAppContext {
  mini: MiniDistrict;
  tokens: Record<string, string>;
}

/** Communities A and B of street 1 have 2026 inputs; B's 2025 inputs are all zero; C has none. */
async function seedEvaluation(db: Db, mini: MiniDistrict) {
  await db
    .insertInto('community_resource')
    .values([
      {
        community_code: MINI.communityA.code,
        street_code: '330192001',
        year: 2026,
        budget: 200000,
        staff: 4,
      },
      {
        community_code: MINI.communityB.code,
        street_code: '330192001',
        year: 2026,
        budget: 300000,
        staff: 6,
      },
      {
        community_code: MINI.communityA.code,
        street_code: '330192001',
        year: 2025,
        budget: 100000,
        staff: 3,
      },
      { community_code: MINI.communityB.code, street_code: '330192001', year: 2025, budget: 0, staff: 0 },
    ])
    .execute();
  const provider = await db
    .insertInto('service_provider')
    .values({
      street_code: '330192001',
      scope_path: MINI.street1.path,
      name: '颐康居家养老服务中心',
      kind: 'social_org',
      service_categories: ['home_care'],
      capacity_per_month: 100,
      source: 'test',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const visit = (personIndex: number, minutes: number, rating: number | null) => {
    const p = mini.persons[personIndex]!;
    const grid = Object.values(mini.grids).find((g) => g.path === p.gridPath)!;
    return {
      street_code: p.gridPath.split('/')[2]!,
      grid_id: grid.id,
      scope_path: p.gridPath,
      provider_id: provider.id,
      person_id: p.id,
      worker_name: '护理员',
      category: 'home_care',
      started_at: new Date('2026-06-01T02:00:00Z'),
      minutes,
      cost: minutes,
      confirmed_at: rating === null ? null : new Date('2026-06-01T05:00:00Z'),
      resident_rating: rating,
      recorded_by: 1,
    };
  };
  await db
    .insertInto('service_delivery')
    .values([visit(0, 60, 5), visit(1, 90, 4), visit(2, 30, null), visit(3, 60, 3)])
    .execute();
}

describeEachBackend(
  'evaluation: DEA, indicators and reports',
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend);
    const mini = await seedMiniDistrict(ctx.database.db, ctx.cipher);
    await seedEvaluation(ctx.database.db, mini);
    const tokens: Record<string, string> = {};
    for (const user of ['admin', 'street1', 'cw_a', 'resident_a1'])
      tokens[user] = await login(ctx.app, user, MINI.password);
    return { ...ctx, mini, tokens };
  },
  (ctx) => {
    const get = (user: string, url: string) =>
      ctx().app.inject({ method: 'GET', url, headers: authed(ctx().tokens[user]!) });

    it('scores the communities of the street: A (3 services, 2 satisfied, lower budget) is efficient', async () => {
      const res = await get('street1', '/api/evaluation/dea/communities?year=2026');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        model: 'bcc',
        orientation: 'output',
        inputs: ['budget', 'staff', 'facilities'],
      });
      const a = body.units.find((u: { id: string }) => u.id === MINI.communityA.code);
      const b = body.units.find((u: { id: string }) => u.id === MINI.communityB.code);
      expect(a).toMatchObject({ name: '幸福社区', status: 'efficient', efficiency: 1 });
      expect(a.outputValues).toEqual({ deliveries: 3, hours: 3, satisfied: 2 });
      expect(b.efficiency).toBeLessThan(1);
      expect(b.peers.map((p: { name: string }) => p.name)).toEqual(['幸福社区']);
    });

    it('answers 422 naming the community without inputs, and the one whose inputs are all zero', async () => {
      const missing = await get('admin', '/api/evaluation/dea/communities?year=2026');
      expect(missing.statusCode).toBe(422);
      expect(missing.json().error.details).toEqual([
        expect.objectContaining({
          field: `${MINI.communityC.code}/budget`,
          messageEn: `${MINI.communityC.code} has no budget and staff for 2026`,
        }),
      ]);
      const zero = await get('street1', '/api/evaluation/dea/communities?year=2025');
      expect(zero.statusCode).toBe(422);
      expect(zero.json().error.code).toBe('DEA_INPUT_INVALID');
      expect(
        zero
          .json()
          .error.details.map((d: { field: string }) => d.field)
          .join(' '),
      ).toContain(MINI.communityB.code);
    });

    it('gives ECharts-ready indicators per community', async () => {
      const body = (await get('street1', '/api/evaluation/indicators?year=2026')).json();
      expect(body.xAxis.data).toEqual(['幸福社区', '和平社区']);
      expect(body.series.find((s: { nameEn: string }) => s.nameEn === 'Services').data).toEqual([3, 1]);
      expect(body.series.find((s: { nameEn: string }) => s.nameEn === 'Average rating').data).toEqual([
        4.5, 3,
      ]);
    });

    it('exports the report as XLSX and as a PDF with the Chinese font embedded; both are audited', async () => {
      const x = await get('street1', '/api/evaluation/report.xlsx?year=2026');
      expect(x.statusCode).toBe(200);
      expect(x.headers['content-type']).toContain('spreadsheetml');
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(x.rawPayload as unknown as ArrayBuffer);
      const values = book.worksheets.flatMap((s) => s.getSheetValues().flat());
      expect(values).toContain('幸福社区');
      expect(book.worksheets.map((s) => s.name)).toContain('DEA 效率（BCC，产出导向）');
      const p = await get('street1', '/api/evaluation/report.pdf?year=2026');
      expect(p.statusCode).toBe(200);
      expect(p.headers['content-type']).toBe('application/pdf');
      const text = p.rawPayload.toString('latin1');
      expect(text.startsWith('%PDF-')).toBe(true);
      expect(text).toMatch(/\/FontFile[23]? \d+ 0 R/);
      const streams = pdfStreams(p.rawPayload);
      // 幸 U+5E78 福 U+798F: the community name is in the text layer.
      const cmap = streams.find((s) => s.includes('begincmap'))!.toLowerCase();
      expect(cmap).toContain('<5e78>');
      expect(cmap).toContain('<798f>');
      const audit = await ctx()
        .database.db.selectFrom('audit_log')
        .select('details')
        .where('action', '=', 'evaluation.export')
        .execute();
      expect(audit.map((a) => (a.details as { format: string }).format).sort()).toEqual(['pdf', 'xlsx']);
    }, 60_000);

    it('scores providers, and refuses residents (403)', async () => {
      const res = await get('street1', '/api/evaluation/dea/providers?year=2026&model=ccr&orientation=input');
      expect(res.statusCode).toBe(200);
      expect(res.json().units).toEqual([
        expect.objectContaining({ name: '颐康居家养老服务中心', efficiency: 1 }),
      ]);
      expect((await get('resident_a1', '/api/evaluation/indicators?year=2026')).statusCode).toBe(403);
    });
  },
);
