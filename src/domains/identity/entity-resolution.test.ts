import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildingAddressParts,
  houseAddressParts,
  organizationNameCore,
  roadNumberAfter,
  usccKey,
} from '../../lib/linkage/entity-normalise.ts';
import { makeUscc } from '../../lib/uscc.ts';
import type { ResolvedEntityType } from '../../platform/db/index.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend } from '../../testing/test-context.ts';
import { type EntityExportsSummary, generateEntityExports } from '../demo/index.ts';
import { REFERENCES } from './entity-resolution.ts';
import { importEntityRegister } from './entity-sources.ts';
import {
  completedRun,
  loadSmallDistrict,
  SEED,
  scoreRun,
  truthOfRecords,
  undoMergesAfter,
} from './identity.fixture.ts';
import { commandLineIdentityActor } from './identity.routes.ts';
import { createIdentityService } from './identity.service.ts';

describe('normal forms of houses and organisations', () => {
  it('one room written four ways gives one house key; one company three ways one name core', () => {
    const forms = [
      '浙江省杭州市云溪区某街道文一路12号望湖苑二期3号楼2单元501室',
      '望湖苑二期3-2-501',
      '望湖苑二期三栋二单元501',
      '望湖苑二期3幢2单元501室',
    ].map(houseAddressParts);
    for (const f of forms)
      expect(f).toEqual({ compound: '望湖苑2期', building: '3', unit: '2', room: '501' });
    expect(houseAddressParts('望湖苑二期')).toBeNull();
    const names = ['杭州云帆科技有限公司', '云帆科技有限责任公司', '云帆科技（杭州）有限公司'];
    expect(new Set(names.map(organizationNameCore))).toEqual(new Set(['云帆科技']));
    expect(usccKey('not a code')).toBe('');
  });

  it('an address names a building of a compound, or a road number', () => {
    for (const a of ['文一路12号望湖苑二期3号楼底商', '望湖苑二期三幢201室', '望湖苑二期3-2-501'])
      expect(buildingAddressParts(a)).toEqual({ compound: '望湖苑2期', building: '3' });
    expect(buildingAddressParts('云溪大道8号')).toBeNull();
    expect(roadNumberAfter('浙江省杭州市云溪区某街道文一路十二号', '文一路')).toBe('12');
    expect(roadNumberAfter('文一路12号楼', '文一路')).toBe('');
    expect(roadNumberAfter('文二路12号', '文一路')).toBe('');
  });
});

describeEachBackend(
  'entity resolution of houses, households and organisations on the small demo district',
  (backend) => createTestApp(backend),
  (ctx) => {
    let exportsSummary: EntityExportsSummary;
    /** se:<id> → the platform id the register record truly is. */
    let truthOf = new Map<string, number>();
    let scope = '';

    beforeAll(async () => {
      const { database, cipher } = ctx();
      scope = await loadSmallDistrict(database, cipher);
      const dir = mkdtempSync(path.join(tmpdir(), 'entities-'));
      exportsSummary = generateEntityExports({ size: 'small', seed: SEED, outDir: dir });
      for (const e of exportsSummary.exports) {
        const report = await importEntityRegister(database, cipher, {
          file: e.file,
          entityType: e.entityType,
          source: e.source,
          mapping: e.mapping,
          scopePath: scope,
        });
        expect(report.rowsRead).toBe(e.rows);
        expect(report.accepted + report.rejected.length).toBe(e.rows);
      }
      const staged = await database.db
        .selectFrom('source_entity')
        .select(['id', 'entity_type', 'source', 'source_key'])
        .execute();
      truthOf = truthOfRecords(
        exportsSummary.truthFile,
        ['entity_type', 'source', 'source_key'],
        'entity_id',
        'se:',
        staged,
      );
    }, 600_000);

    async function runAndScore(type: ResolvedEntityType, apply = true) {
      const { database, cipher } = ctx();
      const { run, service } = await completedRun(database, cipher, scope, { entityType: type, apply });
      expect(run.entityType).toBe(type);
      const scores = await scoreRun(database.db, run.id, truthOf);
      console.log(
        `${type}: ${scores.records} records, ${scores.truePairs} true pairs, precision ${scores.precision.toFixed(4)}, ` +
          `recall ${scores.recall.toFixed(4)}, F1 ${scores.f1.toFixed(4)}; updated ${run.personsUpdated}, ` +
          `conflicts ${run.conflicts}, unplaced ${run.unplaced}, reviews ${run.reviews}`,
      );
      return { run, scores, service };
    }

    it('resolves organisations by credit code, name variants and address (pairwise F1 ≥ 0.95) with golden records and provenance', async () => {
      const { run, scores } = await runAndScore('organization');
      expect(scores.truePairs).toBeGreaterThan(100);
      expect(scores.precision).toBeGreaterThanOrEqual(0.95);
      expect(scores.recall).toBeGreaterThanOrEqual(0.95);
      expect(run.personsUpdated).toBeGreaterThan(0);
      const { db } = ctx().database;
      // A company whose legal representative 市场监管 registered anew (法定代表人变更) agrees on everything else:
      // the model is not sure and puts the pair to review. A reviewer confirms it; the next run writes the new
      // representative, since the register is the authority for it.
      const service = createIdentityService(ctx().database, ctx().cipher);
      const actor = commandLineIdentityActor('tester', scope);
      const queue = await service.listReviews(actor, {
        status: 'open',
        limit: 50,
        offset: 0,
        entityType: 'organization',
      });
      expect(queue.total).toBeGreaterThan(0);
      const repChanged = queue.items.filter((r) =>
        r.evidence.some((e) => e.comparison === 'legal_rep_name' && e.weight < 0),
      );
      expect(repChanged.length).toBeGreaterThan(0);
      for (const r of repChanged)
        await service.decide(actor, r.id, { decision: 'confirm', reason: '营业执照已变更法定代表人' });
      const confirmed = await runAndScore('organization');
      expect(confirmed.scores.recall).toBeGreaterThan(scores.recall);
      const changed = await db
        .selectFrom('identity_entity_merge')
        .select('changed_fields')
        .where('run_id', '=', confirmed.run.id)
        .execute();
      expect(changed.some((m) => m.changed_fields.includes('legal_rep_name'))).toBe(true);
      // The evidence of a matched pair names every comparison of the organisation settings.
      const pair = await db
        .selectFrom('identity_pair')
        .selectAll()
        .where('run_id', '=', run.id)
        .where('decision', '=', 'match')
        .executeTakeFirstOrThrow();
      expect(pair.evidence.map((e) => e.comparison)).toEqual([
        'uscc',
        'name_core',
        'address',
        'legal_rep_name',
        'contact_phone',
      ]);
      // 市场监管 is first for the name: a golden name from a register names that register and record.
      const prov = await db
        .selectFrom('identity_entity_provenance')
        .selectAll()
        .where('entity_type', '=', 'organization')
        .where('field', '=', 'name')
        .where('source', '=', 'market_regulation')
        .executeTakeFirstOrThrow();
      expect(prov.rule).toBe('source_priority');
      expect(prov.source_entity_id).not.toBeNull();
      expect(prov.source_row).toBeGreaterThan(0);
      const org = await db
        .selectFrom('organization')
        .select(['name', 'source'])
        .where('id', '=', prov.entity_id)
        .executeTakeFirstOrThrow();
      expect(org).toEqual({ name: prov.value, source: 'identity' });

      // A second run over the same records writes nothing: the golden records and their provenance stand.
      const again = await runAndScore('organization');
      expect(again.run.personsUpdated).toBe(0);
      expect(again.scores.precision).toBe(1);
    }, 600_000);

    it('resolves houses from address styles and separate building/unit/room columns (pairwise F1 ≥ 0.95)', async () => {
      const { run, scores } = await runAndScore('house');
      expect(scores.truePairs).toBeGreaterThan(1000);
      expect(scores.precision).toBeGreaterThanOrEqual(0.95);
      expect(scores.recall).toBeGreaterThanOrEqual(0.95);
      // The title register outranks the housing register on the area: a house 住建 listed 2% larger keeps the
      // title's area, and says so.
      const prov = await ctx()
        .database.db.selectFrom('identity_entity_provenance')
        .selectAll()
        .where('entity_type', '=', 'house')
        .where('field', '=', 'area_m2')
        .where('source', '=', 'real_estate')
        .executeTakeFirstOrThrow();
      expect(prov.merge_id).toBeGreaterThan(0);
      expect(run.unplaced).toBe(0);
    }, 600_000);

    it('resolves households by the head’s ID number, household number, address and members (pairwise F1 ≥ 0.95)', async () => {
      const { scores } = await runAndScore('household');
      expect(scores.truePairs).toBeGreaterThan(500);
      expect(scores.precision).toBeGreaterThanOrEqual(0.95);
      expect(scores.recall).toBeGreaterThanOrEqual(0.95);
    }, 600_000);

    it('a merge of an organisation can be undone: columns and provenance come back, only the latest merge', async () => {
      const { database, cipher } = ctx();
      const { db } = database;
      const service = createIdentityService(database, cipher);
      const actor = commandLineIdentityActor('tester', scope);
      const merge = await db
        .selectFrom('identity_entity_merge')
        .selectAll()
        .where('entity_type', '=', 'organization')
        .where('status', '=', 'applied')
        .where(({ eb, fn }) => eb(fn('cardinality', ['changed_fields']), '>', 0))
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const previous = merge.previous as { columns: Record<string, string | null>; source: string };
      const before = previous.columns;
      const golden = await service.entityGolden(actor, 'organization', merge.entity_id);
      expect(golden.fields.length).toBeGreaterThan(0);
      expect(golden.merges.find((m) => m.id === Number(merge.id))?.undoable).toBe(true);

      const out = await service.undoEntityMerge(actor, Number(merge.id), '名称以营业执照为准');
      expect(out.status).toBe('undone');
      const org = await db
        .selectFrom('organization')
        .selectAll()
        .where('id', '=', merge.entity_id)
        .executeTakeFirstOrThrow();
      expect({
        name: org.name,
        uscc: org.uscc,
        address: org.address,
        legal_rep_name: org.legal_rep_name,
        contact_phone: org.contact_phone,
      }).toEqual(before);
      expect(org.source).toBe(previous.source);
      const left = await db
        .selectFrom('identity_entity_provenance')
        .select('merge_id')
        .where('entity_type', '=', 'organization')
        .where('entity_id', '=', merge.entity_id)
        .execute();
      expect(left.every((p) => Number(p.merge_id) !== Number(merge.id))).toBe(true);
      await expect(service.undoEntityMerge(actor, Number(merge.id), '再次撤销')).rejects.toMatchObject({
        code: 'IDENTITY_MERGE_NOT_LATEST',
      });
      const audit = await db
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'identity.merge.undo')
        .where('entity_type', '=', 'organization')
        .execute();
      expect(audit.length).toBe(1);
    }, 120_000);

    it('each entity type has its own review queue, and a split pair never shares a cluster again', async () => {
      const { database, cipher, app } = ctx();
      const { db } = database;
      const admin = await login(app, 'admin', 'Admin@2026');
      // A matched pair of the last house run, put to review and split by a reviewer.
      const lastRun = await db
        .selectFrom('identity_run')
        .select('id')
        .where('entity_type', '=', 'house')
        .where('status', '=', 'completed')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const pair = await db
        .selectFrom('identity_pair')
        .selectAll()
        .where('run_id', '=', lastRun.id)
        .where('decision', '=', 'match')
        .where('left_ref', 'like', 'h:%')
        .orderBy('match_probability')
        .executeTakeFirstOrThrow();
      const review = await db
        .insertInto('identity_review')
        .values({
          left_ref: pair.left_ref,
          right_ref: pair.right_ref,
          match_probability: pair.match_probability,
          match_weight: pair.match_weight,
          evidence: JSON.stringify(pair.evidence),
          scope_path: scope,
          run_id: lastRun.id,
          entity_type: 'house',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const houses = await app.inject({
        method: 'GET',
        url: '/api/identity/reviews?entityType=house',
        headers: authed(admin),
      });
      expect(houses.statusCode).toBe(200);
      const item = houses.json().items.find((r: { id: number }) => r.id === Number(review.id));
      expect(item.left.kind).toBe('platform');
      expect(item.right.kind).toBe('source');
      const persons = await app.inject({
        method: 'GET',
        url: '/api/identity/reviews',
        headers: authed(admin),
      });
      expect(persons.json().items.some((r: { id: number }) => r.id === Number(review.id))).toBe(false);
      const decided = await app.inject({
        method: 'POST',
        url: `/api/identity/reviews/${review.id}/decision`,
        headers: authed(admin),
        payload: { decision: 'split', reason: '现场核实为不同房屋' },
      });
      expect(decided.statusCode).toBe(200);

      const service = createIdentityService(database, cipher);
      const run = await service.start(commandLineIdentityActor('tester', scope), {
        entityType: 'house',
        apply: false,
      });
      await service.wait(run.id);
      const clusterOf = new Map(
        (
          await db
            .selectFrom('identity_cluster_member')
            .select(['ref', 'cluster_ref'])
            .where('run_id', '=', run.id)
            .execute()
        ).map((m) => [m.ref, m.cluster_ref]),
      );
      expect(clusterOf.get(pair.left_ref)).not.toBe(clusterOf.get(pair.right_ref));
      const decidedPair = await db
        .selectFrom('identity_pair')
        .select('decision')
        .where('run_id', '=', run.id)
        .where('left_ref', '=', pair.left_ref)
        .where('right_ref', '=', pair.right_ref)
        .executeTakeFirstOrThrow();
      expect(decidedPair.decision).toBe('split');
      // A house run leaves the persons' queue alone.
      const open = await db
        .selectFrom('identity_review')
        .select('entity_type')
        .where('status', '=', 'obsolete')
        .where('entity_type', '=', 'person')
        .execute();
      expect(open).toEqual([]);
    }, 300_000);

    it('register records no platform row matches create the row when the register places it, else go to review with the reason', async () => {
      const { database, cipher, app } = ctx();
      const { db } = database;
      const service = createIdentityService(database, cipher);
      const actor = commandLineIdentityActor('tester', scope);
      const dir = mkdtempSync(path.join(tmpdir(), 'entity-new-'));
      // A room the platform lacks in a building it has, and one in a compound it has never heard of.
      const known = await db
        .selectFrom('house')
        .select(['id', 'address', 'building_id', 'scope_path'])
        .where('address', 'like', '%单元%室')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const newRoom = known.address.replace(/\d+室$/, '9901室');
      const houses = path.join(dir, 'houses.csv');
      writeFileSync(houses, `编号,地址,面积\nN1,${newRoom},88.5\nN2,无名花园8幢1单元101室,60\n`);
      // A household of an existing house with a number the platform lacks, and one whose address is nowhere.
      const households = path.join(dir, 'households.csv');
      writeFileSync(
        households,
        `编号,户号,住址,人数\nN1,HH-NEW-0001,${known.address},2\nN2,HH-NEW-0002,无名花园8幢1单元101室,1\n`,
      );
      // An organisation with its name and credit code in a street of the district, and one without a code.
      const street = await db
        .selectFrom('admin_division')
        .select('name')
        .where('level', '=', 4)
        .orderBy('code')
        .executeTakeFirstOrThrow();
      const uscc = ['NEWARB01', 'NEWARB02', 'NEWARB03', 'NEWARB04']
        .map((body) => makeUscc('91', '330106', body))
        .find((c) => c !== null)!;
      const orgs = path.join(dir, 'orgs.csv');
      writeFileSync(
        orgs,
        `编号,名称,代码,住所\nN1,云溪区新开张科技有限公司,${uscc},浙江省杭州市云溪区${street.name}云溪大道8号\n` +
          `N2,无证小店,,浙江省杭州市云溪区${street.name}云溪大道9号\n`,
      );
      const registers = [
        { type: 'house', file: houses, mapping: { source_key: '编号', address: '地址', area_m2: '面积' } },
        {
          type: 'household',
          file: households,
          mapping: { source_key: '编号', household_no: '户号', address: '住址', member_count: '人数' },
        },
        {
          type: 'organization',
          file: orgs,
          mapping: { source_key: '编号', name: '名称', uscc: '代码', address: '住所' },
        },
      ] as const;
      for (const r of registers) {
        const report = await importEntityRegister(database, cipher, {
          file: r.file,
          entityType: r.type,
          source: 'new_register',
          mapping: r.mapping,
          scopePath: scope,
        });
        expect(report.accepted).toBe(2);
      }
      const refOf = async (type: string, key: string) => {
        const row = await db
          .selectFrom('source_entity')
          .select('id')
          .where('entity_type', '=', type as ResolvedEntityType)
          .where('source', '=', 'new_register')
          .where('source_key', '=', key)
          .executeTakeFirstOrThrow();
        return `se:${row.id}`;
      };
      for (const type of ['house', 'household', 'organization'] as const) {
        const run = await service.start(actor, { entityType: type });
        await service.wait(run.id);
        const done = await service.readRun(actor, run.id);
        expect(done.status, JSON.stringify(done.error)).toBe('completed');
        expect(done.personsCreated, type).toBeGreaterThanOrEqual(1);
        // The created row: its golden record names the register, and a merge records the creation.
        const created = await db
          .selectFrom('identity_cluster_member')
          .select('person_id')
          .where('run_id', '=', run.id)
          .where('ref', '=', await refOf(type, 'N1'))
          .executeTakeFirstOrThrow();
        expect(created.person_id, type).not.toBeNull();
        const golden = await service.entityGolden(actor, type, created.person_id!);
        expect(golden.fields.every((f) => f.source === 'new_register')).toBe(true);
        expect(golden.merges[0]!.undoable).toBe(true);
        // The unplaced one is in the type's queue with the reason.
        const unplacedRef = await refOf(type, 'N2');
        const queue = await service.listReviews(actor, {
          status: 'open',
          limit: 500,
          offset: 0,
          entityType: type,
        });
        const item = queue.items.find((r) => r.left?.ref === unplacedRef);
        expect(item?.kind, type).toBe('unplaced');
        expect(item?.problem).toMatch(/无法/);
      }
      const house = await db
        .selectFrom('house')
        .selectAll()
        .where('address', '=', newRoom)
        .executeTakeFirstOrThrow();
      expect(house).toMatchObject({ building_id: known.building_id, room_no: '9901', source: 'identity' });
      expect(Number(house.area_m2)).toBe(88.5);
      const household = await db
        .selectFrom('household')
        .selectAll()
        .where('household_no', '=', 'HH-NEW-0001')
        .executeTakeFirstOrThrow();
      expect(household.house_id).toBe(known.id);
      expect(household.scope_path).toBe(known.scope_path);
      const org = await db
        .selectFrom('organization')
        .selectAll()
        .where('uscc', '=', uscc)
        .executeTakeFirstOrThrow();
      expect(org.name).toBe('云溪区新开张科技有限公司');
      expect(org.kind).toBe('enterprise');
      // An unplaced item is not a pair a reviewer can confirm.
      const admin = await login(app, 'admin', 'Admin@2026');
      const unplaced = await db
        .selectFrom('identity_review')
        .select('id')
        .where('kind', '=', 'unplaced')
        .where('status', '=', 'open')
        .executeTakeFirstOrThrow();
      const refused = await app.inject({
        method: 'POST',
        url: `/api/identity/reviews/${unplaced.id}/decision`,
        headers: authed(admin),
        payload: { decision: 'confirm', reason: '同一组织' },
      });
      expect(refused.statusCode).toBe(409);
      expect(refused.json().error.code).toBe('IDENTITY_REVIEW_NOT_PAIR');
      // Undoing the creation removes the row again.
      const creation = await db
        .selectFrom('identity_entity_merge')
        .select('id')
        .where('entity_type', '=', 'organization')
        .where('entity_id', '=', org.id)
        .executeTakeFirstOrThrow();
      await service.undoEntityMerge(actor, Number(creation.id), '登记有误');
      expect(
        await db.selectFrom('organization').select('id').where('id', '=', org.id).executeTakeFirst(),
      ).toBe(undefined);
    }, 600_000);

    it('two platform rows of one organisation are a conflict in the review queue; confirming merges them, undo brings the duplicate back', async () => {
      const { database, cipher, app } = ctx();
      const { db } = database;
      const service = createIdentityService(database, cipher);
      const actor = commandLineIdentityActor('tester', scope);
      // The platform has an organisation twice (entered again without its credit code), and a facility names the
      // second copy as its operator.
      const original = await db
        .selectFrom('organization')
        .selectAll()
        .where('uscc', 'is not', null)
        .where('source', '=', 'identity')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const { id: _id, ...copy } = original;
      const duplicate = await db
        .insertInto('organization')
        .values({ ...copy, uscc: null, source: 'manual' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const facility = await db.selectFrom('facility').select('id').orderBy('id').executeTakeFirstOrThrow();
      await db
        .updateTable('facility')
        .set({ operator_org_id: duplicate.id })
        .where('id', '=', facility.id)
        .execute();

      const run = await service.start(actor, { entityType: 'organization' });
      await service.wait(run.id);
      const done = await service.readRun(actor, run.id);
      expect(done.conflicts).toBeGreaterThanOrEqual(1);
      const admin = await login(app, 'admin', 'Admin@2026');
      const queue = await app.inject({
        method: 'GET',
        url: '/api/identity/reviews?entityType=organization&limit=100',
        headers: authed(admin),
      });
      const conflict = queue
        .json()
        .items.find(
          (r: { kind: string; left: { ref: string } | null; right: { ref: string } | null }) =>
            r.kind === 'conflict' &&
            r.left?.ref === `o:${original.id}` &&
            r.right?.ref === `o:${duplicate.id}`,
        );
      expect(conflict?.problem).toContain('同一实体');
      // The two rows were compared: the card shows that pair's evidence.
      expect(conflict.evidence.map((e: { comparison: string }) => e.comparison)).toContain('name_core');

      const merged = await app.inject({
        method: 'POST',
        url: `/api/identity/reviews/${conflict.id}/decision`,
        headers: authed(admin),
        payload: { decision: 'confirm', reason: '同一家企业重复录入' },
      });
      expect(merged.statusCode).toBe(200);
      expect(merged.json().status).toBe('confirmed');
      const mergeId = merged.json().mergeId as number;
      expect(mergeId).toBeGreaterThan(0);
      expect(
        await db.selectFrom('organization').select('id').where('id', '=', duplicate.id).executeTakeFirst(),
      ).toBe(undefined);
      const operator = async () =>
        (
          await db
            .selectFrom('facility')
            .select('operator_org_id')
            .where('id', '=', facility.id)
            .executeTakeFirstOrThrow()
        ).operator_org_id;
      expect(await operator()).toBe(original.id);
      // The next run finds the organisation once: no conflict for it.
      const next = await service.start(actor, { entityType: 'organization' });
      await service.wait(next.id);
      const nextRun = await service.readRun(actor, next.id);
      expect(nextRun.status, JSON.stringify(nextRun.error)).toBe('completed');
      expect(nextRun.conflicts).toBe(done.conflicts - 1);

      // Only the latest merge is undone: a golden record the next run wrote goes first, then the absorb.
      await undoMergesAfter(database, service, actor, { type: 'organization', id: original.id }, mergeId);
      const undone = await app.inject({
        method: 'POST',
        url: `/api/identity/entity-merges/${mergeId}/undo`,
        headers: authed(admin),
        payload: { reason: '实为两家分店' },
      });
      expect(undone.statusCode).toBe(200);
      const back = await db
        .selectFrom('organization')
        .selectAll()
        .where('id', '=', duplicate.id)
        .executeTakeFirstOrThrow();
      expect(back.name).toBe(original.name);
      expect(await operator()).toBe(duplicate.id);
      const reopened = await db
        .selectFrom('identity_review')
        .select('status')
        .where('id', '=', conflict.id)
        .executeTakeFirstOrThrow();
      expect(reopened.status).toBe('open');
    }, 600_000);

    it('routes: entity type, golden record and rules are schema-checked; rows a register cannot use are named', async () => {
      const { app, database, cipher } = ctx();
      const admin = await login(app, 'admin', 'Admin@2026');
      const badType = await app.inject({
        method: 'POST',
        url: '/api/identity/runs',
        headers: authed(admin),
        payload: { entityType: 'building' },
      });
      expect(badType.statusCode).toBe(400);
      const missing = await app.inject({
        method: 'GET',
        url: '/api/identity/entities/organization/99999999/golden',
        headers: authed(admin),
      });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('IDENTITY_ENTITY_NOT_FOUND');
      const merged = await database.db
        .selectFrom('identity_entity_merge')
        .select(['entity_id'])
        .where('entity_type', '=', 'house')
        .where('status', '=', 'applied')
        .executeTakeFirstOrThrow();
      const golden = await app.inject({
        method: 'GET',
        url: `/api/identity/entities/house/${merged.entity_id}/golden`,
        headers: authed(admin),
      });
      expect(golden.statusCode).toBe(200);
      expect(golden.json().fields.map((f: { field: string }) => f.field)).toContain('area_m2');
      const community = await login(app, 'community01', 'Community@2026');
      expect(
        (
          await app.inject({
            method: 'POST',
            url: '/api/identity/entity-merges/1/undo',
            headers: authed(community),
            payload: { reason: '合并有误' },
          })
        ).statusCode,
      ).toBe(403);
      const badRule = await app.inject({
        method: 'PUT',
        url: '/api/identity/entities/house/rules/colour',
        headers: authed(admin),
        payload: { rule: 'most_recent', sourcePriority: [] },
      });
      expect(badRule.statusCode).toBe(400);
      expect(badRule.json().error.code).toBe('IDENTITY_RULE_INVALID');
      const rule = await app.inject({
        method: 'PUT',
        url: '/api/identity/entities/organization/rules/address',
        headers: authed(admin),
        payload: { rule: 'source_priority', sourcePriority: ['market_regulation', 'platform'] },
      });
      expect(rule.statusCode).toBe(200);
      const rules = await app.inject({
        method: 'GET',
        url: '/api/identity/entities/organization/rules',
        headers: authed(admin),
      });
      expect(rules.json().find((r: { field: string }) => r.field === 'address').rule).toBe('source_priority');

      // A register row without its key or name is refused with its row number and the reason.
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'entity-bad-')), 'orgs.csv');
      writeFileSync(file, '编号,名称,代码\nA1,,91330100MA00000000\n,某某公司,\nA3,某某商行,12345\n');
      const report = await importEntityRegister(database, cipher, {
        file,
        entityType: 'organization',
        source: 'test_register',
        mapping: { source_key: '编号', name: '名称', uscc: '代码' },
        scopePath: scope,
      });
      expect(report.accepted).toBe(1);
      expect(report.rejected).toEqual([
        { row: 1, message: '缺少组织名称' },
        { row: 2, message: '缺少记录编号' },
      ]);
      expect(report.warnings[0]!.message).toContain('统一社会信用代码');
      await expect(
        importEntityRegister(database, cipher, {
          file,
          entityType: 'organization',
          source: 'test_register',
          mapping: { source_key: '编号', name: '企业名称' },
          scopePath: scope,
        }),
      ).rejects.toThrow('文件中没有列「企业名称」');
      // Registers are read like the departments' person exports: a GBK file and a workbook import as well.
      const gbk = path.join(path.dirname(file), 'orgs-gbk.csv');
      writeFileSync(gbk, iconv.encode('编号,名称\r\nG1,云溪区某某五金店\r\nG2,云溪区某某茶馆\r\n', 'gbk'));
      const fromGbk = await importEntityRegister(database, cipher, {
        file: gbk,
        entityType: 'organization',
        source: 'test_register_gbk',
        mapping: { source_key: '编号', name: '名称' },
        scopePath: scope,
      });
      expect(fromGbk).toMatchObject({ rowsRead: 2, accepted: 2, rejected: [] });
      const staged = await database.db
        .selectFrom('source_entity')
        .select('fields')
        .where('source', '=', 'test_register_gbk')
        .orderBy('source_key')
        .execute();
      expect(staged.map((r) => r.fields['name'])).toEqual(['云溪区某某五金店', '云溪区某某茶馆']);
      const xlsx = path.join(path.dirname(file), 'orgs.xlsx');
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('登记');
      ws.addRow(['编号', '名称']);
      ws.addRow(['X1', '云溪区某某书店']);
      await wb.xlsx.writeFile(xlsx);
      expect(
        await importEntityRegister(database, cipher, {
          file: xlsx,
          entityType: 'organization',
          source: 'test_register_xlsx',
          mapping: { source_key: '编号', name: '名称' },
          scopePath: scope,
        }),
      ).toMatchObject({ rowsRead: 1, accepted: 1 });
    }, 120_000);

    it('a household created from a register links its head by ID number and its members by name, or says why not; undo unlinks them', async () => {
      const { database, cipher } = ctx();
      const { db } = database;
      const service = createIdentityService(database, cipher);
      const actor = commandLineIdentityActor('tester', scope);
      const houses = await db
        .selectFrom('house')
        .select(['id', 'address', 'grid_id', 'street_code', 'scope_path'])
        .where('address', 'like', '%单元%室')
        .orderBy('id', 'desc')
        .limit(3)
        .execute();
      const [home, second, third] = houses as [(typeof houses)[0], (typeof houses)[0], (typeof houses)[0]];
      // Residents of the first house the platform knows but no household holds: the head (with an ID number),
      // a member, and two of one name (which the register's member list cannot tell apart).
      const headId = '330106190001010018';
      const resident = (name: string, idNumber: string | null) => ({
        street_code: home.street_code,
        grid_id: home.grid_id,
        scope_path: home.scope_path,
        house_id: home.id,
        name,
        sex: '1' as const,
        registration_type: 'household' as const,
        source: 'manual',
        id_number_cipher: idNumber ? cipher.seal(idNumber) : null,
        id_number_hash: idNumber ? cipher.blindIndex(idNumber) : null,
      });
      const inserted = await db
        .insertInto('person')
        .values([
          resident('柏新户', headId),
          resident('柏新成', null),
          resident('柏重名', null),
          resident('柏重名', null),
        ])
        .returning('id')
        .execute();
      const [head, member, twinA, twinB] = inserted.map((r) => r.id) as [number, number, number, number];
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'entity-head-')), 'households.csv');
      writeFileSync(
        file,
        '编号,户号,户主身份证号,住址,人数,成员\n' +
          `P1,HH-HEAD-0001,${headId},${home.address},4,柏新户、柏新成、柏重名\n` +
          `P2,HH-HEAD-0002,330106190001020016,${second.address},1,\n` +
          `P3,HH-HEAD-0003,,${third.address},1,\n`,
      );
      const report = await importEntityRegister(database, cipher, {
        file,
        entityType: 'household',
        source: 'head_register',
        mapping: {
          source_key: '编号',
          household_no: '户号',
          head_id: '户主身份证号',
          address: '住址',
          member_count: '人数',
          members: '成员',
        },
        scopePath: scope,
      });
      expect(report.accepted).toBe(3);
      const run = await service.start(actor, { entityType: 'household' });
      await service.wait(run.id);
      const done = await service.readRun(actor, run.id);
      expect(done.status, JSON.stringify(done.error)).toBe('completed');
      expect(done.model['created']).toMatchObject({
        head_linked: 1,
        head_not_found: 1,
        head_no_id_number: 1,
        members_linked: 2,
        // The register names 柏重名 without a birth date, and two residents have the name: neither is picked.
        members_ambiguous: 1,
      });
      const created = await db
        .selectFrom('household')
        .select(['id', 'household_no', 'head_person_id', 'house_id'])
        .where('household_no', 'like', 'HH-HEAD-%')
        .orderBy('household_no')
        .execute();
      expect(created.map((h) => [h.household_no, h.house_id, h.head_person_id])).toEqual([
        ['HH-HEAD-0001', home.id, head],
        ['HH-HEAD-0002', second.id, null],
        ['HH-HEAD-0003', third.id, null],
      ]);
      const householdOf = async () =>
        new Map(
          (
            await db
              .selectFrom('person')
              .select(['id', 'household_id'])
              .where('id', 'in', [head, member, twinA, twinB])
              .execute()
          ).map((p) => [p.id, p.household_id]),
        );
      expect(await householdOf()).toEqual(
        new Map([
          [head, created[0]!.id],
          [member, created[0]!.id],
          [twinA, null],
          [twinB, null],
        ]),
      );
      // Each creation says what it linked, or why the head is empty.
      const merges = await db
        .selectFrom('identity_entity_merge')
        .select(['id', 'entity_id', 'previous'])
        .where('run_id', '=', run.id)
        .where('created_entity', '=', true)
        .execute();
      const previousOf = (id: number) => merges.find((m) => m.entity_id === id)!.previous;
      expect(previousOf(created[0]!.id)).toMatchObject({
        head: { personId: head, problem: null },
        linkedPersons: [head, member],
        unlinkedMembers: [{ name: '柏*名', reason: 'ambiguous' }],
      });
      expect(previousOf(created[1]!.id)).toMatchObject({
        head: { personId: null, problem: '平台中没有该身份证号的人员' },
      });
      expect(previousOf(created[2]!.id)).toMatchObject({
        head: { personId: null, problem: '登记未提供户主身份证号' },
      });
      // Undoing the creation unlinks the residents it linked and removes the household.
      await service.undoEntityMerge(
        actor,
        Number(merges.find((m) => m.entity_id === created[0]!.id)!.id),
        '户主有误',
      );
      expect(await householdOf()).toEqual(
        new Map([
          [head, null],
          [member, null],
          [twinA, null],
          [twinB, null],
        ]),
      );
      expect(
        await db.selectFrom('household').select('id').where('id', '=', created[0]!.id).executeTakeFirst(),
      ).toBe(undefined);
    }, 600_000);

    it('an unplaced register record is a single-record item with its reason and the buildings considered; dismissed, it stays dismissed over re-runs', async () => {
      const { database, cipher, app } = ctx();
      const { db } = database;
      const service = createIdentityService(database, cipher);
      const actor = commandLineIdentityActor('tester', scope);
      const admin = await login(app, 'admin', 'Admin@2026');
      // A room in building 99 of a compound the platform has, but not that building: the compound's buildings
      // are what a worker could place it in.
      const known = await db
        .selectFrom('house')
        .select(['address', 'building_id'])
        .where('address', 'like', '%单元%室')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const address = known.address.replace(/\d+(?=(幢|栋|号楼))/, '99');
      expect(houseAddressParts(address)?.building).toBe('99');
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'entity-unplaced-')), 'houses.csv');
      writeFileSync(file, `编号,地址\nU1,${address}\n`);
      await importEntityRegister(database, cipher, {
        file,
        entityType: 'house',
        source: 'unplaced_register',
        mapping: { source_key: '编号', address: '地址' },
        scopePath: scope,
      });
      const record = await db
        .selectFrom('source_entity')
        .select('id')
        .where('source', '=', 'unplaced_register')
        .executeTakeFirstOrThrow();
      const ref = `se:${record.id}`;
      const run = await service.start(actor, { entityType: 'house' });
      await service.wait(run.id);
      expect((await service.readRun(actor, run.id)).status).toBe('completed');
      const queue = async (status: string) =>
        (
          await app.inject({
            method: 'GET',
            url: `/api/identity/reviews?entityType=house&status=${status}&limit=200`,
            headers: authed(admin),
          })
        ).json().items as {
          id: number;
          kind: string;
          single: boolean;
          problem: string;
          status: string;
          left: { ref: string; address: string } | null;
          right: unknown;
          candidates: { ref: string; label: string; why: string }[];
        }[];
      const item = (await queue('open')).find((r) => r.left?.ref === ref)!;
      expect(item).toMatchObject({ kind: 'unplaced', single: true, right: null });
      expect(item.left?.address).toBe(address);
      expect(item.problem).toContain('楼栋在平台中不存在');
      expect(item.candidates.length).toBeGreaterThan(0);
      expect(item.candidates.every((c) => /^b:\d+$/.test(c.ref) && c.why === 'same_compound')).toBe(true);
      expect(item.candidates.map((c) => c.ref)).toContain(`b:${known.building_id}`);
      // Stored as before: the second reference is the placeholder.
      const stored = await db
        .selectFrom('identity_review')
        .select(['right_ref'])
        .where('id', '=', item.id)
        .executeTakeFirstOrThrow();
      expect(stored.right_ref).toBe(`${ref}~`);

      const decide = (id: number, payload: Record<string, unknown>) =>
        app.inject({
          method: 'POST',
          url: `/api/identity/reviews/${id}/decision`,
          headers: authed(admin),
          payload,
        });
      for (const decision of ['confirm', 'split']) {
        const refused = await decide(item.id, { decision, reason: '核对' });
        expect(refused.statusCode, decision).toBe(409);
        expect(refused.json().error.code).toBe('IDENTITY_REVIEW_NOT_PAIR');
      }
      const choose = await decide(item.id, { decision: 'choose', reason: '核对', personId: 1 });
      expect(choose.statusCode).toBe(400);
      expect(choose.json().error.code).toBe('IDENTITY_DECISION_INVALID');
      const dismissed = await decide(item.id, { decision: 'dismiss', reason: '该楼栋尚未建成，仅保留登记' });
      expect(dismissed.statusCode).toBe(200);
      expect(dismissed.json()).toMatchObject({ status: 'dismissed', single: true, right: null });

      // The next run finds the record unplaced again and keeps the decision.
      const again = await service.start(actor, { entityType: 'house' });
      await service.wait(again.id);
      expect((await service.readRun(actor, again.id)).unplaced).toBeGreaterThanOrEqual(1);
      expect((await queue('open')).some((r) => r.left?.ref === ref)).toBe(false);
      expect((await queue('dismissed')).find((r) => r.id === item.id)?.candidates.length).toBeGreaterThan(0);

      // A pair cannot be dismissed: it is confirmed or split.
      const pair = await db
        .insertInto('identity_review')
        .values({
          left_ref: ref,
          right_ref: `${ref}0`,
          run_id: again.id,
          match_probability: 0.7,
          match_weight: 1,
          evidence: JSON.stringify([]),
          scope_path: scope,
          entity_type: 'house',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const notDismissed = await decide(Number(pair.id), { decision: 'dismiss', reason: '核对' });
      expect(notDismissed.statusCode).toBe(400);
      expect(notDismissed.json().error.code).toBe('IDENTITY_DECISION_INVALID');
      await db.deleteFrom('identity_review').where('id', '=', pair.id).execute();
    }, 600_000);

    it('a household created without its head is queued: a worker picks the head among the candidates (undoable) or confirms none; members of one name are told apart by birth date', async () => {
      const { database, cipher, app } = ctx();
      const { db } = database;
      const service = createIdentityService(database, cipher);
      const actor = commandLineIdentityActor('tester', scope);
      const admin = await login(app, 'admin', 'Admin@2026');
      const houses = await db
        .selectFrom('house')
        .select(['id', 'address', 'grid_id', 'street_code', 'scope_path'])
        .where('address', 'like', '%单元%室')
        // Houses no household lives in, so the registers' households are created, not matched.
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('household').select('id').whereRef('household.house_id', '=', 'house.id'))),
        )
        .orderBy('id', 'desc')
        .offset(5)
        .limit(2)
        .execute();
      const [home, other] = houses as [(typeof houses)[0], (typeof houses)[0]];
      const resident = (name: string, sex: '1' | '2', birth: string) => ({
        street_code: home.street_code,
        grid_id: home.grid_id,
        scope_path: home.scope_path,
        house_id: home.id,
        name,
        sex,
        birth_date: birth,
        registration_type: 'household' as const,
        source: 'manual',
      });
      const inserted = await db
        .insertInto('person')
        .values([
          resident('柏选户', '1', '1960-03-03'),
          resident('柏同名', '1', '1990-01-01'),
          resident('柏同名', '2', '1992-02-02'),
        ])
        .returning('id')
        .execute();
      const [elder, twinOlder, twinYounger] = inserted.map((r) => r.id) as [number, number, number];
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'entity-choose-')), 'households.csv');
      writeFileSync(
        file,
        '编号,户号,户主身份证号,住址,人数,成员\n' +
          // No head ID number; the two of one name listed the other way round, with their birth dates.
          `C1,HH-CHOOSE-0001,,${home.address},3,柏同名(1992-02-02)、柏选户(1960-03-03)、柏同名（男，1990-01-01）\n` +
          `C2,HH-CHOOSE-0002,330106190001030018,${other.address},1,\n`,
      );
      await importEntityRegister(database, cipher, {
        file,
        entityType: 'household',
        source: 'choose_register',
        mapping: {
          source_key: '编号',
          household_no: '户号',
          head_id: '户主身份证号',
          address: '住址',
          member_count: '人数',
          members: '成员',
        },
        scopePath: scope,
      });
      const run = await service.start(actor, { entityType: 'household' });
      await service.wait(run.id);
      const done = await service.readRun(actor, run.id);
      expect(done.status, JSON.stringify(done.error)).toBe('completed');
      const created = await db
        .selectFrom('household')
        .select(['id', 'household_no', 'head_person_id'])
        .where('household_no', 'like', 'HH-CHOOSE-%')
        .orderBy('household_no')
        .execute();
      expect(created.map((h) => h.head_person_id)).toEqual([null, null]);
      const [withMembers, noHead] = created as [(typeof created)[0], (typeof created)[0]];
      const householdOf = async (ids: number[]) =>
        (
          await db
            .selectFrom('person')
            .select(['id', 'household_id'])
            .where('id', 'in', ids)
            .orderBy('id')
            .execute()
        ).map((p) => p.household_id);
      // Both of one name are linked, each by the birth date the register gives.
      expect(await householdOf([elder, twinOlder, twinYounger])).toEqual([
        withMembers.id,
        withMembers.id,
        withMembers.id,
      ]);

      const queue = (
        await app.inject({
          method: 'GET',
          url: '/api/identity/reviews?entityType=household&limit=200',
          headers: authed(admin),
        })
      ).json().items as {
        id: number;
        kind: string;
        single: boolean;
        problem: string;
        left: { ref: string } | null;
        right: unknown;
        candidates: { ref: string; label: string; why: string }[];
      }[];
      const itemOf = (id: number) =>
        queue.find((r) => r.kind === 'household_head' && r.left?.ref === `hh:${id}`)!;
      const first = itemOf(withMembers.id);
      expect(first).toMatchObject({ single: true, right: null });
      expect(first.problem).toContain('登记未提供户主身份证号');
      expect(first.candidates.map((c) => c.ref).sort()).toEqual(
        [elder, twinOlder, twinYounger].map((id) => `p:${id}`).sort(),
      );
      expect(first.candidates.every((c) => c.why === 'member' && c.label.includes('*'))).toBe(true);
      const second = itemOf(noHead.id);
      expect(second.problem).toContain('平台中没有该身份证号的人员');

      const decide = (id: number, payload: Record<string, unknown>) =>
        app.inject({
          method: 'POST',
          url: `/api/identity/reviews/${id}/decision`,
          headers: authed(admin),
          payload,
        });
      // Not a pair; a choice needs a person, and one of the candidates or the house's residents.
      expect((await decide(first.id, { decision: 'confirm', reason: '核对' })).statusCode).toBe(409);
      expect((await decide(first.id, { decision: 'choose', reason: '核对' })).json().error.code).toBe(
        'IDENTITY_DECISION_INVALID',
      );
      const stranger = await db
        .selectFrom('person')
        .select('id')
        .where('house_id', '<>', home.id)
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const refused = await decide(first.id, { decision: 'choose', reason: '核对', personId: stranger.id });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.code).toBe('IDENTITY_HEAD_NOT_CANDIDATE');
      const chosen = await decide(first.id, { decision: 'choose', reason: '入户核实户主', personId: elder });
      expect(chosen.statusCode).toBe(200);
      expect(chosen.json()).toMatchObject({ status: 'confirmed', chosenPersonId: elder });
      const mergeId = chosen.json().mergeId as number;
      expect(mergeId).toBeGreaterThan(0);
      const headOf = async (id: number) =>
        (
          await db
            .selectFrom('household')
            .select('head_person_id')
            .where('id', '=', id)
            .executeTakeFirstOrThrow()
        ).head_person_id;
      expect(await headOf(withMembers.id)).toBe(elder);
      const twice = await decide(first.id, { decision: 'choose', reason: '换人', personId: twinOlder });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().error.code).toBe('IDENTITY_REVIEW_DECIDED');
      const none = await decide(second.id, { decision: 'dismiss', reason: '户主已迁出，平台无此人' });
      expect(none.json()).toMatchObject({ status: 'dismissed' });

      // A later run keeps both decisions: the head stays, neither item comes back or goes obsolete.
      const again = await service.start(actor, { entityType: 'household' });
      await service.wait(again.id);
      expect((await service.readRun(actor, again.id)).status).toBe('completed');
      expect(await headOf(withMembers.id)).toBe(elder);
      const statusOf = async (id: number) =>
        (
          await db
            .selectFrom('identity_review')
            .select('status')
            .where('id', '=', id)
            .executeTakeFirstOrThrow()
        ).status;
      expect([await statusOf(first.id), await statusOf(second.id)]).toEqual(['confirmed', 'dismissed']);

      // Undoing the choice (the latest merge first) clears the head and reopens the item.
      await undoMergesAfter(database, service, actor, { type: 'household', id: withMembers.id }, mergeId);
      const undone = await app.inject({
        method: 'POST',
        url: `/api/identity/entity-merges/${mergeId}/undo`,
        headers: authed(admin),
        payload: { reason: '户主选错' },
      });
      expect(undone.statusCode).toBe(200);
      expect(await headOf(withMembers.id)).toBe(null);
      expect(await statusOf(first.id)).toBe('open');
      expect(await householdOf([elder])).toEqual([withMembers.id]);
    }, 600_000);

    it('merging a duplicate household repoints every column that names it, review items included; undo puts them back', async () => {
      const { database, cipher, app } = ctx();
      const { db } = database;
      const service = createIdentityService(database, cipher);
      const actor = commandLineIdentityActor('tester', scope);
      const admin = await login(app, 'admin', 'Admin@2026');
      // The foreign keys the database knows are the ones a merge repoints.
      const keys = await sql<{ referenced: string; table_name: string; column_name: string }>`
        SELECT DISTINCT ref.relname AS referenced, cl.relname AS table_name, att.attname AS column_name
        FROM pg_constraint c
        JOIN pg_class cl ON cl.oid = c.conrelid
        JOIN pg_class ref ON ref.oid = c.confrelid
        JOIN pg_attribute att ON att.attrelid = c.conrelid AND att.attnum = ANY (c.conkey)
        WHERE c.contype = 'f' AND ref.relname IN ('house', 'household', 'organization')`.execute(db);
      for (const type of ['house', 'household', 'organization'] as const)
        expect(
          keys.rows
            .filter((k) => k.referenced === type)
            .map((k) => `${k.table_name}.${k.column_name}`)
            .sort(),
          type,
        ).toEqual(REFERENCES[type].map((r) => `${r.table}.${r.column}`).sort());

      // The platform has a household twice (entered again with the same head and number): a resident and a
      // device were attached to the copy, a reviewer split a register record from it, and its head item is open.
      const original = await db
        .selectFrom('household')
        .selectAll()
        .where('head_person_id', 'is not', null)
        .where('member_count', '>', 2)
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const { id: _id, ...copy } = original;
      const duplicate = await db
        .insertInto('household')
        .values({ ...copy, source: 'manual' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const movedPerson = await db
        .selectFrom('person')
        .select('id')
        .where('household_id', '=', original.id)
        .where('id', '<>', original.head_person_id!)
        .orderBy('id')
        .executeTakeFirst();
      if (movedPerson)
        await db
          .updateTable('person')
          .set({ household_id: duplicate.id })
          .where('id', '=', movedPerson.id)
          .execute();
      const house = await db
        .selectFrom('house')
        .select(['street_code', 'scope_path'])
        .where('id', '=', original.house_id!)
        .executeTakeFirstOrThrow();
      const device = await db
        .insertInto('sensor_device')
        .values({
          device_uid: `dup-household-${duplicate.id}`,
          kind: 'water_meter',
          district_code: house.scope_path.split('/').filter(Boolean)[0] ?? '330106',
          street_code: house.street_code,
          scope_path: house.scope_path,
          household_id: duplicate.id,
          lng: 120.1,
          lat: 30.2,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const register = await db
        .selectFrom('source_entity')
        .select('id')
        .where('entity_type', '=', 'household')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const reviewRow = (
        left: string,
        right: string,
        kind: 'pair' | 'household_head',
        status: 'split' | 'open',
      ) => ({
        left_ref: left,
        right_ref: right,
        run_id: 0,
        match_probability: 0.7,
        match_weight: 1,
        evidence: JSON.stringify([]),
        scope_path: original.scope_path,
        entity_type: 'household' as const,
        kind,
        status,
      });

      const run = await service.start(actor, { entityType: 'household' });
      await service.wait(run.id);
      expect((await service.readRun(actor, run.id)).status).toBe('completed');
      const [split, head] = await db
        .insertInto('identity_review')
        .values([
          { ...reviewRow(`hh:${duplicate.id}`, `se:${register.id}`, 'pair', 'split'), run_id: run.id },
          {
            ...reviewRow(`hh:${duplicate.id}`, `hh:${duplicate.id}~`, 'household_head', 'open'),
            run_id: run.id,
          },
        ])
        .returning('id')
        .execute();
      const conflict = await db
        .selectFrom('identity_review')
        .select('id')
        .where('kind', '=', 'conflict')
        .where('left_ref', 'in', [`hh:${original.id}`, `hh:${duplicate.id}`])
        .where('right_ref', 'in', [`hh:${original.id}`, `hh:${duplicate.id}`])
        .executeTakeFirstOrThrow();
      const merged = await app.inject({
        method: 'POST',
        url: `/api/identity/reviews/${conflict.id}/decision`,
        headers: authed(admin),
        payload: { decision: 'confirm', reason: '同一户重复录入' },
      });
      expect(merged.statusCode).toBe(200);
      const mergeId = merged.json().mergeId as number;

      /** Every place that names the household by id: its foreign keys and the review queue's references. */
      const naming = async (id: number) => {
        const out: string[] = [];
        for (const r of REFERENCES.household) {
          const n = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(r.table)}
            WHERE ${sql.ref(r.column)} = ${id}`.execute(db);
          if (Number(n.rows[0]!.n) > 0) out.push(`${r.table}.${r.column}`);
        }
        for (const r of await db
          .selectFrom('identity_review')
          .select(['id'])
          .where('entity_type', '=', 'household')
          .where((eb) =>
            eb.or([eb('left_ref', '=', `hh:${id}`), eb('right_ref', 'in', [`hh:${id}`, `hh:${id}~`])]),
          )
          .execute())
          out.push(`identity_review.${r.id}`);
        return out.sort();
      };
      // Only the merged conflict itself still names the absorbed row (undo reopens it).
      expect(await naming(duplicate.id)).toEqual([`identity_review.${conflict.id}`]);
      const refsOf = async (id: number | bigint) =>
        await db
          .selectFrom('identity_review')
          .select(['left_ref', 'right_ref', 'status'])
          .where('id', '=', Number(id))
          .executeTakeFirstOrThrow();
      expect(await refsOf(split!.id)).toEqual({
        left_ref: `hh:${original.id}`,
        right_ref: `se:${register.id}`,
        status: 'split',
      });
      expect(await refsOf(head!.id)).toMatchObject({
        left_ref: `hh:${original.id}`,
        right_ref: `hh:${original.id}~`,
      });
      const deviceHousehold = async () =>
        (
          await db
            .selectFrom('sensor_device')
            .select('household_id')
            .where('id', '=', device.id)
            .executeTakeFirstOrThrow()
        ).household_id;
      expect(await deviceHousehold()).toBe(original.id);

      // Undo (the latest merge of the survivor first) brings every reference back to the copy.
      await undoMergesAfter(database, service, actor, { type: 'household', id: original.id }, mergeId);
      await service.undoEntityMerge(actor, mergeId, '实为两户');
      expect(await naming(duplicate.id)).toEqual(
        [
          `identity_review.${conflict.id}`,
          `identity_review.${split!.id}`,
          `identity_review.${head!.id}`,
          'sensor_device.household_id',
          ...(movedPerson ? ['person.household_id'] : []),
        ].sort(),
      );
      expect(await deviceHousehold()).toBe(duplicate.id);
    }, 600_000);

    it('an organisation created from a register is placed by the building or road number its address names, else in its street', async () => {
      const { database, cipher } = ctx();
      const { db } = database;
      const service = createIdentityService(database, cipher);
      const actor = commandLineIdentityActor('tester', scope);
      const buildings = await db
        .selectFrom('building')
        .select(['id', 'grid_id', 'street_code', 'scope_path', 'address', 'road', 'road_no', 'lng', 'lat'])
        .where('compound', 'is not', null)
        .orderBy('id', 'desc')
        .execute();
      const building = buildings[0]!;
      // A road number whose buildings all stand in one grid, other than the first building's.
      const gridsOf = new Map<string, Set<number>>();
      for (const b of buildings) {
        const key = `${b.road}${b.road_no}`;
        gridsOf.set(key, (gridsOf.get(key) ?? new Set()).add(b.grid_id));
      }
      const gate = buildings.find(
        (b) =>
          b.road &&
          b.road_no &&
          b.grid_id !== building.grid_id &&
          gridsOf.get(`${b.road}${b.road_no}`)!.size === 1,
      )!;
      const streets = await db
        .selectFrom('admin_division')
        .select(['code', 'name', 'path'])
        .where('level', '=', 4)
        .execute();
      const streetOf = (at: string) => streets.find((x) => at.startsWith(x.path))!;
      const lastStreet = streets.sort((a, b) => b.code.localeCompare(a.code))[0]!;
      const firstGrid = await db
        .selectFrom('grid')
        .select('id')
        .where('path', 'like', `${lastStreet.path}%`)
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const codes = ['PLACEA01', 'PLACEA02', 'PLACEA03', 'PLACEA04', 'PLACEA05', 'PLACEA06', 'PLACEA07']
        .map((body) => makeUscc('91', '330106', body))
        .filter((c): c is string => c !== null);
      const district = '浙江省杭州市云溪区';
      const file = path.join(mkdtempSync(path.join(tmpdir(), 'entity-org-')), 'orgs.csv');
      writeFileSync(
        file,
        '编号,名称,代码,住所\n' +
          `Q1,青禾咖啡有限公司,${codes[0]},${building.address}底商\n` +
          `Q2,远山书店有限公司,${codes[1]},${district}${streetOf(gate.scope_path).name}${gate.road}${gate.road_no}\n` +
          `Q3,白鹭文化传媒有限公司,${codes[2]},${district}${lastStreet.name}无此路9999号\n`,
      );
      const report = await importEntityRegister(database, cipher, {
        file,
        entityType: 'organization',
        source: 'place_register',
        mapping: { source_key: '编号', name: '名称', uscc: '代码', address: '住所' },
        scopePath: scope,
      });
      expect(report.accepted).toBe(3);
      const run = await service.start(actor, { entityType: 'organization' });
      await service.wait(run.id);
      const done = await service.readRun(actor, run.id);
      expect(done.status, JSON.stringify(done.error)).toBe('completed');
      expect(done.model['created']).toMatchObject({
        placed_building: 1,
        placed_road_number: 1,
        placed_street: 1,
      });
      const org = (uscc: string) =>
        db
          .selectFrom('organization')
          .select(['id', 'grid_id', 'street_code', 'lng', 'lat'])
          .where('uscc', '=', uscc)
          .executeTakeFirstOrThrow();
      const [atBuilding, atGate, inStreet] = [
        await org(codes[0]!),
        await org(codes[1]!),
        await org(codes[2]!),
      ];
      expect(atBuilding).toMatchObject({
        grid_id: building.grid_id,
        street_code: building.street_code,
        lng: building.lng,
        lat: building.lat,
      });
      expect(atGate).toMatchObject({ grid_id: gate.grid_id, street_code: gate.street_code });
      expect(inStreet).toMatchObject({ grid_id: firstGrid.id, lng: null, lat: null });
      const placement = async (id: number) =>
        (
          await db
            .selectFrom('identity_entity_merge')
            .select('previous')
            .where('entity_type', '=', 'organization')
            .where('entity_id', '=', id)
            .where('created_entity', '=', true)
            .executeTakeFirstOrThrow()
        ).previous['placement'];
      expect(await placement(atBuilding.id)).toEqual({ by: 'building', buildingId: building.id });
      expect(await placement(atGate.id)).toEqual({ by: 'road_number', buildingId: null });
      expect(await placement(inStreet.id)).toEqual({ by: 'street', buildingId: null });
    }, 600_000);
  },
);
