// The rules for residents: what a search box text means, who may unmask what, what a valid record is, and that
// every read or write of personal data is audited in the same transaction as the write. Routes check the
// permission and hand the viewer here; the presenter decides what leaves the server.
import { type IdNumberProblem, normaliseIdInput, parseIdNumber } from '../../lib/id-number.ts';
import { maskIdNumber, maskPhone } from '../../lib/masking.ts';
import type { Actor } from '../../platform/audit/request-audit.ts';
import { roleMayUnmask, type SensitiveField } from '../../platform/auth/roles.ts';
import type { Viewer } from '../../platform/auth/viewer.ts';
import type { FieldCipher } from '../../platform/crypto/field-cipher.ts';
import type { Database, NewPerson, PersonUpdate } from '../../platform/db/index.ts';
import { AppError, type FieldProblem } from '../../platform/http/errors.ts';
import { type CodeLabels, codeLabelsOf } from '../codes/index.ts';
import { birthDateRange, chinaToday } from '../stats/index.ts';
import {
  type Presenting,
  presentAddress,
  presentPersonDetail,
  presentPersonSummary,
  unmaskedValues,
} from './person.presenter.ts';
import {
  adjustMemberCount,
  countPersons,
  findHouseholdInScope,
  findHouseholdsOfHouse,
  findHouseInScope,
  findMembersOfHouseholds,
  findPersonInScope,
  findPersons,
  gridPlacement,
  type HouseholdRecord,
  housePlacement,
  idNumberTaken,
  insertPerson,
  type PersonQuery,
  type Placement,
  updatePerson,
} from './person.repository.ts';
import type { PersonCreateBody, PersonSearchQuery, PersonUpdateBody, UnmaskBody } from './person.schema.ts';

/** Lists count matches up to this many; beyond it `total` is a lower bound and `totalExact` is false. */
export const SEARCH_COUNT_CAP = 10_000;

// The request's viewer and audit writer, as every route hands it to a service.
export { type Actor, actorOf } from '../../platform/audit/request-audit.ts';

const ID_PROBLEMS: Record<IdNumberProblem, [string, string]> = {
  empty: ['请填写身份证号码', 'The ID number is empty'],
  length: ['身份证号码应为 18 位（或旧版 15 位）', 'An ID number has 18 digits (or 15, legacy)'],
  format: ['身份证号码只能是数字，最后一位可以是 X', 'Digits only; the last may be X'],
  province: ['身份证号码的省份代码不存在', 'The province code does not exist'],
  birth_date: ['身份证号码中的出生日期不存在', 'The birth date in the number does not exist'],
  birth_in_future: ['身份证号码中的出生日期晚于今天', 'The birth date in the number is in the future'],
  check_digit: ['身份证号码校验位错误', 'The check digit is wrong'],
  legacy_centenarian: [
    '15 位号码的顺序码 996–999 无法确定世纪，请输入 18 位号码',
    'Legacy sequences 996–999 have no certain century; enter the 18-digit number',
  ],
};

function idNumberProblem(field: string, problem: IdNumberProblem): AppError {
  const [message, messageEn] = ID_PROBLEMS[problem];
  return new AppError('ID_NUMBER_INVALID', [{ field, message, messageEn }]);
}

/** Mainland mobile numbers (11 digits from 13x–19x) or landlines with their area code (0 + 9–11 digits). */
export function normalisePhone(raw: string): string | null {
  const digits = raw.replace(/[\s\-()（）]/g, '');
  if (/^1[3-9]\d{9}$/.test(digits)) return digits;
  if (/^0\d{9,11}$/.test(digits)) return digits;
  return null;
}

function uniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

interface Identity {
  idNumber: string | null;
  sex: '0' | '1' | '2' | '9';
  birthDate: string | null;
}

/**
 * Reconciles the ID number with the stated sex and birth date: the number decides, and a stated value that
 * disagrees is a 400 naming each disagreeing field (a typo in either is the usual cause, so we do not guess).
 */
function reconcileIdentity(
  given: { idNumber?: string; sex?: Identity['sex']; birthDate?: string },
  current: Identity | null,
  today: Date,
): Identity {
  const idNumber = given.idNumber ?? current?.idNumber ?? null;
  if (idNumber === null) {
    const sex = given.sex ?? current?.sex;
    if (!sex) {
      throw new AppError('VALIDATION_FAILED', [
        {
          field: 'body/sex',
          message: '未填写身份证号码时须填写性别',
          messageEn: 'Sex is required without an ID number',
        },
      ]);
    }
    return { idNumber: null, sex, birthDate: given.birthDate ?? current?.birthDate ?? null };
  }
  const parsed = parseIdNumber(idNumber, today);
  if (!parsed.ok) throw idNumberProblem('body/idNumber', parsed.problem);
  // A new number brings its own sex and birth date; a stated one must agree with whichever number stands.
  const sex = given.sex ?? (given.idNumber ? parsed.sex : (current?.sex ?? parsed.sex));
  const birthDate =
    given.birthDate ?? (given.idNumber ? parsed.birthDate : (current?.birthDate ?? parsed.birthDate));
  const mismatches: FieldProblem[] = [];
  if (sex !== parsed.sex) {
    mismatches.push({
      field: 'body/sex',
      message: `性别与身份证号码不一致（号码为${parsed.sex === '1' ? '男' : '女'}性）`,
      messageEn: 'Sex does not match the ID number',
    });
  }
  if (birthDate !== parsed.birthDate) {
    mismatches.push({
      field: 'body/birthDate',
      message: `出生日期与身份证号码不一致（号码为 ${parsed.birthDate}）`,
      messageEn: 'Birth date does not match the ID number',
    });
  }
  if (mismatches.length > 0) throw new AppError('ID_NUMBER_MISMATCH', mismatches);
  return { idNumber: parsed.value, sex: parsed.sex, birthDate: parsed.birthDate };
}

function checkCodes(
  labels: CodeLabels,
  body: { ethnicity?: string | null; relationToHead?: string | null; tags?: string[] },
): void {
  const problems: FieldProblem[] = [];
  if (body.ethnicity && !labels.has('ethnicity', body.ethnicity))
    problems.push({
      field: 'body/ethnicity',
      message: '民族代码不存在',
      messageEn: 'Unknown ethnicity code',
    });
  if (body.relationToHead && !labels.has('family_relation', body.relationToHead))
    problems.push({
      field: 'body/relationToHead',
      message: '家庭关系代码不存在',
      messageEn: 'Unknown family relation code',
    });
  for (const [i, tag] of (body.tags ?? []).entries()) {
    if (!labels.has('person_tag', tag))
      problems.push({ field: `body/tags/${i}`, message: '没有这个标签', messageEn: 'Unknown tag' });
  }
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', problems);
}

function phoneColumns(cipher: FieldCipher, raw: string | null) {
  if (raw === null) return { phone_cipher: null, phone_hash: null, phone_masked: null };
  const phone = normalisePhone(raw);
  if (!phone) {
    throw new AppError('PHONE_INVALID', [
      {
        field: 'body/phone',
        message: '请填写 11 位手机号或带区号的固定电话',
        messageEn: 'A mobile number has 11 digits; a landline needs its area code',
      },
    ]);
  }
  return {
    phone_cipher: cipher.seal(phone),
    phone_hash: cipher.blindIndex(phone),
    phone_masked: maskPhone(phone),
  };
}

function idColumns(cipher: FieldCipher, idNumber: string | null) {
  if (idNumber === null) return { id_number_cipher: null, id_number_hash: null, id_number_masked: null };
  return {
    id_number_cipher: cipher.seal(idNumber),
    id_number_hash: cipher.blindIndex(idNumber),
    id_number_masked: maskIdNumber(idNumber),
  };
}

const DUPLICATE_ID = new AppError('DUPLICATE', [
  {
    field: 'body/idNumber',
    message: '该身份证号码已登记',
    messageEn: 'This ID number is already registered',
  },
]);

export function createPeopleService(database: Database, cipher: FieldCipher) {
  const db = database.db;

  async function presenting(viewer: Viewer): Promise<Presenting> {
    return { viewer, cipher, labels: await codeLabelsOf(db), today: chinaToday() };
  }

  /**
   * The one search box: a full ID number or phone is looked up exactly through its blind index (and is written
   * to the audit trail masked); anything else is a name prefix.
   */
  function interpretSearchText(text: string): { query: Partial<PersonQuery>; audited: string } {
    const compact = normaliseIdInput(text);
    if (/^\d{15}$|^\d{17}[\dX]$/.test(compact)) {
      const id = parseIdNumber(compact);
      if (!id.ok) throw idNumberProblem('querystring/q', id.problem);
      return { query: { idNumberHash: cipher.blindIndex(id.value) }, audited: maskIdNumber(id.value) };
    }
    if (/^1\d{10}$/.test(compact)) {
      return { query: { phoneHash: cipher.blindIndex(compact) }, audited: maskPhone(compact) };
    }
    return { query: { namePrefix: text }, audited: text };
  }

  async function search(actor: Actor, q: PersonSearchQuery) {
    if (q.ageMin !== undefined && q.ageMax !== undefined && q.ageMin > q.ageMax) {
      throw new AppError('VALIDATION_FAILED', [
        {
          field: 'querystring/ageMin',
          message: '最小年龄不能大于最大年龄',
          messageEn: 'ageMin is above ageMax',
        },
      ]);
    }
    const ctx = await presenting(actor.viewer);
    const text = q.q?.trim();
    const interpreted = text ? interpretSearchText(text) : null;
    const query: PersonQuery = {
      scopePath: actor.viewer.scopePath,
      limit: q.pageSize,
      offset: (q.page - 1) * q.pageSize,
      gridId: q.gridId,
      within: q.within,
      tag: q.tag,
      sex: q.sex,
      registrationType: q.registrationType,
      ...birthDateRange(ctx.today, q.ageMin, q.ageMax),
      ...interpreted?.query,
    };
    const rows = await findPersons(db, query);
    // A short page ends the list, so its total is known; otherwise count, but only up to a cap (at least past
    // this page): a district-wide list need not count a million rows to show its first page.
    const endReached = rows.length < q.pageSize && (rows.length > 0 || q.page === 1);
    const cap = Math.max(SEARCH_COUNT_CAP, query.offset + q.pageSize);
    const counted = endReached ? query.offset + rows.length : await countPersons(db, query, cap + 1);
    const totalExact = counted <= cap;
    const total = Math.min(counted, cap);
    await actor.audit(db, {
      action: 'person.search',
      entityType: 'person',
      entityIds: rows.map((r) => r.id),
      details: { q: interpreted?.audited ?? null, filters: { ...q, q: undefined }, total },
    });
    return {
      items: rows.map((r) => presentPersonSummary(r, ctx)),
      total,
      totalExact,
      page: q.page,
      pageSize: q.pageSize,
    };
  }

  async function read(actor: Actor, id: number) {
    const person = await findPersonInScope(db, actor.viewer.scopePath, id);
    if (!person) throw new AppError('PERSON_NOT_FOUND');
    await actor.audit(db, { action: 'person.read', entityType: 'person', entityIds: [id] });
    return presentPersonDetail(person, await presenting(actor.viewer));
  }

  async function readSelf(actor: Actor) {
    const personId = actor.viewer.personId;
    if (!personId) throw new AppError('PERSON_NOT_FOUND');
    return read(actor, personId);
  }

  async function unmask(actor: Actor, id: number, body: UnmaskBody) {
    const purpose = body.purpose.trim();
    if (Array.from(purpose).length < 4) {
      throw new AppError('PURPOSE_REQUIRED', [
        { field: 'body/purpose', message: '请填写查看用途，至少 4 个字', messageEn: 'At least 4 characters' },
      ]);
    }
    const fields = body.fields as SensitiveField[];
    const refused = fields.filter((f) => !roleMayUnmask(actor.viewer.role, f));
    if (refused.length > 0) {
      await actor.audit(db, {
        action: 'person.unmask',
        outcome: 'denied',
        entityType: 'person',
        entityIds: [id],
        purpose,
        details: { fields, refused },
      });
      throw new AppError(
        'FORBIDDEN',
        refused.map((f) => ({
          field: `body/fields/${f}`,
          message: '您的角色不能查看该字段的完整信息',
          messageEn: 'Your role may not unmask this field',
        })),
      );
    }
    const person = await findPersonInScope(db, actor.viewer.scopePath, id);
    if (!person) throw new AppError('PERSON_NOT_FOUND');
    await actor.audit(db, {
      action: 'person.unmask',
      entityType: 'person',
      entityIds: [id],
      purpose,
      details: { fields },
    });
    return { id, purpose, values: unmaskedValues(person, fields, cipher) };
  }

  async function placementFor(viewer: Viewer, body: PersonCreateBody): Promise<Placement> {
    const scope = viewer.scopePath;
    let placement: Placement | undefined;
    if (body.householdId) {
      const hh = await findHouseholdInScope(db, scope, body.householdId);
      if (!hh) throw new AppError('HOUSEHOLD_NOT_FOUND');
      placement = {
        grid_id: hh.grid_id,
        street_code: hh.street_code,
        scope_path: hh.scope_path,
        house_id: hh.house_id,
        household_id: hh.id,
      };
    } else if (body.houseId) {
      placement = await housePlacement(db, scope, body.houseId);
      if (!placement) throw new AppError('HOUSE_NOT_FOUND');
    } else if (body.gridId) {
      placement = await gridPlacement(db, scope, body.gridId);
      if (!placement) throw new AppError('DIVISION_NOT_FOUND');
    } else {
      throw new AppError('VALIDATION_FAILED', [
        {
          field: 'body/gridId',
          message: '请指定所属网格、房屋或户',
          messageEn: 'Give a grid, house or household',
        },
      ]);
    }
    const conflicts: FieldProblem[] = [];
    if (body.houseId && placement.house_id !== body.houseId)
      conflicts.push({
        field: 'body/houseId',
        message: '房屋与所填的户不一致',
        messageEn: 'House and household differ',
      });
    if (body.gridId && placement.grid_id !== body.gridId)
      conflicts.push({
        field: 'body/gridId',
        message: '网格与所填的房屋或户不一致',
        messageEn: 'Grid differs',
      });
    if (conflicts.length > 0) throw new AppError('VALIDATION_FAILED', conflicts);
    return placement;
  }

  async function create(actor: Actor, body: PersonCreateBody) {
    const identity = reconcileIdentity(body, null, new Date());
    checkCodes(await codeLabelsOf(db), body);
    const phone = phoneColumns(cipher, body.phone ?? null);
    const ids = idColumns(cipher, identity.idNumber);
    const placement = await placementFor(actor.viewer, body);
    if (ids.id_number_hash && (await idNumberTaken(db, ids.id_number_hash))) throw DUPLICATE_ID;
    const row: NewPerson = {
      ...placement,
      ...ids,
      ...phone,
      name: body.name.trim(),
      sex: identity.sex,
      birth_date: identity.birthDate,
      ethnicity: body.ethnicity ?? null,
      registration_type: body.registrationType,
      relation_to_head: body.relationToHead ?? null,
      tags: body.tags ?? [],
      source: `manual:${actor.viewer.username}`,
      source_updated_at: new Date(),
    };
    const id = await database.db
      .transaction()
      .execute(async (trx) => {
        const newId = await insertPerson(trx, row);
        if (row.household_id) await adjustMemberCount(trx, row.household_id, 1);
        await actor.audit(trx, {
          action: 'person.create',
          entityType: 'person',
          entityIds: [newId],
          details: { fields: Object.keys(body).sort() },
        });
        return newId;
      })
      .catch((error: unknown) => {
        throw uniqueViolation(error) ? DUPLICATE_ID : error;
      });
    return read(actor, id);
  }

  async function update(actor: Actor, id: number, body: PersonUpdateBody) {
    const person = await findPersonInScope(db, actor.viewer.scopePath, id);
    if (!person) throw new AppError('PERSON_NOT_FOUND');
    const changes: PersonUpdate = {};
    if (body.idNumber !== undefined || body.sex !== undefined || body.birthDate !== undefined) {
      const current: Identity = {
        idNumber: person.id_number_cipher ? cipher.open(person.id_number_cipher) : null,
        sex: person.sex as Identity['sex'],
        birthDate: person.birth_date,
      };
      const identity = reconcileIdentity(body, current, new Date());
      Object.assign(changes, { sex: identity.sex, birth_date: identity.birthDate });
      if (body.idNumber !== undefined) {
        const ids = idColumns(cipher, identity.idNumber);
        if (ids.id_number_hash && (await idNumberTaken(db, ids.id_number_hash, id))) throw DUPLICATE_ID;
        Object.assign(changes, ids);
      }
    }
    checkCodes(await codeLabelsOf(db), body);
    if (body.phone !== undefined) Object.assign(changes, phoneColumns(cipher, body.phone));
    if (body.name !== undefined) changes.name = body.name.trim();
    if (body.ethnicity !== undefined) changes.ethnicity = body.ethnicity;
    if (body.relationToHead !== undefined) changes.relation_to_head = body.relationToHead;
    if (body.registrationType !== undefined) changes.registration_type = body.registrationType;
    if (body.tags !== undefined) changes.tags = body.tags;
    await database.db
      .transaction()
      .execute(async (trx) => {
        await updatePerson(trx, id, changes);
        await actor.audit(trx, {
          action: 'person.update',
          entityType: 'person',
          entityIds: [id],
          details: { fields: Object.keys(body).sort() },
        });
      })
      .catch((error: unknown) => {
        throw uniqueViolation(error) ? DUPLICATE_ID : error;
      });
    return read(actor, id);
  }

  function presentHousehold(hh: HouseholdRecord, labels: CodeLabels) {
    return {
      id: hh.id,
      householdNo: hh.household_no,
      registrationType: hh.registration_type,
      registrationTypeLabel: labels.label('registration_type', hh.registration_type),
      memberCount: hh.member_count,
      houseId: hh.house_id,
      address: presentAddress(hh.address),
      gridId: hh.grid_id,
      gridName: hh.grid_name,
      headPersonId: hh.head_person_id,
    };
  }

  async function readHousehold(actor: Actor, id: number) {
    const hh = await findHouseholdInScope(db, actor.viewer.scopePath, id);
    if (!hh) throw new AppError('HOUSEHOLD_NOT_FOUND');
    const members = await findMembersOfHouseholds(db, actor.viewer.scopePath, [id]);
    await actor.audit(db, {
      action: 'household.read',
      entityType: 'household',
      entityIds: [id],
      details: { personIds: members.map((m) => m.id) },
    });
    const ctx = await presenting(actor.viewer);
    return {
      household: presentHousehold(hh, ctx.labels),
      members: members.map((m) => presentPersonSummary(m, ctx)),
    };
  }

  /** The households of a house with their members, masked (for the house page; the caller audits). */
  async function householdsOfHouse(viewer: Viewer, houseId: number) {
    const households = await findHouseholdsOfHouse(db, viewer.scopePath, houseId);
    const members = await findMembersOfHouseholds(
      db,
      viewer.scopePath,
      households.map((h) => h.id),
    );
    const ctx = await presenting(viewer);
    return households.map((hh) => ({
      ...presentHousehold(hh, ctx.labels),
      members: members.filter((m) => m.household_id === hh.id).map((m) => presentPersonSummary(m, ctx)),
    }));
  }

  /** A house with its households and their members (masked; addresses to the building), audited. */
  async function readHouse(actor: Actor, id: number) {
    const house = await findHouseInScope(db, actor.viewer.scopePath, id);
    if (!house) throw new AppError('HOUSE_NOT_FOUND');
    const households = await householdsOfHouse(actor.viewer, id);
    await actor.audit(db, {
      action: 'house.read',
      entityType: 'house',
      entityIds: [id],
      details: { personIds: households.flatMap((hh) => hh.members.map((m) => m.id)) },
    });
    const labels = await codeLabelsOf(db);
    return {
      house: {
        id: house.id,
        buildingId: house.building_id,
        buildingName: house.building_name,
        unitNo: house.unit_no,
        floor: house.floor,
        roomNo: house.room_no,
        address: presentAddress(house.address),
        areaM2: house.area_m2 === null ? null : Number(house.area_m2),
        useType: house.use_type,
        occupancy: house.occupancy,
        occupancyLabel: labels.label('house_occupancy', house.occupancy),
        gridId: house.grid_id,
        gridName: house.grid_name,
      },
      households,
    };
  }

  return { search, read, readSelf, unmask, create, update, readHousehold, readHouse };
}

export type PeopleService = ReturnType<typeof createPeopleService>;
