// Profiles and proactive services over the mini district: rules as data (bad rules get 400 naming the JSON path),
// tag and eligibility runs with evidence, masking of sensitive tags, the review queue (approve → contact task,
// twice → 409), appeals (out of scope → 404, reopen with the explanation, data correction changes the outcome),
// CSV export with formula escaping, and demand figures. Every decision is audited.
import { expect, it } from 'vitest';
import { MINI, type MiniDistrict, seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';
import { addResident } from './profiles.testing.ts';

interface Ctx extends TestAppContext {
  mini: MiniDistrict;
  tokens: Record<string, string>;
  extra: Record<string, number>;
}

const AS_OF = '2026-11-30';

describeEachBackend(
  'profiles and eligibility',
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend);
    const db = ctx.database.db;
    const mini = await seedMiniDistrict(db, ctx.cipher);
    const extra: Record<string, number> = {};
    // Community A, grid a1: an 85-year-old living alone (old-age allowance, no grant), a 92-year-old who already
    // receives it, an elderly couple both 76+, and a resident whose name starts like a spreadsheet formula.
    extra['alone85'] = (await addResident(db, mini.grids.a1, { name: '周桂兰', birth: '1941-05-02' })).id;
    extra['served92'] = (await addResident(db, mini.grids.a1, { name: '吴德明', birth: '1934-01-20' })).id;
    const husband = await addResident(db, mini.grids.a2, { name: '郑大海', birth: '1948-02-02' });
    extra['husband'] = husband.id;
    extra['wife'] = (
      await addResident(db, mini.grids.a2, {
        name: '冯小梅',
        birth: '1950-03-03',
        householdId: husband.householdId,
      })
    ).id;
    extra['formula'] = (
      await addResident(db, mini.grids.a2, { name: '=HYPERLINK("x")', birth: '1940-01-01' })
    ).id;
    await db
      .insertInto('benefit_grant')
      .values({
        person_id: extra['served92'],
        street_code: '330192001',
        scope_path: mini.grids.a1.path,
        policy_id: 'old_age_allowance',
        amount: 200,
        start_date: '2024-01-01',
        end_date: null,
        source: 'test',
      })
      .execute();
    const tokens: Record<string, string> = {};
    for (const user of ['admin', 'street1', 'cw_a', 'cw_c', 'gw_a1', 'hotline', 'auditor', 'resident_a1'])
      tokens[user] = await login(ctx.app, user, MINI.password);
    return { ...ctx, mini, tokens, extra };
  },
  (ctx) => {
    const call = (user: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
      ctx().app.inject({ method, url, payload, headers: authed(ctx().tokens[user]!) });
    const audits = (action: string) =>
      ctx()
        .database.db.selectFrom('audit_log')
        .select(['entity_ids', 'details', 'purpose', 'outcome', 'username'])
        .where('action', '=', action)
        .orderBy('seq')
        .execute();
    const caseOf = async (user: string, personId: number, policyId: string) => {
      const page = (
        await call(user, 'GET', `/api/eligibility/cases?policyId=${policyId}&pageSize=200`)
      ).json();
      return page.items.find((c: { personId: number }) => c.personId === personId);
    };

    it('serves the default rules with their legal basis and field catalogue', async () => {
      const res = await call('cw_a', 'GET', '/api/profiles/rules');
      expect(res.statusCode).toBe(200);
      const body = res.json();
      const ids = body.document.policies.map((p: { id: string }) => p.id);
      expect(ids).toEqual([
        'old_age_allowance',
        'disability_living_subsidy',
        'severe_disability_care_subsidy',
        'minimum_living_allowance',
        'extreme_poverty_support',
      ]);
      expect(body.document.policies[1].legalBasis).toContain('国发〔2015〕52号');
      expect(body.fields.age.type).toBe('number');
      expect((await call('auditor', 'GET', '/api/profiles/rules')).statusCode).toBe(403);
    });

    it('invalid rules get 400 naming the JSON path of each problem, and nothing is saved', async () => {
      const before = await ctx().database.db.selectFrom('profile_rule_set').select('id').execute();
      const rules = {
        version: 'x',
        tags: [],
        policies: [
          {
            id: 'p_one',
            version: 1,
            name: { zh: '测试', en: 'Test' },
            legalBasis: '测试依据条文',
            benefit: 'cash_monthly',
            conditions: {
              all: [
                { field: 'salary', op: '>', value: 1 },
                { field: 'age', op: '≈', value: 1 },
              ],
            },
          },
        ],
      };
      for (const url of ['/api/profiles/rules/validate']) {
        const res = await call('street1', 'POST', url, { rules });
        expect(res.statusCode).toBe(400);
        expect(res.json().error.code).toBe('RULES_INVALID');
        expect(res.json().error.details.map((d: { field: string }) => d.field)).toEqual([
          'body/rules/policies/0/conditions/all/0/field',
          'body/rules/policies/0/conditions/all/1/op',
        ]);
      }
      const put = await call('street1', 'PUT', '/api/profiles/rules', { rules, reason: '测试' });
      expect(put.statusCode).toBe(400);
      expect(put.json().error.details[0].field).toBe('body/rules/policies/0/conditions/all/0/field');
      const notJsonObject = await call('street1', 'POST', '/api/profiles/rules/validate', { rules: [1] });
      expect(notJsonObject.statusCode).toBe(400);
      expect(notJsonObject.json().error.details[0].field).toBe('body/rules');
      const after = await ctx().database.db.selectFrom('profile_rule_set').select('id').execute();
      expect(after.length).toBe(before.length);
    });

    it('only rule writers save rules; a saved version is audited with its reason', async () => {
      const current = (await call('street1', 'GET', '/api/profiles/rules')).json();
      const forbidden = await call('cw_a', 'PUT', '/api/profiles/rules', {
        rules: current.document,
        reason: '调整',
      });
      expect(forbidden.statusCode).toBe(403);
      const ok = await call('street1', 'PUT', '/api/profiles/rules', {
        rules: current.document,
        reason: '复核后重新发布',
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().id).toBeGreaterThan(current.id);
      const entries = await audits('profile.rules.update');
      expect(entries.at(-1)!.details).toMatchObject({ reason: '复核后重新发布' });
    });

    it('an eligibility run covers only the viewer’s area and finds who qualifies but receives nothing', async () => {
      const res = await call('cw_a', 'POST', '/api/eligibility/runs', { asOf: AS_OF });
      expect(res.statusCode).toBe(200);
      const run = res.json();
      // Community A: 张建国, 李秀英, 王浩然 (mini) and the five added here.
      // Community A: 张建国, 李秀英, 王浩然 (mini) and the five added here. 张建国 and 郑大海 are 78, within the
      // two-year margin of 80 (near-misses); 李秀英 at 74 is not near.
      expect(run.policyCounts.old_age_allowance).toEqual({
        eligibleUnserved: 2,
        served: 1,
        nearMiss: 2,
        excluded: 0,
      });
      expect(run.tagCounts.elderly_80_alone).toBe(3);
      expect(run.tagCounts.elderly_couple_75).toBe(2);
      const alone = await caseOf('cw_a', ctx().extra['alone85']!, 'old_age_allowance');
      expect(alone).toMatchObject({
        status: 'eligible',
        amount: 100,
        tier: '80–89 周岁',
        reviewState: 'pending',
      });
      expect(alone.name).toBe('周*兰');
      // Already served: no case. 张建国 is 78: a near-miss with the reason named.
      expect(await caseOf('cw_a', ctx().extra['served92']!, 'old_age_allowance')).toBeUndefined();
      const near = await caseOf('cw_a', ctx().mini.persons[0]!.id, 'old_age_allowance');
      expect(near.status).toBe('near_miss');
      expect(near.reasons).toEqual(['不满足：年满 80 周岁（实际：78）']);
      // Community C's low-income resident is not in community A's run.
      expect(await caseOf('cw_a', ctx().mini.persons[4]!.id, 'minimum_living_allowance')).toBeUndefined();
      expect((await audits('eligibility.run')).at(-1)!.username).toBe('cw_a');
    });

    it('a missing disability grade makes a near-miss flagged as missing data, with sensitive values masked', async () => {
      await call('street1', 'POST', '/api/eligibility/runs', { asOf: AS_OF });
      const disabled = ctx().mini.persons[3]!.id;
      const c = await caseOf('street1', disabled, 'severe_disability_care_subsidy');
      expect(c).toMatchObject({ status: 'near_miss', missingData: true });
      expect(c.reasons).toEqual(['缺少数据：残疾等级（1–4 级）（敏感信息，已脱敏）']);
      const detail = (await call('street1', 'GET', `/api/eligibility/cases/${c.id}`)).json();
      expect(detail.explanationMasked).toBe(true);
      expect(detail.legalBasis).toContain('一级、二级');
      expect(JSON.stringify(detail.explanation)).not.toContain('disabled');
      const revealed = await call(
        'street1',
        'GET',
        `/api/eligibility/cases/${c.id}?purpose=${encodeURIComponent('核实护理补贴资格')}`,
      );
      expect(revealed.json().explanationMasked).toBe(false);
      expect(revealed.json().explanation.conditions.children[0].actual).toEqual(['disabled']);
      expect((await audits('eligibility.case.read')).at(-1)!.purpose).toBe('核实护理补贴资格');
      const shortPurpose = await call('street1', 'GET', `/api/eligibility/cases/${c.id}?purpose=ab`);
      expect(shortPurpose.statusCode).toBe(400);
    });

    it('cases of another area are invisible: 404 on read and review, absent from lists', async () => {
      const alone = await caseOf('cw_a', ctx().extra['alone85']!, 'old_age_allowance');
      expect((await call('cw_c', 'GET', `/api/eligibility/cases/${alone.id}`)).statusCode).toBe(404);
      const review = await call('cw_c', 'POST', `/api/eligibility/cases/${alone.id}/review`, {
        decision: 'approve',
      });
      expect(review.statusCode).toBe(404);
      expect(review.json().error.code).toBe('CASE_NOT_FOUND');
      expect((await call('cw_c', 'GET', '/api/eligibility/cases')).json().total).toBe(0);
      expect((await call('hotline', 'GET', '/api/eligibility/cases')).statusCode).toBe(403);
    });

    it('approving creates one contact task; a second decision gets 409; rejecting needs a reason', async () => {
      const alone = await caseOf('cw_a', ctx().extra['alone85']!, 'old_age_allowance');
      expect(
        (await call('gw_a1', 'POST', `/api/eligibility/cases/${alone.id}/review`, { decision: 'approve' }))
          .statusCode,
      ).toBe(403);
      const ok = await call('cw_a', 'POST', `/api/eligibility/cases/${alone.id}/review`, {
        decision: 'approve',
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().reviewState).toBe('approved');
      expect(ok.json().contactTaskId).toBeGreaterThan(0);
      const again = await call('cw_a', 'POST', `/api/eligibility/cases/${alone.id}/review`, {
        decision: 'reject',
        reason: '重复',
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('CASE_ALREADY_DECIDED');
      const tasks = await ctx()
        .database.db.selectFrom('contact_task')
        .selectAll()
        .where('case_id', '=', alone.id)
        .execute();
      expect(tasks).toHaveLength(1);
      const couple = await caseOf('cw_a', ctx().mini.persons[0]!.id, 'old_age_allowance');
      const noReason = await call('cw_a', 'POST', `/api/eligibility/cases/${couple.id}/review`, {
        decision: 'reject',
      });
      expect(noReason.statusCode).toBe(400);
      expect(noReason.json().error.details[0].field).toBe('body/reason');
      // Approving a near-miss overrides the rule and needs a reason too.
      const override = await call('cw_a', 'POST', `/api/eligibility/cases/${couple.id}/review`, {
        decision: 'approve',
      });
      expect(override.statusCode).toBe(400);
      const reviews = await audits('eligibility.case.review');
      expect(reviews).toHaveLength(1);
      expect(reviews[0]!.details).toMatchObject({ decision: 'approve', policyId: 'old_age_allowance' });
    });

    it('appeals: out of scope → 404, a resident only for themself, a duplicate open appeal → 409', async () => {
      const disabled = ctx().mini.persons[3]!.id; // community B
      const outOfScope = await call('cw_a', 'POST', '/api/eligibility/appeals', {
        personId: disabled,
        policyId: 'severe_disability_care_subsidy',
        reason: '家属反映已评定为一级残疾',
      });
      expect(outOfScope.statusCode).toBe(404);
      const notSelf = await call('resident_a1', 'POST', '/api/eligibility/appeals', {
        personId: ctx().mini.persons[1]!.id,
        policyId: 'old_age_allowance',
        reason: '替邻居申诉一下',
      });
      expect(notSelf.statusCode).toBe(404);
      const unknownPolicy = await call('street1', 'POST', '/api/eligibility/appeals', {
        personId: disabled,
        policyId: 'no_such_policy',
        reason: '家属反映已评定为一级残疾',
      });
      expect(unknownPolicy.statusCode).toBe(404);
      expect(unknownPolicy.json().error.code).toBe('POLICY_NOT_FOUND');
      const self = await call('resident_a1', 'POST', '/api/eligibility/appeals', {
        personId: ctx().mini.persons[0]!.id,
        policyId: 'old_age_allowance',
        reason: '我明年就满八十岁了，请提前核实',
      });
      expect(self.statusCode).toBe(201);
      expect(self.json().status).toBe('near_miss');
      const dup = await call('cw_a', 'POST', '/api/eligibility/appeals', {
        personId: ctx().mini.persons[0]!.id,
        policyId: 'old_age_allowance',
        reason: '再次申诉同一事项',
      });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().error.code).toBe('APPEAL_ALREADY_OPEN');
    });

    it('a resident follows their own appeal to its decision; staff have no such list; policies are public', async () => {
      const mine = await call('resident_a1', 'GET', '/api/eligibility/my-appeals');
      expect(mine.statusCode).toBe(200);
      const open = mine.json().items;
      expect(open).toHaveLength(1);
      expect(open[0]).toMatchObject({
        policyId: 'old_age_allowance',
        policyName: '高龄津贴',
        state: 'open',
        outcome: null,
        resolvedAt: null,
      });
      const resolved = await call('cw_a', 'POST', `/api/eligibility/appeals/${open[0].id}/resolve`, {
        outcome: 'upheld',
        action: 'none',
        note: '经核实未满 80 周岁，满 80 周岁后自动发放',
      });
      expect(resolved.statusCode).toBe(200);
      const after = (await call('resident_a1', 'GET', '/api/eligibility/my-appeals')).json().items;
      expect(after[0]).toMatchObject({
        state: 'resolved',
        outcome: 'upheld',
        resolutionNote: '经核实未满 80 周岁，满 80 周岁后自动发放',
        caseReviewState: 'rejected',
      });
      expect(after[0].resolvedAt).not.toBeNull();
      expect((await call('cw_a', 'GET', '/api/eligibility/my-appeals')).statusCode).toBe(403);
      expect((await ctx().app.inject({ method: 'GET', url: '/api/eligibility/my-appeals' })).statusCode).toBe(
        401,
      );

      const policies = await ctx().app.inject({ method: 'GET', url: '/api/eligibility/policies' });
      expect(policies.statusCode).toBe(200);
      const body = policies.json();
      expect(body.policies.map((p: { id: string }) => p.id)).toContain('old_age_allowance');
      const oldAge = body.policies.find((p: { id: string }) => p.id === 'old_age_allowance');
      expect(oldAge.legalBasis).toContain('老年人权益保障法');
      expect(oldAge.conditions.all[0]).toMatchObject({ field: 'age', op: '>=', value: 80 });
      expect(oldAge.tiers.map((t: { amount: number }) => t.amount)).toEqual([500, 200, 100]);
      expect(body.fields.age.zh).toBeTruthy();
      expect(body.valueLabels.receives.old_age_allowance.zh).toBe('高龄津贴');
      expect(body.valueLabels.tags.low_income_edge.zh).toBe('低保边缘');
    });

    it('an appeal reopens the case; a data correction re-decides it and an overturn creates a contact task', async () => {
      const disabled = ctx().mini.persons[3]!.id;
      const filed = await call('street1', 'POST', '/api/eligibility/appeals', {
        personId: disabled,
        policyId: 'severe_disability_care_subsidy',
        reason: '家属反映已评定为一级残疾',
      });
      expect(filed.statusCode).toBe(201);
      const { appealId, caseId } = filed.json();
      const reopened = (await call('street1', 'GET', `/api/eligibility/cases/${caseId}`)).json();
      expect(reopened.reviewState).toBe('pending');
      expect(reopened.appeals).toEqual([{ id: appealId, state: 'open', outcome: null }]);
      expect(
        (
          await call('cw_c', 'POST', `/api/eligibility/appeals/${appealId}/resolve`, {
            outcome: 'overturned',
            action: 'none',
            note: '越权',
          })
        ).statusCode,
      ).toBe(404);
      const missingCorrection = await call(
        'street1',
        'POST',
        `/api/eligibility/appeals/${appealId}/resolve`,
        {
          outcome: 'overturned',
          action: 'data_corrected',
          note: '核对残疾证',
        },
      );
      expect(missingCorrection.statusCode).toBe(400);
      const resolved = await call('street1', 'POST', `/api/eligibility/appeals/${appealId}/resolve`, {
        outcome: 'overturned',
        action: 'data_corrected',
        note: '核对残疾证为一级，补录残疾等级',
        correction: { field: 'disability_grade', value: 1 },
      });
      expect(resolved.statusCode).toBe(200);
      expect(resolved.json()).toMatchObject({
        state: 'resolved',
        caseStatus: 'eligible',
        caseReviewState: 'approved',
      });
      const task = await ctx()
        .database.db.selectFrom('contact_task')
        .selectAll()
        .where('case_id', '=', caseId)
        .execute();
      expect(task).toHaveLength(1);
      const fact = await ctx()
        .database.db.selectFrom('profile_fact')
        .selectAll()
        .where('person_id', '=', disabled)
        .execute();
      expect(fact[0]).toMatchObject({ key: 'disability_grade', value_num: 1 });
      const twice = await call('street1', 'POST', `/api/eligibility/appeals/${appealId}/resolve`, {
        outcome: 'upheld',
        action: 'none',
        note: '再处理一次',
      });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().error.code).toBe('APPEAL_ALREADY_RESOLVED');
      const entries = await audits('eligibility.appeal.resolve');
      expect(entries.at(-1)!.details).toMatchObject({
        outcome: 'overturned',
        action: 'data_corrected',
        statusNow: 'eligible',
      });
      const list = (await call('street1', 'GET', '/api/eligibility/appeals?state=resolved')).json();
      expect(list.items.map((a: { id: number }) => a.id)).toContain(appealId);
    });

    it('profiles show a tag count; tags and their evidence need a purpose and a role that may unmask tags', async () => {
      await call('cw_a', 'POST', '/api/profiles/runs', { asOf: AS_OF });
      const id = ctx().extra['husband']!;
      const masked = (await call('cw_a', 'GET', `/api/profiles/persons/${id}`)).json();
      expect(masked).toMatchObject({ tags: null, tagsMasked: true, tagCount: 2 });
      const unmasked = await call('cw_a', 'POST', `/api/profiles/persons/${id}/unmask`, {
        purpose: '上门探访准备',
      });
      expect(unmasked.statusCode).toBe(200);
      const couple = unmasked.json().tags.find((t: { tag: string }) => t.tag === 'elderly_couple_75');
      expect(couple.evidence).toEqual({ household_size: 2, household_youngest_age: 76 });
      expect(couple.ruleVersion).toBe(1);
      expect(
        (await call('cw_a', 'POST', `/api/profiles/persons/${id}/unmask`, { purpose: 'ab' })).statusCode,
      ).toBe(400);
      expect((await call('cw_c', 'GET', `/api/profiles/persons/${id}`)).statusCode).toBe(404);
      expect((await call('hotline', 'GET', `/api/profiles/persons/${id}`)).statusCode).toBe(403);
      expect((await audits('profile.unmask')).at(-1)!.purpose).toBe('上门探访准备');
    });

    it('exports cases as CSV with formula-looking cells escaped', async () => {
      const res = await call('cw_a', 'GET', '/api/eligibility/cases/export.csv?policyId=old_age_allowance');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/csv');
      expect(res.body.startsWith('\uFEFF')).toBe(true);
      expect(res.body).toContain("'=");
      expect(res.body).not.toMatch(/(^|,)=/m);
      // Decisions and review states in words, as on the console, not as stored codes.
      expect(res.body).toMatch(/,(符合未享受|临界（差一项）|符合但被排除|不符合),/);
      expect(res.body).toContain(',待审核,');
      expect(res.body).not.toMatch(/,(eligible|near_miss|excluded|not_eligible|pending),/);
      expect((await audits('eligibility.case.export')).length).toBeGreaterThan(0);
    });

    it('demand by community counts tags and eligible-not-served; the supply gap counts the 60+', async () => {
      await call('street1', 'POST', '/api/eligibility/runs', { asOf: AS_OF });
      const res = await call('street1', 'GET', '/api/profiles/demand?by=community');
      expect(res.statusCode).toBe(200);
      const a = res.json().groups.find((g: { key: string }) => g.key === MINI.communityA.code);
      expect(a.residents).toBe(8);
      expect(a.tags.elderly_couple_75).toBe(2);
      expect(a.eligibleUnserved.old_age_allowance).toBeGreaterThanOrEqual(1);
      const ages = (await call('street1', 'GET', '/api/profiles/demand?by=age_group')).json();
      expect(ages.groups.map((g: { key: string }) => g.key)).toContain('80+');
      const bad = await call('street1', 'GET', '/api/profiles/demand?by=planet');
      expect(bad.statusCode).toBe(400);
      const gap = (await call('street1', 'GET', '/api/profiles/supply-gap')).json();
      const ga = gap.communities.find(
        (c: { communityCode: string }) => c.communityCode === MINI.communityA.code,
      );
      expect(ga.elderly60).toBe(7);
      expect(ga.services[0]).toMatchObject({ service: 'residential_care', capacity: 0, needed: 1, gap: 1 });
    });
  },
);
