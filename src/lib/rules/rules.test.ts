import { describe, expect, it } from 'vitest';
import {
  decidePolicy,
  decideResident,
  evaluateCondition,
  type FieldCatalogue,
  maskExplanation,
  type Policy,
  parseCondition,
  parseRuleDocument,
  parseRuleText,
  quickDecide,
} from './index.ts';

const FIELDS: FieldCatalogue = {
  age: { type: 'number', label: { zh: '年龄', en: 'Age' }, nearMargin: 2 },
  registration_type: { type: 'text', label: { zh: '户籍类型', en: 'Registration' } },
  tags: { type: 'text_list', label: { zh: '登记标签', en: 'Tags' }, sensitive: true },
  profile_tags: { type: 'text_list', label: { zh: '画像标签', en: 'Profile tags' }, sensitive: true },
  household_size: { type: 'number', label: { zh: '户人数', en: 'Household size' } },
  disability_grade: { type: 'number', label: { zh: '残疾等级', en: 'Disability grade' }, sensitive: true },
  receives_pension: { type: 'boolean', label: { zh: '领取养老金', en: 'Receives pension' } },
};

const ALLOWANCE: Policy = {
  id: 'old_age_allowance',
  version: 2,
  name: { zh: '高龄津贴', en: 'Old-age allowance' },
  legalBasis: '本市高龄津贴发放办法第三条',
  benefit: 'cash_monthly',
  conditions: {
    all: [
      { field: 'age', op: '>=', value: 80 },
      { field: 'registration_type', op: 'in', value: ['household'] },
    ],
  },
  exclusions: [
    {
      id: 'deceased',
      label: { zh: '已注销', en: 'Deregistered' },
      when: { field: 'tags', op: 'has', value: 'deregistered' },
    },
  ],
  tiers: [
    { label: { zh: '百岁', en: '100+' }, amount: 500, when: { field: 'age', op: '>=', value: 100 } },
    { label: { zh: '90–99 岁', en: '90–99' }, amount: 200, when: { field: 'age', op: '>=', value: 90 } },
    { label: { zh: '80–89 岁', en: '80–89' }, amount: 100, when: { field: 'age', op: '>=', value: 80 } },
  ],
};

describe('parseCondition', () => {
  it('accepts a well-formed tree', () => {
    const r = parseCondition(
      { all: [{ field: 'age', op: '>=', value: 80 }, { not: { field: 'tags', op: 'has', value: 'x' } }] },
      FIELDS,
    );
    expect(r.ok).toBe(true);
  });

  it('names the path of an unknown field', () => {
    const r = parseCondition(
      {
        all: [
          { field: 'age', op: '>=', value: 80 },
          { field: 'salary', op: '>', value: 1 },
        ],
      },
      FIELDS,
      '/when',
    );
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]!.path).toBe('/when/all/1/field');
      expect(r.problems[0]!.messageEn).toContain('salary');
    }
  });

  it('names the path of an unknown operator and of an operator the field type does not take', () => {
    const r = parseCondition(
      {
        any: [
          { field: 'age', op: '~=', value: 1 },
          { field: 'tags', op: '>=', value: 'a' },
        ],
      },
      FIELDS,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.path)).toEqual(['/any/0/op', '/any/1/op']);
  });

  it('rejects values of the wrong type, empty lists, unknown keys and empty all', () => {
    const r = parseCondition(
      {
        all: [
          { field: 'age', op: '>=', value: '80' },
          { field: 'registration_type', op: 'in', value: [] },
          { field: 'age', op: 'exists', value: 1 },
          { field: 'age', op: '>', value: 1, unit: 'years' },
          { any: [] },
          { field: 'registration_type', op: 'in', value: ['household', 3] },
          42,
        ],
      },
      FIELDS,
    );
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems.map((p) => p.path)).toEqual([
        '/all/0/value',
        '/all/1/value',
        '/all/2/value',
        '/all/3/unit',
        '/all/4/any',
        '/all/5/value/1',
        '/all/6',
      ]);
  });

  it('refuses nesting deeper than 12 levels', () => {
    let node: unknown = { field: 'age', op: '>', value: 1 };
    for (let i = 0; i < 14; i++) node = { not: node };
    const r = parseCondition(node, FIELDS);
    expect(r.ok).toBe(false);
  });
});

describe('parseRuleDocument', () => {
  it('accepts a document and fills empty exclusions and tiers', () => {
    const r = parseRuleDocument(
      {
        version: '2026-11',
        tags: [
          {
            id: 'elderly_80',
            version: 1,
            label: { zh: '80 岁以上', en: '80+' },
            when: { field: 'age', op: '>=', value: 80 },
          },
        ],
        policies: [{ ...ALLOWANCE, exclusions: undefined, tiers: undefined }],
      },
      FIELDS,
    );
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.policies[0]!.exclusions).toEqual([]);
      expect(r.value.tags[0]!.id).toBe('elderly_80');
    }
  });

  it('reports duplicate ids, missing legal basis, bad benefit, bad version and bad label with their paths', () => {
    const r = parseRuleDocument(
      {
        version: '1',
        tags: [
          { id: 'same', version: 0, label: { zh: '', en: 'x' }, when: { field: 'age', op: '>', value: 1 } },
        ],
        policies: [{ ...ALLOWANCE, id: 'same', legalBasis: '', benefit: 'money' }],
      },
      FIELDS,
    );
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems.map((p) => p.path)).toEqual([
        '/tags/0/version',
        '/tags/0/label',
        '/policies/0/id',
        '/policies/0/legalBasis',
        '/policies/0/benefit',
      ]);
  });

  it('reports a JSON syntax error at the root and a non-object document', () => {
    const a = parseRuleText('{"version": ', FIELDS);
    expect(a.ok).toBe(false);
    if (!a.ok) expect(a.problems[0]!.path).toBe('');
    const b = parseRuleDocument([1, 2], FIELDS);
    expect(b.ok).toBe(false);
  });

  it('rejects negative tier amounts and unknown top-level keys', () => {
    const r = parseRuleDocument(
      {
        version: 'v',
        extra: 1,
        policies: [{ ...ALLOWANCE, tiers: [{ ...ALLOWANCE.tiers[0], amount: -5 }] }],
      },
      FIELDS,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.map((p) => p.path)).toEqual(['/extra', '/policies/0/tiers/0/amount']);
  });
});

describe('evaluateCondition', () => {
  it('uses three-valued logic: a missing value is unknown, not false', () => {
    const node = {
      all: [
        { field: 'age', op: '>=' as const, value: 80 },
        { field: 'disability_grade', op: '<=' as const, value: 2 },
      ],
    };
    const e = evaluateCondition(node, { age: 85 }, FIELDS);
    expect(e.result).toBe('unknown');
    expect(e.misses).toBe(1);
    expect(e.children![1]!.actual).toBeNull();
    expect(e.children![1]!.text).toContain('未登记');
    const f = evaluateCondition(node, { age: 70 }, FIELDS);
    expect(f.result).toBe('false');
    expect(f.misses).toBe(2);
  });

  it('any holds when one branch holds; misses counts the cheapest branch', () => {
    const node = {
      any: [
        {
          all: [
            { field: 'age', op: '>=' as const, value: 80 },
            { field: 'household_size', op: '==' as const, value: 1 },
          ],
        },
        { field: 'tags', op: 'has' as const, value: 'elderly_alone' },
      ],
    };
    expect(evaluateCondition(node, { age: 81, household_size: 1, tags: [] }, FIELDS).result).toBe('true');
    const near = evaluateCondition(node, { age: 81, household_size: 2, tags: [] }, FIELDS);
    expect(near.result).toBe('false');
    expect(near.misses).toBe(1);
  });

  it('not flips true and false but keeps unknown', () => {
    const node = { not: { field: 'receives_pension', op: '==' as const, value: true } };
    expect(evaluateCondition(node, { receives_pension: false }, FIELDS).result).toBe('true');
    expect(evaluateCondition(node, { receives_pension: true }, FIELDS).result).toBe('false');
    expect(evaluateCondition(node, {}, FIELDS).result).toBe('unknown');
  });

  it('exists and missing decide on presence; list operators work on lists', () => {
    expect(evaluateCondition({ field: 'age', op: 'missing' }, {}, FIELDS).result).toBe('true');
    expect(evaluateCondition({ field: 'age', op: 'exists' }, { age: 0 }, FIELDS).result).toBe('true');
    expect(
      evaluateCondition({ field: 'tags', op: 'has_any', value: ['a', 'b'] }, { tags: ['b'] }, FIELDS).result,
    ).toBe('true');
    expect(
      evaluateCondition({ field: 'tags', op: 'not_has', value: 'a' }, { tags: ['b'] }, FIELDS).result,
    ).toBe('true');
    expect(
      evaluateCondition(
        { field: 'registration_type', op: 'not_in', value: ['foreign'] },
        { registration_type: 'household' },
        FIELDS,
      ).result,
    ).toBe('true');
  });

  it('masks sensitive values in a copy and leaves others', () => {
    const e = evaluateCondition(
      {
        all: [
          { field: 'tags', op: 'has', value: 'disabled' },
          { field: 'age', op: '>', value: 1 },
        ],
      },
      { tags: ['disabled'], age: 30 },
      FIELDS,
    );
    const m = maskExplanation(e, FIELDS);
    expect(m.children![0]!.actual).toBe('***');
    expect(m.children![0]!.text).not.toContain('disabled');
    expect(m.children![1]!.actual).toBe(30);
    expect(e.children![0]!.actual).toEqual(['disabled']);
  });
});

describe('decidePolicy', () => {
  it('eligible with the first holding tier and its amount', () => {
    const d = decidePolicy(ALLOWANCE, { age: 92, registration_type: 'household', tags: [] }, FIELDS);
    expect(d.status).toBe('eligible');
    expect(d.amount).toBe(200);
    expect(d.tier).toBe('90–99 岁');
  });

  it('a resident one condition short is a near-miss with the reason', () => {
    const d = decidePolicy(ALLOWANCE, { age: 83, registration_type: 'floating', tags: [] }, FIELDS);
    expect(d.status).toBe('near_miss');
    expect(d.reasons).toEqual(['不满足：户籍类型 属于 household（实际：floating）']);
    expect(d.amount).toBeNull();
  });

  it('a missing birth date is a near-miss flagged as missing data', () => {
    const d = decidePolicy(ALLOWANCE, { registration_type: 'household', tags: [] }, FIELDS);
    expect(d.status).toBe('near_miss');
    expect(d.missingData).toBe(true);
    expect(d.reasons[0]).toMatch(/^缺少数据/);
  });

  it('an applying exclusion is reported as excluded with its label, never dropped', () => {
    const d = decidePolicy(
      ALLOWANCE,
      { age: 83, registration_type: 'household', tags: ['deregistered'] },
      FIELDS,
    );
    expect(d.status).toBe('excluded');
    expect(d.reasons).toEqual(['排除：已注销']);
  });

  it('one condition short but far from it is not a near-miss: a number outside its margin, a missing tag', () => {
    const young = decidePolicy(ALLOWANCE, { age: 31, registration_type: 'household', tags: [] }, FIELDS);
    expect(young.status).toBe('not_eligible');
    expect(
      decidePolicy(ALLOWANCE, { age: 78, registration_type: 'household', tags: [] }, FIELDS).status,
    ).toBe('near_miss');
    const tagged = {
      ...ALLOWANCE,
      conditions: { field: 'tags' as const, op: 'has' as const, value: 'disabled' },
    };
    expect(decidePolicy(tagged, { tags: [] }, FIELDS).status).toBe('not_eligible');
    expect(decidePolicy(tagged, {}, FIELDS).status).toBe('near_miss');
  });

  it('two conditions short is not eligible', () => {
    const d = decidePolicy(ALLOWANCE, { age: 30, registration_type: 'floating', tags: [] }, FIELDS);
    expect(d.status).toBe('not_eligible');
    expect(d.reasons).toHaveLength(2);
  });
});

describe('decideResident', () => {
  it('derives tags with their evidence and lets policies build on them', () => {
    const doc = {
      version: 't',
      tags: [
        {
          id: 'elderly_80_alone',
          version: 3,
          label: { zh: '80 岁以上独居', en: '80+ alone' },
          when: {
            all: [
              { field: 'age', op: '>=' as const, value: 80 },
              { field: 'household_size', op: '==' as const, value: 1 },
            ],
          },
        },
      ],
      policies: [
        {
          ...ALLOWANCE,
          id: 'home_visit',
          tiers: [],
          conditions: { field: 'profile_tags', op: 'has' as const, value: 'elderly_80_alone' },
        },
      ],
    };
    const r = decideResident(doc, { age: 88, household_size: 1, tags: [] }, FIELDS);
    expect(r.tags).toHaveLength(1);
    expect(r.tags[0]!.version).toBe(3);
    expect(r.tags[0]!.evidence).toEqual({ age: 88, household_size: 1 });
    expect(r.policies[0]!.status).toBe('eligible');
    const none = decideResident(doc, { age: 88, household_size: 2, tags: [] }, FIELDS);
    expect(none.tags).toHaveLength(0);
    expect(none.policies[0]!.status).toBe('not_eligible');
  });
});

describe('quickDecide', () => {
  it('agrees with the full decisions on statuses and tags over a grid of residents', () => {
    const doc = parseRuleDocument(
      {
        version: 'q',
        tags: [
          {
            id: 'old_alone',
            version: 1,
            label: { zh: '老', en: 'Old' },
            when: {
              all: [
                { field: 'age', op: '>=', value: 80 },
                { field: 'household_size', op: '==', value: 1 },
              ],
            },
          },
        ],
        policies: [
          ALLOWANCE,
          {
            ...ALLOWANCE,
            id: 'care',
            tiers: [],
            conditions: {
              all: [
                {
                  any: [
                    { field: 'age', op: '>=', value: 60 },
                    { field: 'tags', op: 'has', value: 'disabled' },
                  ],
                },
                { field: 'disability_grade', op: '<=', value: 2 },
                { not: { field: 'receives_pension', op: '==', value: true } },
              ],
            },
          },
        ],
      },
      FIELDS,
    );
    expect(doc.ok).toBe(true);
    if (!doc.ok) return;
    let compared = 0;
    for (const age of [null, 30, 59, 60, 78, 80, 95])
      for (const registration_type of ['household', 'floating'])
        for (const tags of [[], ['disabled'], ['deregistered']])
          for (const disability_grade of [null, 1, 3])
            for (const receives_pension of [null, true, false])
              for (const household_size of [1, 2]) {
                const facts = {
                  age,
                  registration_type,
                  tags,
                  disability_grade,
                  receives_pension,
                  household_size,
                };
                const full = decideResident(doc.value, facts, FIELDS);
                const quick = quickDecide(doc.value, facts, FIELDS);
                expect(quick.statuses).toEqual(full.policies.map((p) => p.status));
                expect(quick.tags.map((t) => t.tag)).toEqual(full.tags.map((t) => t.tag));
                compared++;
              }
    expect(compared).toBe(756);
  });
});
