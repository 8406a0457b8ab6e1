// Resident search (name prefix, full ID number, phone), filters and paging; households; creating and correcting
// records with ID-number, phone and duplicate checks. Bad input always gets a clear 4xx and writes nothing.
import { expect, it } from 'vitest';
import { makeIdNumber, upgradeId15 } from '../../lib/id-number.ts';
import { MINI, type MiniDistrict, seedMiniDistrict } from '../../testing/fixtures.ts';
import { authed, login } from '../../testing/http.ts';
import { createTestApp, describeEachBackend, type TestAppContext } from '../../testing/test-context.ts';

interface Ctx extends TestAppContext {
  mini: MiniDistrict;
  tokens: Record<string, string>;
}

describeEachBackend(
  'people: search, households and writes',
  async (backend): Promise<Ctx> => {
    const ctx = await createTestApp(backend);
    const mini = await seedMiniDistrict(ctx.database.db, ctx.cipher);
    const tokens: Record<string, string> = {};
    for (const user of ['admin', 'cw_a', 'cw_c', 'gw_a1', 'hotline']) {
      tokens[user] = await login(ctx.app, user, MINI.password);
    }
    return { ...ctx, mini, tokens };
  },
  (ctx) => {
    const call = (user: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
      ctx().app.inject({ method, url, payload, headers: authed(ctx().tokens[user]!) });
    const ids = (body: { items: Array<{ id: number }> }) => body.items.map((p) => p.id).sort();
    const person = (i: number) => ctx().mini.persons[i]!;
    const countPersons = async () =>
      Number(
        (
          await ctx()
            .database.db.selectFrom('person')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('finds residents by name prefix, by full ID number and by phone', async () => {
      expect(
        ids((await call('hotline', 'GET', `/api/persons?q=${encodeURIComponent('欧阳')}`)).json()),
      ).toEqual([person(3).id]);
      const byId = (await call('hotline', 'GET', `/api/persons?q=${person(2).idNumber}`)).json();
      expect(ids(byId)).toEqual([person(2).id]);
      expect(byId.totalExact).toBe(true);
      expect(ids((await call('hotline', 'GET', `/api/persons?q=${person(1).phone}`)).json())).toEqual([
        person(1).id,
      ]);
      // A name prefix is not a substring search.
      expect(
        (await call('hotline', 'GET', `/api/persons?q=${encodeURIComponent('建国')}`)).json().total,
      ).toBe(0);
    });

    it('a search for an ID number is audited masked, with the returned ids', async () => {
      await call('admin', 'GET', `/api/persons?q=${person(4).idNumber}`);
      const entry = await ctx()
        .database.db.selectFrom('audit_log')
        .select(['details', 'entity_ids'])
        .where('action', '=', 'person.search')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      expect((entry.entity_ids as Array<number | string>).map(Number)).toEqual([person(4).id]);
      expect(JSON.stringify(entry.details)).not.toContain(person(4).idNumber);
      expect(JSON.stringify(entry.details)).toContain(person(4).idNumber.slice(-4));
    });

    it('an invalid full ID number in the search box gets 400 ID_NUMBER_INVALID', async () => {
      const bad = `${person(0).idNumber.slice(0, 17)}${person(0).idNumber.endsWith('0') ? '1' : '0'}`;
      const res = await call('admin', 'GET', `/api/persons?q=${bad}`);
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('ID_NUMBER_INVALID');
    });

    it('filters by tag, sex, registration type and age range, and pages', async () => {
      expect(ids((await call('admin', 'GET', '/api/persons?tag=disabled')).json())).toEqual([person(3).id]);
      expect(ids((await call('admin', 'GET', '/api/persons?sex=2&pageSize=200')).json())).toEqual(
        [person(1).id, person(4).id].sort(),
      );
      expect((await call('admin', 'GET', '/api/persons?registrationType=floating')).json().total).toBe(0);
      // 欧阳明 was born in 1980, everyone else after 1990 or before 1950.
      const forties = (await call('admin', 'GET', '/api/persons?ageMin=40&ageMax=50')).json();
      expect(ids(forties)).toEqual([person(3).id]);
      const page = (await call('admin', 'GET', '/api/persons?pageSize=2&page=3')).json();
      expect(page).toMatchObject({ total: 5, page: 3, pageSize: 2, totalExact: true });
      expect(page.items).toHaveLength(1);
      expect((await call('admin', 'GET', '/api/persons?ageMin=50&ageMax=40')).statusCode).toBe(400);
      expect((await call('admin', 'GET', '/api/persons?pageSize=0')).statusCode).toBe(400);
      expect((await call('admin', 'GET', '/api/persons?within=bad')).statusCode).toBe(400);
    });

    it('within= outside the scope gives an empty list, never rows from outside', async () => {
      const res = await call(
        'cw_a',
        'GET',
        `/api/persons?within=${encodeURIComponent(MINI.communityC.path)}`,
      );
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ items: [], total: 0 });
    });

    it('a household shows its members masked inside the scope, 404 outside, and is audited', async () => {
      const detail = (await call('admin', 'GET', `/api/persons/${person(0).id}`)).json();
      const res = await call('cw_a', 'GET', `/api/households/${detail.householdId}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().household).toMatchObject({ id: detail.householdId, memberCount: 1 });
      expect(res.json().household.address).toMatch(/1号楼\*\*\*\*$/);
      expect(res.json().members).toEqual([expect.objectContaining({ id: person(0).id, name: '张*国' })]);
      expect(res.body).not.toContain(person(0).idNumber);
      const outside = await call('cw_c', 'GET', `/api/households/${detail.householdId}`);
      expect(outside.statusCode).toBe(404);
      expect(outside.json().error.code).toBe('HOUSEHOLD_NOT_FOUND');
      const audited = await ctx()
        .database.db.selectFrom('audit_log')
        .select('entity_ids')
        .where('action', '=', 'household.read')
        .execute();
      expect(audited.length).toBeGreaterThan(0);
    });

    it('a house shows its households and masked members inside the scope, 404 outside, and is audited', async () => {
      const detail = (await call('admin', 'GET', `/api/persons/${person(0).id}`)).json();
      const res = await call('gw_a1', 'GET', `/api/houses/${detail.houseId}`);
      expect(res.statusCode).toBe(200);
      expect(res.json().house).toMatchObject({ id: detail.houseId, roomNo: '502', floor: 5, areaM2: 78.5 });
      expect(res.json().house.address).toMatch(/1号楼\*\*\*\*$/);
      expect(res.json().households).toEqual([
        expect.objectContaining({
          id: detail.householdId,
          members: [expect.objectContaining({ name: '张*国' })],
        }),
      ]);
      expect(res.body).not.toContain(person(0).phone);
      const outside = await call('cw_c', 'GET', `/api/houses/${detail.houseId}`);
      expect([outside.statusCode, outside.json().error.code]).toEqual([404, 'HOUSE_NOT_FOUND']);
      const audited = await ctx()
        .database.db.selectFrom('audit_log')
        .select('entity_ids')
        .where('action', '=', 'house.read')
        .execute();
      expect(audited.map((a) => (a.entity_ids as Array<number | string>).map(Number))).toEqual([
        [detail.houseId],
      ]);
    });

    it('creates a resident in a grid of the scope, masked in the answer and audited', async () => {
      const idNumber = makeIdNumber('330192', '1990-03-15', 41);
      const res = await call('cw_a', 'POST', '/api/persons', {
        name: '周新民',
        idNumber,
        phone: '139 0000 2222',
        registrationType: 'floating',
        gridId: ctx().mini.grids.a2.id,
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({ name: '周*民', sex: '1', birthYear: 1990, phone: '139****2222' });
      expect(res.json().idNumber).toBe(`330192********${idNumber.slice(-4)}`);
      const found = (await call('cw_a', 'GET', `/api/persons?q=${idNumber}`)).json();
      expect(ids(found)).toEqual([res.json().id]);
    });

    it('refuses bad records with the field named, and writes nothing', async () => {
      const before = await countPersons();
      const grid = ctx().mini.grids.a1.id;
      const male = makeIdNumber('330192', '1985-07-01', 51);
      const cases: Array<[object, number, string]> = [
        [
          { name: '甲', idNumber: male, sex: '2', registrationType: 'household', gridId: grid },
          400,
          'ID_NUMBER_MISMATCH',
        ],
        [
          {
            name: '乙',
            idNumber: male,
            birthDate: '1985-07-02',
            registrationType: 'household',
            gridId: grid,
          },
          400,
          'ID_NUMBER_MISMATCH',
        ],
        [
          { name: '丙', idNumber: '330192198507011234', registrationType: 'household', gridId: grid },
          400,
          'ID_NUMBER_INVALID',
        ],
        [
          { name: '丁', idNumber: person(0).idNumber, registrationType: 'household', gridId: grid },
          409,
          'DUPLICATE',
        ],
        [
          { name: '戊', idNumber: male, phone: '12345', registrationType: 'household', gridId: grid },
          400,
          'PHONE_INVALID',
        ],
        [
          { name: '己', idNumber: male, registrationType: 'household', gridId: ctx().mini.grids.c1.id },
          404,
          'DIVISION_NOT_FOUND',
        ],
        [{ name: '庚', idNumber: male, registrationType: 'household' }, 400, 'VALIDATION_FAILED'],
        [{ name: '', registrationType: 'household', gridId: grid }, 400, 'VALIDATION_FAILED'],
        [{ name: '辛', registrationType: 'alien', gridId: grid }, 400, 'VALIDATION_FAILED'],
      ];
      for (const [payload, status, code] of cases) {
        const res = await call('gw_a1', 'POST', '/api/persons', payload);
        expect([res.statusCode, res.json().error?.code]).toEqual([status, code]);
      }
      const mismatch = await call('gw_a1', 'POST', '/api/persons', cases[0]![0]);
      expect(mismatch.json().error.details.map((d: { field: string }) => d.field)).toContain('body/sex');
      expect(await countPersons()).toBe(before);
    });

    it('stores a legacy 15-digit number as 18 digits and adds the resident to a household, counted', async () => {
      const head = (await call('cw_a', 'GET', `/api/persons/${person(0).id}`)).json();
      const before = (await call('cw_a', 'GET', `/api/households/${head.householdId}`)).json();
      const legacy = '330192600203033';
      const res = await call('cw_a', 'POST', '/api/persons', {
        name: '吴国栋',
        idNumber: legacy,
        phone: '0571-8800 1234',
        registrationType: 'household',
        relationToHead: '10',
        tags: ['disabled'],
        householdId: head.householdId,
      });
      expect(res.statusCode).toBe(201);
      expect(res.json()).toMatchObject({
        sex: '1',
        birthYear: 1960,
        idNumber: `330192********${upgradeId15(legacy).slice(-4)}`,
        phone: '********1234',
        relationLabel: '配偶',
        householdId: head.householdId,
        houseId: head.houseId,
        gridId: ctx().mini.grids.a1.id,
        tags: null,
        tagCount: 1,
      });
      const found = (await call('cw_a', 'GET', `/api/persons?q=${upgradeId15(legacy)}`)).json();
      expect(ids(found)).toEqual([res.json().id]);
      const after = (await call('cw_a', 'GET', `/api/households/${head.householdId}`)).json();
      expect(after.household.memberCount).toBe(before.household.memberCount + 1);
      expect(after.members.map((m: { id: number }) => m.id)).toContain(res.json().id);
    });

    it('refuses unknown codes and a household outside the scope, naming the field, and writes nothing', async () => {
      const before = await countPersons();
      const grid = ctx().mini.grids.a1.id;
      const idNumber = makeIdNumber('330192', '1970-01-01', 61);
      const bad = await call('cw_a', 'POST', '/api/persons', {
        name: '郑明',
        idNumber,
        registrationType: 'household',
        tags: ['disabled', 'vip'],
        ethnicity: '99',
        gridId: grid,
      });
      expect(bad.statusCode).toBe(400);
      expect(
        bad
          .json()
          .error.details.map((d: { field: string }) => d.field)
          .sort(),
      ).toEqual(['body/ethnicity', 'body/tags/1']);
      const c1Person = (await call('admin', 'GET', `/api/persons/${person(4).id}`)).json();
      const outside = await call('cw_a', 'POST', '/api/persons', {
        name: '郑明',
        idNumber,
        registrationType: 'household',
        householdId: c1Person.householdId,
      });
      expect([outside.statusCode, outside.json().error.code]).toEqual([404, 'HOUSEHOLD_NOT_FOUND']);
      expect(await countPersons()).toBe(before);
    });

    it('refuses to give a resident the ID number of another with 409, leaving the record unchanged', async () => {
      const res = await call('cw_a', 'PATCH', `/api/persons/${person(2).id}`, {
        idNumber: person(1).idNumber,
      });
      expect([res.statusCode, res.json().error.code]).toEqual([409, 'DUPLICATE']);
      const unmasked = await call('cw_a', 'POST', `/api/persons/${person(2).id}/unmask`, {
        fields: ['idNumber'],
        purpose: '核对身份证号码',
      });
      expect(unmasked.json().values.idNumber).toBe(person(2).idNumber);
    });

    it('corrects a record in scope, 404 outside, and refuses a mismatching sex', async () => {
      const res = await call('gw_a1', 'PATCH', `/api/persons/${person(1).id}`, { phone: '13900003333' });
      expect(res.statusCode).toBe(200);
      expect(res.json().phone).toBe('139****3333');
      expect(
        (await call('cw_c', 'PATCH', `/api/persons/${person(1).id}`, { phone: '13900003333' })).statusCode,
      ).toBe(404);
      const wrongSex = await call('gw_a1', 'PATCH', `/api/persons/${person(1).id}`, { sex: '1' });
      expect([wrongSex.statusCode, wrongSex.json().error.code]).toEqual([400, 'ID_NUMBER_MISMATCH']);
      expect((await call('gw_a1', 'PATCH', `/api/persons/${person(1).id}`, {})).statusCode).toBe(400);
      expect(
        (await call('hotline', 'PATCH', `/api/persons/${person(1).id}`, { name: '某' })).statusCode,
      ).toBe(403);
    });
  },
);
