import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES, roleCan } from '../../platform/auth/roles.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend } from '../../testing/test-context.ts';
import { generateDepartmentExports } from '../demo/department-exports.ts';
import { commandLineActor, districtPath, runImport } from '../ingest/index.ts';
import { loadSmallDistrict, SEED, scoreRun, TODAY, truthOfRecords } from './identity.fixture.ts';
import { commandLineIdentityActor } from './identity.routes.ts';
import { createIdentityService } from './identity.service.ts';
import { type CandidateRecord, chooseValue } from './survivorship.ts';

describe('survivorship', () => {
  const rec = (ref: string, source: string, observedAt: string, name: string): CandidateRecord => ({
    ref,
    source,
    sourcePersonId: null,
    sourceRow: null,
    importRunId: null,
    observedAt,
    values: { name },
  });
  const records = [
    rec('sp:1', 'health', '2025-01-01', '张玮'),
    rec('sp:2', 'police', '2020-01-01', '张伟'),
    rec('sp:3', 'grid_collect', '2026-10-01', '张玮'),
  ];
  it('source priority takes the first listed source that has a value', () => {
    const c = chooseValue(
      { field: 'name', rule: 'source_priority', sourcePriority: ['police', 'health'] },
      records,
    );
    expect(c?.value).toBe('张伟');
    expect(c?.from.ref).toBe('sp:2');
  });
  it('most recent takes the latest record, most frequent the commonest value', () => {
    expect(chooseValue({ field: 'name', rule: 'most_recent', sourcePriority: [] }, records)?.from.ref).toBe(
      'sp:3',
    );
    expect(
      chooseValue({ field: 'name', rule: 'most_frequent', sourcePriority: ['health'] }, records)?.from.ref,
    ).toBe('sp:1');
  });
  it('a field no record has gets no value', () => {
    expect(chooseValue({ field: 'phone', rule: 'most_recent', sourcePriority: [] }, records)).toBeNull();
  });
});

describeEachBackend(
  'identity resolution on the small demo district',
  (backend) => createTestApp(backend),
  (ctx) => {
    let truthOf: Map<string, number>;
    let exportsSummary: Awaited<ReturnType<typeof generateDepartmentExports>>;

    beforeAll(async () => {
      const { database, cipher } = ctx();
      const scope = await loadSmallDistrict(database, cipher);
      const dir = mkdtempSync(path.join(tmpdir(), 'identity-'));
      exportsSummary = await generateDepartmentExports({ size: 'small', seed: SEED, outDir: dir });
      // Four departments keep the test short and still give every kind of noise (GBK, XLSX, legacy IDs,
      // missing ID numbers, homophones).
      for (const e of exportsSummary.exports.filter((x) =>
        ['civil_affairs', 'health', 'disabled', 'grid_collect'].includes(x.source),
      )) {
        await runImport(database, cipher, {
          file: e.file,
          fileName: path.basename(e.file),
          source: e.source,
          mapping: e.mapping,
          actor: commandLineActor('tester', scope),
          today: new Date(`${TODAY}T00:00:00Z`),
        });
      }
      const staged = await database.db
        .selectFrom('source_person')
        .select(['id', 'source', 'source_key'])
        .execute();
      truthOf = truthOfRecords(
        exportsSummary.truthFile,
        ['source', 'source_key'],
        'person_id',
        'sp:',
        staged,
      );
    }, 600_000);

    async function personSnapshot(id: number) {
      return ctx()
        .database.db.selectFrom('person')
        .select(['name', 'sex', 'birth_date', 'id_number_hash', 'phone_hash', 'source'])
        .where('id', '=', id)
        .executeTakeFirst();
    }

    it('links source records to the right persons (pairwise precision and recall ≥ 0.97) and writes golden records with provenance', async () => {
      const { database, cipher } = ctx();
      const service = createIdentityService(database, cipher);
      const scope = await districtPath(database.db);
      const run = await service.start(commandLineIdentityActor('tester', scope), {});
      expect(run.status).toBe('running');
      await service.wait(run.id);
      const done = await service.readRun({ scopePath: scope }, run.id);
      expect(done.status, JSON.stringify(done.error)).toBe('completed');
      expect(done.pairsCompared).toBe(done.pairsTotal);
      expect(done.pairsTotal).toBeGreaterThan(0);
      expect(done.personsUpdated).toBeGreaterThan(1000);

      const scores = await scoreRun(database.db, run.id, truthOf);
      expect(scores.truePairs).toBeGreaterThan(2000);
      expect(scores.precision).toBeGreaterThanOrEqual(0.97);
      expect(scores.recall).toBeGreaterThanOrEqual(0.97);

      // A matched pair keeps its evidence: every comparison with the level reached and its weight.
      const pair = await database.db
        .selectFrom('identity_pair')
        .selectAll()
        .where('run_id', '=', run.id)
        .where('decision', '=', 'match')
        .executeTakeFirstOrThrow();
      expect(pair.evidence.map((e) => e.comparison)).toEqual([
        'name',
        'id_number',
        'birth_date',
        'sex',
        'phone',
        'address',
      ]);
      expect(typeof pair.evidence[0]!.weight).toBe('number');

      // Each golden field names its source record, row, import run and rule.
      const prov = await database.db
        .selectFrom('identity_field_provenance')
        .selectAll()
        .where('source', '=', 'civil_affairs')
        .where('field', '=', 'name')
        .executeTakeFirstOrThrow();
      expect(prov.rule).toBe('source_priority');
      expect(prov.source_person_id).not.toBeNull();
      expect(prov.source_row).toBeGreaterThan(0);
      expect(prov.import_run_id).not.toBeNull();
      const linked = await database.db
        .selectFrom('identity_link')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(linked.n)).toBeGreaterThan(2000);

      // A second run over the same records leaves nearly every person as it was: only clusters that the
      // golden values themselves brought together or apart change.
      const again = await service.start(commandLineIdentityActor('tester', scope), {});
      await service.wait(again.id);
      const second = await service.readRun({ scopePath: scope }, again.id);
      expect(second.status).toBe('completed');
      expect(second.personsUpdated + second.personsCreated).toBeLessThan(
        (done.personsUpdated + done.personsCreated) * 0.05,
      );
    }, 600_000);

    it('a reviewer decision survives re-runs: a split pair never shares a cluster, a confirmed one always does', async () => {
      const { app, database, cipher } = ctx();
      const token = await login(app, 'admin', 'Admin@2026');
      const queue = await app.inject({
        method: 'GET',
        url: '/api/identity/reviews?limit=5',
        headers: authed(token),
      });
      expect(queue.statusCode).toBe(200);
      const open = queue.json().items as { id: number; left: { name: string } | null; right: unknown }[];
      let leftRef: string;
      let rightRef: string;
      let reviewId: number;
      if (open.length > 0) {
        reviewId = open[0]!.id;
        // Records side by side are masked (张*明).
        expect(open[0]!.left?.name ?? '*').toContain('*');
      } else {
        // No uncertain pair on this seed: put a matched pair in the queue to decide.
        const run = await database.db
          .selectFrom('identity_run')
          .select('id')
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow();
        const p = await database.db
          .selectFrom('identity_pair')
          .selectAll()
          .where('run_id', '=', run.id)
          .where('decision', '=', 'match')
          .where('left_ref', 'like', 'sp:%')
          .where('right_ref', 'like', 'sp:%')
          .executeTakeFirstOrThrow();
        const row = await database.db
          .insertInto('identity_review')
          .values({
            left_ref: p.left_ref,
            right_ref: p.right_ref,
            match_probability: p.match_probability,
            match_weight: p.match_weight,
            evidence: JSON.stringify(p.evidence),
            scope_path: await districtPath(database.db),
            run_id: run.id,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        reviewId = Number(row.id);
      }
      const review = await database.db
        .selectFrom('identity_review')
        .selectAll()
        .where('id', '=', reviewId)
        .executeTakeFirstOrThrow();
      leftRef = review.left_ref;
      rightRef = review.right_ref;

      // Bad input: no reason → 400 VALIDATION_FAILED; an unknown decision → 400; a pair that does not exist → 404.
      const noReason = await app.inject({
        method: 'POST',
        url: `/api/identity/reviews/${reviewId}/decision`,
        headers: authed(token),
        payload: { decision: 'split' },
      });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json().error.code).toBe('VALIDATION_FAILED');
      const unknown = await app.inject({
        method: 'POST',
        url: `/api/identity/reviews/${reviewId}/decision`,
        headers: authed(token),
        payload: { decision: 'merge', reason: '现场核实' },
      });
      expect(unknown.statusCode).toBe(400);
      const missing = await app.inject({
        method: 'POST',
        url: '/api/identity/reviews/99999999/decision',
        headers: authed(token),
        payload: { decision: 'split', reason: '现场核实' },
      });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.code).toBe('IDENTITY_REVIEW_NOT_FOUND');

      const split = await app.inject({
        method: 'POST',
        url: `/api/identity/reviews/${reviewId}/decision`,
        headers: authed(token),
        payload: { decision: 'split', reason: '入户核实为两人' },
      });
      expect(split.statusCode).toBe(200);
      expect(split.json().status).toBe('split');

      const service = createIdentityService(database, cipher);
      const scope = await districtPath(database.db);
      const clusterOfRef = async (runId: number, ref: string) =>
        (
          await database.db
            .selectFrom('identity_cluster_member')
            .select('cluster_ref')
            .where('run_id', '=', runId)
            .where('ref', '=', ref)
            .executeTakeFirstOrThrow()
        ).cluster_ref;
      for (let i = 0; i < 2; i++) {
        const run = await service.start(commandLineIdentityActor('tester', scope), { apply: false });
        await service.wait(run.id);
        expect((await service.readRun({ scopePath: scope }, run.id)).decisions).toBeGreaterThanOrEqual(1);
        expect(await clusterOfRef(run.id, leftRef)).not.toBe(await clusterOfRef(run.id, rightRef));
        const pair = await database.db
          .selectFrom('identity_pair')
          .select('decision')
          .where('run_id', '=', run.id)
          .where('left_ref', '=', leftRef)
          .where('right_ref', '=', rightRef)
          .executeTakeFirstOrThrow();
        expect(pair.decision).toBe('split');
      }

      const confirm = await app.inject({
        method: 'POST',
        url: `/api/identity/reviews/${reviewId}/decision`,
        headers: authed(token),
        payload: { decision: 'confirm', reason: '证件复印件一致' },
      });
      expect(confirm.statusCode).toBe(200);
      const run = await service.start(commandLineIdentityActor('tester', scope), { apply: false });
      await service.wait(run.id);
      expect(await clusterOfRef(run.id, leftRef)).toBe(await clusterOfRef(run.id, rightRef));
      const audit = await database.db
        .selectFrom('audit_log')
        .select(['action', 'purpose'])
        .where('action', '=', 'identity.review.decide')
        .execute();
      expect(audit.map((a) => a.purpose)).toContain('入户核实为两人');
    }, 600_000);

    it('undoing a merge restores the person as it was, is audited, and only the latest merge can be undone', async () => {
      const { app, database } = ctx();
      const token = await login(app, 'admin', 'Admin@2026');
      const merge = await database.db
        .selectFrom('identity_merge')
        .selectAll()
        .where('status', '=', 'applied')
        .where('created_person', '=', false)
        .where(sql<boolean>`cardinality(changed_fields) > 0`)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('identity_merge as later')
                .select('later.id')
                .whereRef('later.person_id', '=', 'identity_merge.person_id')
                .whereRef('later.id', '>', 'identity_merge.id')
                .where('later.status', '=', 'applied'),
            ),
          ),
        )
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const previous = merge.previous as { person: Record<string, unknown> };
      const golden = await app.inject({
        method: 'GET',
        url: `/api/identity/persons/${merge.person_id}/golden`,
        headers: authed(token),
      });
      expect(golden.statusCode).toBe(200);
      const g = golden.json();
      expect(g.fields.length).toBeGreaterThan(2);
      for (const f of g.fields) expect(f.source).toBeTruthy();
      const idField = g.fields.find((f: { field: string }) => f.field === 'id_number');
      if (idField) expect(idField.value).toMatch(/\*{8}/);
      expect(g.merges[0].undoable).toBe(true);

      const noReason = await app.inject({
        method: 'POST',
        url: `/api/identity/merges/${merge.id}/undo`,
        headers: authed(token),
        payload: {},
      });
      expect(noReason.statusCode).toBe(400);
      const undo = await app.inject({
        method: 'POST',
        url: `/api/identity/merges/${merge.id}/undo`,
        headers: authed(token),
        payload: { reason: '合并有误' },
      });
      expect(undo.statusCode, undo.body).toBe(200);
      const after = await personSnapshot(merge.person_id);
      expect(after?.name).toBe(previous.person['name']);
      expect(after?.birth_date).toBe(previous.person['birth_date']);
      expect(after?.source).toBe(previous.person['source']);
      const hash = after?.id_number_hash ? Buffer.from(after.id_number_hash).toString('base64') : null;
      expect(hash).toBe(previous.person['id_number_hash']);
      const links = await database.db
        .selectFrom('identity_link')
        .select('source_person_id')
        .where('merge_id', '=', merge.id)
        .execute();
      expect(links).toHaveLength(0);
      const again = await app.inject({
        method: 'POST',
        url: `/api/identity/merges/${merge.id}/undo`,
        headers: authed(token),
        payload: { reason: '再次撤销' },
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('IDENTITY_MERGE_NOT_LATEST');
      const audit = await database.db
        .selectFrom('audit_log')
        .select(['entity_ids', 'purpose'])
        .where('action', '=', 'identity.merge.undo')
        .execute();
      expect(audit.some((a) => a.purpose === '合并有误')).toBe(true);
    }, 120_000);

    it('prefill gives staff masked values with source and date, the resident their own in full, others 404', async () => {
      const { app, database } = ctx();
      const merged = await database.db
        .selectFrom('identity_merge as m')
        .innerJoin('account as a', 'a.person_id', 'm.person_id')
        .select('m.person_id')
        .where('a.username', '=', 'resident01')
        .executeTakeFirst();
      const resident = await database.db
        .selectFrom('account')
        .select('person_id')
        .where('username', '=', 'resident01')
        .executeTakeFirstOrThrow();
      const personId = merged?.person_id ?? resident.person_id!;
      const admin = await login(app, 'admin', 'Admin@2026');
      const staff = await app.inject({
        method: 'GET',
        url: `/api/persons/${personId}/prefill`,
        headers: authed(admin),
      });
      expect(staff.statusCode).toBe(200);
      const fields = new Map(
        (staff.json().fields as { field: string; value: string; source: string; date: string | null }[]).map(
          (f) => [f.field, f],
        ),
      );
      expect(staff.json().masked).toBe(true);
      expect(fields.get('name')!.value).toContain('*');
      expect(fields.get('id_number')!.value).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
      expect(fields.get('birth_date')!.value).toMatch(/^\d{4}-\*\*-\*\*$/);
      for (const f of fields.values()) {
        expect(f.source).toBeTruthy();
        expect(f.date).toBeTruthy();
      }

      const me = await login(app, 'resident01', 'Resident@2026');
      const own = await app.inject({ method: 'GET', url: '/api/me/prefill', headers: authed(me) });
      expect(own.statusCode).toBe(200);
      expect(own.json().masked).toBe(false);
      const ownId = own.json().fields.find((f: { field: string }) => f.field === 'id_number');
      expect(ownId.value).toMatch(/^\d{17}[\dX]$/);
      // A resident may not read anyone's prefill through the staff route (403); a grid worker of another
      // grid gets 404 as for a missing record; an unknown id is 404; a non-numeric id 400.
      const residentOther = await app.inject({
        method: 'GET',
        url: `/api/persons/${personId}/prefill`,
        headers: authed(me),
      });
      expect(residentOther.statusCode).toBe(403);
      const grid = await login(app, 'grid01', 'Grid@2026');
      const gridScope = await database.db
        .selectFrom('account')
        .select('scope_path')
        .where('username', '=', 'grid01')
        .executeTakeFirstOrThrow();
      const outside = await database.db
        .selectFrom('person')
        .select('id')
        .where('scope_path', 'not like', `${gridScope.scope_path}%`)
        .executeTakeFirstOrThrow();
      const hidden = await app.inject({
        method: 'GET',
        url: `/api/persons/${outside.id}/prefill`,
        headers: authed(grid),
      });
      expect(hidden.statusCode).toBe(404);
      expect(hidden.json().error.code).toBe('PERSON_NOT_FOUND');
      expect(
        (await app.inject({ method: 'GET', url: '/api/persons/99999999/prefill', headers: authed(admin) }))
          .statusCode,
      ).toBe(404);
      expect(
        (await app.inject({ method: 'GET', url: '/api/persons/abc/prefill', headers: authed(admin) }))
          .statusCode,
      ).toBe(400);
      const audit = await database.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', '=', 'person.prefill')
        .execute();
      expect(audit.length).toBeGreaterThanOrEqual(2);
    }, 120_000);

    it('identity has its own permissions: community workers read and decide, only run-holders start, undo and set rules', async () => {
      const { app } = ctx();
      const call = async (
        user: string,
        password: string,
        method: 'GET' | 'POST' | 'PUT',
        url: string,
        payload?: object,
      ) =>
        (
          await app.inject({
            method,
            url,
            headers: authed(await login(app, user, password)),
            ...(payload ? { payload } : {}),
          })
        ).statusCode;
      // A community worker reads the queue of their community and may decide a pair (a missing one is 404,
      // not 403), but starting a run, undoing a merge or changing a rule is 403.
      expect(await call('community01', 'Community@2026', 'GET', '/api/identity/reviews')).toBe(200);
      expect(await call('community01', 'Community@2026', 'GET', '/api/identity/runs')).toBe(200);
      expect(
        await call('community01', 'Community@2026', 'POST', '/api/identity/reviews/99999999/decision', {
          decision: 'split',
          reason: '入户核实为两人',
        }),
      ).toBe(404);
      expect(await call('community01', 'Community@2026', 'POST', '/api/identity/runs', {})).toBe(403);
      expect(
        await call('community01', 'Community@2026', 'POST', '/api/identity/merges/1/undo', {
          reason: '合并有误',
        }),
      ).toBe(403);
      expect(
        await call('community01', 'Community@2026', 'PUT', '/api/identity/rules/phone', {
          rule: 'most_recent',
          sourcePriority: [],
        }),
      ).toBe(403);
      // Grid workers, hotline operators, auditors and residents see nothing of identity (403).
      for (const [user, password] of [
        ['grid01', 'Grid@2026'],
        ['hotline', 'Hotline@2026'],
        ['auditor', 'Auditor@2026'],
        ['resident01', 'Resident@2026'],
      ] as const) {
        expect(await call(user, password, 'GET', '/api/identity/reviews'), user).toBe(403);
        expect(await call(user, password, 'POST', '/api/identity/runs', {}), user).toBe(403);
      }
      // Import rights alone no longer open identity: the table grants identity:* by role, not ingest:run.
      for (const role of ROLES)
        expect(roleCan(role, 'identity:read'), role).toBe(
          ['district_admin', 'street_officer', 'community_worker'].includes(role),
        );
      expect(ROLES.filter((r) => roleCan(r, 'identity:run'))).toEqual(['district_admin', 'street_officer']);
    }, 120_000);

    it('routes check roles and input: runs need identity:run, bad settings and rules are 400 with a code', async () => {
      const { app } = ctx();
      const grid = await login(app, 'grid01', 'Grid@2026');
      expect(
        (await app.inject({ method: 'POST', url: '/api/identity/runs', headers: authed(grid), payload: {} }))
          .statusCode,
      ).toBe(403);
      expect((await app.inject({ method: 'GET', url: '/api/identity/runs' })).statusCode).toBe(401);
      const admin = await login(app, 'admin', 'Admin@2026');
      const badSettings = await app.inject({
        method: 'POST',
        url: '/api/identity/runs',
        headers: authed(admin),
        payload: { settings: { comparisons: [{ column: 'surname', levels: [{ type: 'exact' }] }] } },
      });
      expect(badSettings.statusCode).toBe(400);
      expect(badSettings.json().error.code).toBe('IDENTITY_SETTINGS_INVALID');
      const unknownField = await app.inject({
        method: 'POST',
        url: '/api/identity/runs',
        headers: authed(admin),
        payload: { fast: true },
      });
      expect(unknownField.statusCode).toBe(400);
      const badRule = await app.inject({
        method: 'PUT',
        url: '/api/identity/rules/phone',
        headers: authed(admin),
        payload: { rule: 'most_recent', sourcePriority: ['nowhere'] },
      });
      expect(badRule.statusCode).toBe(400);
      expect(badRule.json().error.code).toBe('IDENTITY_RULE_INVALID');
      const badField = await app.inject({
        method: 'PUT',
        url: '/api/identity/rules/shoe_size',
        headers: authed(admin),
        payload: { rule: 'most_recent', sourcePriority: [] },
      });
      expect(badField.statusCode).toBe(400);
      const goodRule = await app.inject({
        method: 'PUT',
        url: '/api/identity/rules/phone',
        headers: authed(admin),
        payload: { rule: 'source_priority', sourcePriority: ['health', 'platform'] },
      });
      expect(goodRule.statusCode).toBe(200);
      expect(goodRule.json().sourcePriority).toEqual(['health', 'platform']);

      // Over HTTP the run starts at once (202) and its progress is read back while it runs.
      const started = await app.inject({
        method: 'POST',
        url: '/api/identity/runs',
        headers: authed(admin),
        payload: { apply: false },
      });
      expect(started.statusCode).toBe(202);
      const id = started.json().id as number;
      const busy = await app.inject({
        method: 'POST',
        url: '/api/identity/runs',
        headers: authed(admin),
        payload: {},
      });
      expect(busy.statusCode).toBe(409);
      expect(busy.json().error.code).toBe('IDENTITY_RUN_BUSY');
      let status = 'running';
      for (let i = 0; i < 600 && status === 'running'; i++) {
        await new Promise((r) => setTimeout(r, 200));
        // Other requests are answered while the engine works.
        const health = await app.inject({
          method: 'GET',
          url: '/api/identity/runs/' + id,
          headers: authed(admin),
        });
        expect(health.statusCode).toBe(200);
        status = health.json().status;
      }
      expect(status).toBe('completed');
      const street = await login(app, 'street01', 'Street@2026');
      const pairs = await app.inject({
        method: 'GET',
        url: `/api/identity/runs/${id}/pairs?decision=match&limit=3`,
        headers: authed(street),
      });
      expect(pairs.statusCode).toBe(200);
      expect(pairs.json()[0].evidence.length).toBe(6);
      expect(
        (await app.inject({ method: 'GET', url: '/api/identity/runs/99999', headers: authed(admin) }))
          .statusCode,
      ).toBe(404);
    }, 300_000);
  },
);
