// The rules for profiles and proactive services: who may run, read, review and appeal; what is audited; and that
// nobody is contacted before a worker approved the case. Routes check the permission and hand the viewer here.
import { maskName } from '../../lib/masking.ts';
import { decideResident, parseRuleDocument, type RuleProblem } from '../../lib/rules/index.ts';
import type { Actor } from '../../platform/audit/request-audit.ts';
import { roleMayUnmask } from '../../platform/auth/roles.ts';
import type { Database, Db } from '../../platform/db/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { chinaToday } from '../stats/index.ts';
import {
  APPEAL_COLUMNS,
  appealsInScope,
  appealsOfCase,
  contactTaskOf,
  countCases,
  findCaseInScope,
  findCaseOf,
  findCases,
  findPersonPlacement,
} from './eligibility.repository.ts';
import { runProfiles } from './profile-evaluation.ts';
import { type CaseRecord, presentCaseDetail, presentCaseSummary } from './profiles.presenter.ts';
import type {
  AppealBody,
  AppealQuery,
  CaseQuery,
  ResolveBody,
  ReviewBody,
  RulesBody,
  RunBody,
} from './profiles.schema.ts';
import { RESIDENT_FIELDS, residentFacts } from './resident-fields.ts';
import { streamResidents } from './resident-records.repository.ts';
import { ensureRuleSet, type RuleSet, saveRuleSet } from './rule-set.repository.ts';

// The request's viewer and audit writer, as every route hands it to a service.
export { type Actor, actorOf } from '../../platform/audit/request-audit.ts';

export const CASE_EXPORT_LIMIT = 50_000;

export function rulesProblems(problems: RuleProblem[], prefix: string): AppError {
  return new AppError(
    'RULES_INVALID',
    problems.map((p) => ({ field: `${prefix}${p.path}`, message: p.message, messageEn: p.messageEn })),
  );
}

function checkPurpose(purpose: string): string {
  const p = purpose.trim();
  if (Array.from(p).length < 4)
    throw new AppError('PURPOSE_REQUIRED', [
      { field: 'purpose', message: '请填写查看用途，至少 4 个字', messageEn: 'At least 4 characters' },
    ]);
  return p;
}

export function createProfilesService(database: Database) {
  const db = database.db;

  async function rules() {
    return ensureRuleSet(db);
  }

  function validate(input: unknown) {
    const parsed = parseRuleDocument(input, RESIDENT_FIELDS);
    if (!parsed.ok) throw rulesProblems(parsed.problems, 'body/rules');
    return parsed.value;
  }

  async function saveRules(actor: Actor, body: RulesBody) {
    const doc = validate(body.rules);
    const id = await db.transaction().execute(async (trx) => {
      const newId = await saveRuleSet(trx, doc, body.reason.trim(), actor.viewer.username);
      await actor.audit(trx, {
        action: 'profile.rules.update',
        entityType: 'profile_rule_set',
        entityIds: [newId],
        details: {
          version: doc.version,
          reason: body.reason,
          tags: doc.tags.map((t) => `${t.id}@${t.version}`),
          policies: doc.policies.map((p) => `${p.id}@${p.version}`),
        },
      });
      return newId;
    });
    return id;
  }

  async function run(actor: Actor, body: RunBody, kinds: Array<'tags' | 'eligibility'>) {
    const ruleSet = await rules();
    const summary = await runProfiles(database, ruleSet, {
      scopePath: actor.viewer.scopePath,
      asOf: body.asOf ?? chinaToday(),
      mode: body.mode ?? 'full',
      kinds,
      by: actor.viewer.username,
    });
    await actor.audit(db, {
      action: kinds.includes('eligibility') ? 'eligibility.run' : 'profile.run',
      entityType: 'profile_run',
      entityIds: [summary.runId],
      details: {
        ruleSetId: ruleSet.id,
        persons: summary.persons,
        casesWritten: summary.casesWritten,
        policyCounts: summary.policyCounts,
        tagCounts: summary.tagCounts,
      },
    });
    return summary;
  }

  async function personInScope(actor: Actor, personId: number) {
    const person = await findPersonPlacement(db, actor.viewer.scopePath, personId);
    if (!person) throw new AppError('PERSON_NOT_FOUND');
    return person;
  }

  async function profileOf(actor: Actor, personId: number, purpose: string | null) {
    const person = await personInScope(actor, personId);
    const tags = await db
      .selectFrom('profile_tag')
      .selectAll()
      .where('person_id', '=', personId)
      .orderBy('tag')
      .execute();
    const doc = (await rules()).document;
    const label = (id: string) => doc.tags.find((t) => t.id === id)?.label.zh ?? id;
    return {
      personId,
      name: maskName(person.name),
      gridName:
        (await db.selectFrom('grid').select('name').where('id', '=', person.grid_id).executeTakeFirst())
          ?.name ?? '',
      tagCount: tags.length,
      tags: purpose
        ? tags.map((t) => ({
            tag: t.tag,
            label: label(t.tag),
            ruleSetId: t.rule_set_id,
            ruleVersion: t.rule_version,
            evidence: t.evidence as Record<string, unknown>,
            evaluatedAt: new Date(t.evaluated_at).toISOString(),
          }))
        : null,
      tagsMasked: purpose === null,
    };
  }

  async function readProfile(actor: Actor, personId: number) {
    const out = await profileOf(actor, personId, null);
    await actor.audit(db, { action: 'profile.read', entityType: 'person', entityIds: [personId] });
    return out;
  }

  async function unmaskProfile(actor: Actor, personId: number, rawPurpose: string) {
    const purpose = checkPurpose(rawPurpose);
    if (!roleMayUnmask(actor.viewer.role, 'tags')) {
      await actor.audit(db, {
        action: 'profile.unmask',
        outcome: 'denied',
        entityType: 'person',
        entityIds: [personId],
        purpose,
      });
      throw new AppError('FORBIDDEN');
    }
    const out = await profileOf(actor, personId, purpose);
    await actor.audit(db, {
      action: 'profile.unmask',
      entityType: 'person',
      entityIds: [personId],
      purpose,
      details: { fields: ['tags'] },
    });
    return out;
  }

  async function listCases(actor: Actor, q: CaseQuery) {
    const filter = { scopePath: actor.viewer.scopePath, ...q };
    const [rows, total, ruleSet] = await Promise.all([
      findCases(db, filter, q.pageSize, (q.page - 1) * q.pageSize),
      countCases(db, filter),
      rules(),
    ]);
    await actor.audit(db, {
      action: 'eligibility.case.list',
      entityType: 'eligibility_case',
      entityIds: rows.map((r) => r.id),
      details: { filters: q, total },
    });
    const today = chinaToday();
    return {
      items: rows.map((r) => presentCaseSummary(r, ruleSet.document, today)),
      total,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  async function caseInScope(actor: Actor, id: number): Promise<CaseRecord> {
    const c = await findCaseInScope(db, actor.viewer.scopePath, id);
    if (!c) throw new AppError('CASE_NOT_FOUND');
    return c;
  }

  async function readCase(actor: Actor, id: number, rawPurpose?: string) {
    const c = await caseInScope(actor, id);
    let purpose: string | null = null;
    if (rawPurpose !== undefined) {
      purpose = checkPurpose(rawPurpose);
      if (!roleMayUnmask(actor.viewer.role, 'tags')) {
        await actor.audit(db, {
          action: 'eligibility.case.read',
          outcome: 'denied',
          entityType: 'eligibility_case',
          entityIds: [id],
          purpose,
        });
        throw new AppError('FORBIDDEN');
      }
    }
    await actor.audit(db, {
      action: 'eligibility.case.read',
      entityType: 'eligibility_case',
      entityIds: [id],
      purpose,
      details: { personId: c.person_id, unmasked: purpose !== null },
    });
    const [appeals, contactTaskId, ruleSet] = await Promise.all([
      appealsOfCase(db, id),
      contactTaskOf(db, id),
      rules(),
    ]);
    return presentCaseDetail(c, ruleSet.document, chinaToday(), purpose !== null, { appeals, contactTaskId });
  }

  async function review(actor: Actor, id: number, body: ReviewBody) {
    const c = await caseInScope(actor, id);
    const reason = body.reason?.trim() ?? '';
    // A rejection, or an approval against the rule's decision, must say why: no silent exclusion or override.
    if ((body.decision === 'reject' || c.status !== 'eligible') && Array.from(reason).length < 2)
      throw new AppError('VALIDATION_FAILED', [
        {
          field: 'body/reason',
          message: body.decision === 'reject' ? '驳回须写明原因' : '该居民按规则并非“符合”，批准须写明原因',
          messageEn:
            body.decision === 'reject'
              ? 'A rejection needs a reason'
              : 'Approving a case the rules do not find eligible needs a reason',
        },
      ]);
    await db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('eligibility_case')
        .set({
          review_state: body.decision === 'approve' ? 'approved' : 'rejected',
          review_reason: reason || null,
          reviewed_by: actor.viewer.username,
          reviewed_at: new Date(),
          updated_at: new Date(),
        })
        .where('id', '=', id)
        .where('review_state', '=', 'pending')
        .returning('id')
        .executeTakeFirst();
      if (!updated) throw new AppError('CASE_ALREADY_DECIDED');
      let taskId: number | null = null;
      if (body.decision === 'approve') taskId = await createContactTask(trx, c, actor.viewer.username);
      await actor.audit(trx, {
        action: 'eligibility.case.review',
        entityType: 'eligibility_case',
        entityIds: [id],
        details: {
          decision: body.decision,
          reason,
          personId: c.person_id,
          policyId: c.policy_id,
          status: c.status,
          contactTaskId: taskId,
        },
      });
    });
    return readCase(actor, id);
  }

  async function createContactTask(trx: Db, c: CaseRecord, by: string): Promise<number> {
    const person = await trx
      .selectFrom('person')
      .select(['street_code', 'scope_path'])
      .where('id', '=', c.person_id)
      .executeTakeFirstOrThrow();
    const row = await trx
      .insertInto('contact_task')
      .values({
        case_id: c.id,
        person_id: c.person_id,
        street_code: person.street_code,
        scope_path: person.scope_path,
        created_by: by,
      })
      .onConflict((oc) => oc.column('case_id').doUpdateSet({ state: 'open' }))
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** Decides one resident now, against the rules in force, and writes the case whatever the outcome. */
  /** Inside the caller's transaction: takes the rule set rather than reading it on another connection. */
  async function decideNow(trx: Db, personId: number, policyId: string, ruleSet: RuleSet) {
    const ruleSetId = ruleSet.id;
    const today = chinaToday();
    for await (const batch of streamResidents(trx, { scopePath: '/', asOf: today, personIds: [personId] })) {
      const r = batch[0]!;
      const d = decideResident(
        ruleSet.document,
        residentFacts(r.record, today),
        RESIDENT_FIELDS,
      ).policies.find((p) => p.policy === policyId)!;
      const values = {
        person_id: r.id,
        street_code: r.streetCode,
        scope_path: r.scopePath,
        grid_id: r.gridId,
        policy_id: policyId,
        policy_version: d.version,
        rule_set_id: ruleSetId,
        status: d.status,
        amount: d.amount,
        tier: d.tier,
        reasons: JSON.stringify(d.reasons),
        missing_data: d.missingData,
        explanation: JSON.stringify(d.explanation),
      };
      const row = await trx
        .insertInto('eligibility_case')
        .values(values)
        .onConflict((oc) =>
          oc.columns(['person_id', 'policy_id']).doUpdateSet({
            policy_version: values.policy_version,
            rule_set_id: values.rule_set_id,
            status: values.status,
            amount: values.amount,
            tier: values.tier,
            reasons: values.reasons,
            missing_data: values.missing_data,
            explanation: values.explanation,
            updated_at: new Date(),
          }),
        )
        .returning(['id', 'explanation', 'street_code', 'scope_path'])
        .executeTakeFirstOrThrow();
      return { caseId: row.id, decision: d, streetCode: r.streetCode, scopePath: r.scopePath };
    }
    throw new AppError('PERSON_NOT_FOUND');
  }

  async function fileAppeal(actor: Actor, body: AppealBody) {
    const v = actor.viewer;
    if (v.role === 'resident' && v.personId !== body.personId) throw new AppError('PERSON_NOT_FOUND');
    await personInScope(actor, body.personId);
    const ruleSet = await rules();
    if (!ruleSet.document.policies.some((p) => p.id === body.policyId))
      throw new AppError('POLICY_NOT_FOUND', [
        { field: 'body/policyId', message: '规则中没有该政策', messageEn: 'No such policy in the rules' },
      ]);
    const reason = body.reason.trim();
    if (Array.from(reason).length < 4)
      throw new AppError('VALIDATION_FAILED', [
        {
          field: 'body/reason',
          message: '请写明申诉理由（至少 4 个字）',
          messageEn: 'State the reason (4+ characters)',
        },
      ]);
    return db.transaction().execute(async (trx) => {
      const existing = await findCaseOf(trx, body.personId, body.policyId);
      if (existing) {
        const open = await trx
          .selectFrom('eligibility_appeal')
          .select('id')
          .where('case_id', '=', existing.id)
          .where('state', '=', 'open')
          .executeTakeFirst();
        if (open) throw new AppError('APPEAL_ALREADY_OPEN');
      }
      const decided = await decideNow(trx, body.personId, body.policyId, ruleSet);
      // The appeal reopens the case: it goes back to the review queue with the rule's explanation.
      await trx
        .updateTable('eligibility_case')
        .set({ review_state: 'pending', updated_at: new Date() })
        .where('id', '=', decided.caseId)
        .execute();
      const appeal = await trx
        .insertInto('eligibility_appeal')
        .values({
          case_id: decided.caseId,
          person_id: body.personId,
          street_code: decided.streetCode,
          scope_path: decided.scopePath,
          policy_id: body.policyId,
          filed_by: v.username,
          filed_role: v.role,
          reason,
          explanation: JSON.stringify(decided.decision.explanation),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await actor.audit(trx, {
        action: 'eligibility.appeal.file',
        entityType: 'eligibility_appeal',
        entityIds: [appeal.id],
        details: {
          caseId: decided.caseId,
          personId: body.personId,
          policyId: body.policyId,
          previousReviewState: existing?.review_state ?? null,
          statusNow: decided.decision.status,
        },
      });
      return { appealId: appeal.id, caseId: decided.caseId, status: decided.decision.status };
    });
  }

  async function appealInScope(trx: Db, actor: Actor, id: number) {
    const a = await appealsInScope(trx, actor.viewer.scopePath)
      .select(APPEAL_COLUMNS)
      .where('a.id', '=', id)
      .executeTakeFirst();
    if (!a) throw new AppError('APPEAL_NOT_FOUND');
    return a;
  }

  async function resolveAppeal(actor: Actor, id: number, body: ResolveBody) {
    const a = await appealInScope(db, actor, id);
    if (a.state !== 'open') throw new AppError('APPEAL_ALREADY_RESOLVED');
    if (body.action === 'data_corrected' && !body.correction)
      throw new AppError('VALIDATION_FAILED', [
        {
          field: 'body/correction',
          message: '更正数据须写明更正的字段与值',
          messageEn: 'A data correction names the field and value',
        },
      ]);
    const ruleSet = await rules();
    await db.transaction().execute(async (trx) => {
      const closed = await trx
        .updateTable('eligibility_appeal')
        .set({
          state: 'resolved',
          outcome: body.outcome,
          action: body.action,
          resolution_note: body.note.trim(),
          resolved_by: actor.viewer.username,
          resolved_at: new Date(),
        })
        .where('id', '=', id)
        .where('state', '=', 'open')
        .returning('id')
        .executeTakeFirst();
      if (!closed) throw new AppError('APPEAL_ALREADY_RESOLVED');
      if (body.correction) {
        const person = await trx
          .selectFrom('person')
          .select(['street_code', 'scope_path'])
          .where('id', '=', a.person_id)
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('profile_fact')
          .values({
            person_id: a.person_id,
            key: body.correction.field,
            street_code: person.street_code,
            scope_path: person.scope_path,
            value_num: body.correction.value,
            value_text: null,
            source: `appeal:${id}:${actor.viewer.username}`,
          })
          .onConflict((oc) =>
            oc.columns(['person_id', 'key']).doUpdateSet({
              value_num: body.correction!.value,
              source: `appeal:${id}:${actor.viewer.username}`,
              updated_at: new Date(),
            }),
          )
          .execute();
      }
      // Re-decide with the corrected data and the rules now in force, so the case shows the new explanation.
      const decided = await decideNow(trx, a.person_id, a.policy_id, ruleSet);
      const c = await findCaseInScope(trx, '/', decided.caseId);
      await trx
        .updateTable('eligibility_case')
        .set({
          review_state: body.outcome === 'overturned' ? 'approved' : 'rejected',
          review_reason: `申诉 #${id}：${body.note.trim()}`,
          reviewed_by: actor.viewer.username,
          reviewed_at: new Date(),
        })
        .where('id', '=', decided.caseId)
        .execute();
      const taskId =
        body.outcome === 'overturned' && c ? await createContactTask(trx, c, actor.viewer.username) : null;
      await actor.audit(trx, {
        action: 'eligibility.appeal.resolve',
        entityType: 'eligibility_appeal',
        entityIds: [id],
        details: {
          caseId: decided.caseId,
          outcome: body.outcome,
          action: body.action,
          correction: body.correction ?? null,
          statusNow: decided.decision.status,
          contactTaskId: taskId,
        },
      });
    });
    return presentAppeal(await appealInScope(db, actor, id));
  }

  function presentAppeal(a: Awaited<ReturnType<typeof appealInScope>>) {
    return {
      id: a.id,
      caseId: a.case_id,
      personId: a.person_id,
      name: maskName(a.name),
      policyId: a.policy_id,
      reason: a.reason,
      state: a.state,
      outcome: a.outcome,
      action: a.action,
      resolutionNote: a.resolution_note,
      filedBy: a.filed_by,
      createdAt: new Date(a.created_at).toISOString(),
      caseStatus: a.case_status,
      caseReviewState: a.case_review_state,
    };
  }

  async function listAppeals(actor: Actor, q: AppealQuery) {
    const rows = await appealsInScope(db, actor.viewer.scopePath, q.state)
      .select(APPEAL_COLUMNS)
      .orderBy('a.id', 'desc')
      .limit(q.pageSize)
      .offset((q.page - 1) * q.pageSize)
      .execute();
    const total = Number(
      (
        await appealsInScope(db, actor.viewer.scopePath, q.state)
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    await actor.audit(db, {
      action: 'eligibility.appeal.list',
      entityType: 'eligibility_appeal',
      entityIds: rows.map((r) => r.id),
      details: { state: q.state ?? null, total },
    });
    return { items: rows.map(presentAppeal), total, page: q.page, pageSize: q.pageSize };
  }

  /**
   * A resident's own appeals with how each was decided: the feedback half of the appeal path, so that nobody has
   * to ask a worker whether their appeal was read. Only the signed-in resident's person, whatever their scope.
   */
  async function listOwnAppeals(actor: Actor) {
    const personId = actor.viewer.personId;
    if (!personId) return { items: [] };
    const [rows, ruleSet] = await Promise.all([
      db
        .selectFrom('eligibility_appeal as a')
        .innerJoin('eligibility_case as e', 'e.id', 'a.case_id')
        .innerJoin('person as p', 'p.id', 'a.person_id')
        .select(APPEAL_COLUMNS)
        .select(['a.resolved_at'])
        .where('a.person_id', '=', personId)
        .orderBy('a.id', 'desc')
        .limit(50)
        .execute(),
      rules(),
    ]);
    await actor.audit(db, {
      action: 'eligibility.appeal.list',
      entityType: 'eligibility_appeal',
      entityIds: rows.map((r) => r.id),
      details: { own: true },
    });
    const names = new Map(ruleSet.document.policies.map((p) => [p.id, p.name]));
    return {
      items: rows.map((a) => ({
        id: a.id,
        policyId: a.policy_id,
        policyName: names.get(a.policy_id)?.zh ?? a.policy_id,
        policyNameEn: names.get(a.policy_id)?.en ?? a.policy_id,
        reason: a.reason,
        state: a.state,
        outcome: a.outcome,
        resolutionNote: a.resolution_note,
        createdAt: new Date(a.created_at).toISOString(),
        resolvedAt: a.resolved_at ? new Date(a.resolved_at).toISOString() : null,
        caseReviewState: a.case_review_state,
      })),
    };
  }

  async function exportCases(actor: Actor, q: Omit<CaseQuery, 'page' | 'pageSize'>) {
    const filter = { scopePath: actor.viewer.scopePath, ...q };
    const [rows, total, ruleSet] = await Promise.all([
      findCases(db, filter, CASE_EXPORT_LIMIT, 0),
      countCases(db, filter),
      rules(),
    ]);
    await actor.audit(db, {
      action: 'eligibility.case.export',
      entityType: 'eligibility_case',
      details: { filters: q, rows: rows.length, total },
    });
    const today = chinaToday();
    return { rows: rows.map((r) => presentCaseSummary(r, ruleSet.document, today)), total };
  }

  return {
    rules,
    validate,
    saveRules,
    run,
    readProfile,
    unmaskProfile,
    listCases,
    readCase,
    review,
    fileAppeal,
    resolveAppeal,
    listAppeals,
    listOwnAppeals,
    exportCases,
  };
}

export type ProfilesService = ReturnType<typeof createProfilesService>;
