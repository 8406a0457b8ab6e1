// Checks a rule document written by hand before anything evaluates it: every problem is reported at its JSON
// pointer (/policies/0/conditions/all/1/op) in Chinese and English, so a policy officer can find and fix it. The
// parser never guesses: an unknown key, field or operator, a value of the wrong type, or a duplicated id is an
// error, because a rule that silently means something else would silently exclude people.
import {
  type Condition,
  type FieldCatalogue,
  type FieldType,
  OPERATORS,
  OPERATORS_BY_TYPE,
  type Operator,
  type Policy,
  type RuleDocument,
  type RuleProblem,
  type TagRule,
} from './rule-types.ts';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; problems: RuleProblem[] };

const ID_PATTERN = /^[a-z][a-z0-9_]{1,63}$/;
const MAX_DEPTH = 12;

class Collector {
  readonly problems: RuleProblem[] = [];
  add(path: string, message: string, messageEn: string) {
    this.problems.push({ path, message, messageEn });
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownKeys(c: Collector, path: string, obj: Record<string, unknown>, allowed: readonly string[]) {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) c.add(`${path}/${key}`, `不认识的键 "${key}"`, `Unknown key "${key}"`);
  }
}

function checkLabel(c: Collector, path: string, v: unknown) {
  if (!isObject(v) || typeof v['zh'] !== 'string' || typeof v['en'] !== 'string' || v['zh'].trim() === '') {
    c.add(path, '须为 {"zh": "…", "en": "…"}', 'Must be {"zh": "…", "en": "…"}');
    return;
  }
  unknownKeys(c, path, v, ['zh', 'en']);
}

function checkId(c: Collector, path: string, v: unknown, seen: Set<string>) {
  if (typeof v !== 'string' || !ID_PATTERN.test(v)) {
    c.add(path, '编号须为小写字母开头的字母、数字、下划线（2–64 位）', 'An id is 2–64 of a-z, 0-9, _');
    return;
  }
  if (seen.has(v)) c.add(path, `编号 "${v}" 重复`, `Duplicate id "${v}"`);
  seen.add(v);
}

function checkVersion(c: Collector, path: string, v: unknown) {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    c.add(path, '版本号须为正整数', 'The version is a positive integer');
}

function valueFits(type: FieldType, v: unknown): boolean {
  if (type === 'number') return typeof v === 'number' && Number.isFinite(v);
  if (type === 'boolean') return typeof v === 'boolean';
  return typeof v === 'string';
}

const TYPE_NAMES: Record<FieldType, [string, string]> = {
  number: ['数字', 'a number'],
  text: ['文字', 'a text'],
  text_list: ['文字', 'a text'],
  boolean: ['true 或 false', 'true or false'],
};

function checkLeaf(c: Collector, path: string, node: Record<string, unknown>, fields: FieldCatalogue) {
  unknownKeys(c, path, node, ['field', 'op', 'value', 'label']);
  const field = node['field'];
  const op = node['op'];
  if (typeof field !== 'string' || !Object.hasOwn(fields, field)) {
    c.add(
      `${path}/field`,
      `没有字段 "${String(field)}"；可用字段：${Object.keys(fields).join(', ')}`,
      `Unknown field "${String(field)}"; known fields: ${Object.keys(fields).join(', ')}`,
    );
    return;
  }
  const spec = fields[field]!;
  if (typeof op !== 'string' || !(OPERATORS as readonly string[]).includes(op)) {
    c.add(
      `${path}/op`,
      `没有运算符 "${String(op)}"；可用：${OPERATORS.join(' ')}`,
      `Unknown operator "${String(op)}"; known: ${OPERATORS.join(' ')}`,
    );
    return;
  }
  if (!OPERATORS_BY_TYPE[spec.type].includes(op as Operator)) {
    c.add(
      `${path}/op`,
      `字段 "${field}" 不能用运算符 "${op}"；可用：${OPERATORS_BY_TYPE[spec.type].join(' ')}`,
      `Field "${field}" does not take "${op}"; it takes: ${OPERATORS_BY_TYPE[spec.type].join(' ')}`,
    );
    return;
  }
  if (node['label'] !== undefined && typeof node['label'] !== 'string')
    c.add(`${path}/label`, '说明须为文字', 'The label is a text');
  const value = node['value'];
  const [zhType, enType] = TYPE_NAMES[spec.type];
  if (op === 'exists' || op === 'missing') {
    if (value !== undefined) c.add(`${path}/value`, `"${op}" 不带 value`, `"${op}" takes no value`);
    return;
  }
  if (op === 'in' || op === 'not_in' || op === 'has_any') {
    if (!Array.isArray(value) || value.length === 0) {
      c.add(`${path}/value`, `"${op}" 的 value 须为非空列表`, `"${op}" needs a non-empty list`);
      return;
    }
    value.forEach((v, i) => {
      if (!valueFits(spec.type, v)) c.add(`${path}/value/${i}`, `须为${zhType}`, `Must be ${enType}`);
    });
    return;
  }
  if (!valueFits(spec.type, value)) c.add(`${path}/value`, `须为${zhType}`, `Must be ${enType}`);
}

function checkCondition(c: Collector, path: string, node: unknown, fields: FieldCatalogue, depth: number) {
  if (depth > MAX_DEPTH) {
    c.add(path, `条件嵌套超过 ${MAX_DEPTH} 层`, `Conditions nest deeper than ${MAX_DEPTH}`);
    return;
  }
  if (!isObject(node)) {
    c.add(path, '条件须为对象', 'A condition is an object');
    return;
  }
  if ('all' in node || 'any' in node) {
    const key = 'all' in node ? 'all' : 'any';
    unknownKeys(c, path, node, [key]);
    const list = node[key];
    if (!Array.isArray(list) || list.length === 0) {
      c.add(`${path}/${key}`, `"${key}" 须为非空列表`, `"${key}" is a non-empty list`);
      return;
    }
    for (const [i, child] of list.entries())
      checkCondition(c, `${path}/${key}/${i}`, child, fields, depth + 1);
    return;
  }
  if ('not' in node) {
    unknownKeys(c, path, node, ['not']);
    checkCondition(c, `${path}/not`, node['not'], fields, depth + 1);
    return;
  }
  if ('field' in node || 'op' in node) {
    checkLeaf(c, path, node, fields);
    return;
  }
  c.add(path, '条件须含 all、any、not 或 field/op', 'A condition has all, any, not or field/op');
}

function checkTag(c: Collector, path: string, v: unknown, fields: FieldCatalogue, ids: Set<string>) {
  if (!isObject(v)) {
    c.add(path, '标签规则须为对象', 'A tag rule is an object');
    return;
  }
  unknownKeys(c, path, v, ['id', 'version', 'label', 'description', 'when']);
  checkId(c, `${path}/id`, v['id'], ids);
  checkVersion(c, `${path}/version`, v['version']);
  checkLabel(c, `${path}/label`, v['label']);
  if (v['description'] !== undefined && typeof v['description'] !== 'string')
    c.add(`${path}/description`, '说明须为文字', 'The description is a text');
  checkCondition(c, `${path}/when`, v['when'], fields, 0);
}

function checkPolicy(c: Collector, path: string, v: unknown, fields: FieldCatalogue, ids: Set<string>) {
  if (!isObject(v)) {
    c.add(path, '政策须为对象', 'A policy is an object');
    return;
  }
  unknownKeys(c, path, v, [
    'id',
    'version',
    'name',
    'legalBasis',
    'benefit',
    'conditions',
    'exclusions',
    'tiers',
  ]);
  checkId(c, `${path}/id`, v['id'], ids);
  checkVersion(c, `${path}/version`, v['version']);
  checkLabel(c, `${path}/name`, v['name']);
  if (typeof v['legalBasis'] !== 'string' || v['legalBasis'].trim().length < 4)
    c.add(`${path}/legalBasis`, '须写明政策依据（至少 4 个字）', 'State the legal basis (4+ characters)');
  if (!['cash_monthly', 'service', 'in_kind'].includes(v['benefit'] as string))
    c.add(`${path}/benefit`, '须为 cash_monthly、service 或 in_kind', 'cash_monthly, service or in_kind');
  checkCondition(c, `${path}/conditions`, v['conditions'], fields, 0);
  const exclusions = v['exclusions'] ?? [];
  if (!Array.isArray(exclusions)) c.add(`${path}/exclusions`, '须为列表', 'Must be a list');
  else {
    const seen = new Set<string>();
    for (const [i, e] of exclusions.entries()) {
      const p = `${path}/exclusions/${i}`;
      if (!isObject(e)) {
        c.add(p, '排除条件须为对象', 'An exclusion is an object');
        continue;
      }
      unknownKeys(c, p, e, ['id', 'label', 'when']);
      checkId(c, `${p}/id`, e['id'], seen);
      checkLabel(c, `${p}/label`, e['label']);
      checkCondition(c, `${p}/when`, e['when'], fields, 0);
    }
  }
  const tiers = v['tiers'] ?? [];
  if (!Array.isArray(tiers)) c.add(`${path}/tiers`, '须为列表', 'Must be a list');
  else
    for (const [i, t] of tiers.entries()) {
      const p = `${path}/tiers/${i}`;
      if (!isObject(t)) {
        c.add(p, '档次须为对象', 'A tier is an object');
        continue;
      }
      unknownKeys(c, p, t, ['label', 'amount', 'when']);
      checkLabel(c, `${p}/label`, t['label']);
      if (typeof t['amount'] !== 'number' || !Number.isFinite(t['amount']) || t['amount'] < 0)
        c.add(`${p}/amount`, '金额须为非负数', 'The amount is a non-negative number');
      checkCondition(c, `${p}/when`, t['when'], fields, 0);
    }
}

/** Checks one condition tree (e.g. a rule edited alone in the console). */
export function parseCondition(input: unknown, fields: FieldCatalogue, path = ''): ParseResult<Condition> {
  const c = new Collector();
  checkCondition(c, path, input, fields, 0);
  return c.problems.length ? { ok: false, problems: c.problems } : { ok: true, value: input as Condition };
}

/**
 * Checks a whole rule document. Ids are unique across tags and policies, because tag ids become values of the
 * `profile_tags` field that policies may build on.
 */
export function parseRuleDocument(input: unknown, fields: FieldCatalogue): ParseResult<RuleDocument> {
  const c = new Collector();
  if (!isObject(input)) {
    c.add('', '规则文件须为 JSON 对象', 'A rule document is a JSON object');
    return { ok: false, problems: c.problems };
  }
  unknownKeys(c, '', input, ['version', 'tags', 'policies']);
  if (typeof input['version'] !== 'string' || input['version'].trim() === '')
    c.add('/version', '须写明规则集版本（文字）', 'State the rule-set version (a text)');
  const ids = new Set<string>();
  const tags = input['tags'] ?? [];
  if (!Array.isArray(tags)) c.add('/tags', '须为列表', 'Must be a list');
  else for (const [i, t] of tags.entries()) checkTag(c, `/tags/${i}`, t, fields, ids);
  const policies = input['policies'] ?? [];
  if (!Array.isArray(policies)) c.add('/policies', '须为列表', 'Must be a list');
  else for (const [i, p] of policies.entries()) checkPolicy(c, `/policies/${i}`, p, fields, ids);
  if (c.problems.length) return { ok: false, problems: c.problems };
  return {
    ok: true,
    value: {
      version: input['version'] as string,
      tags: tags as TagRule[],
      policies: (policies as Policy[]).map((p) => ({
        ...p,
        exclusions: p.exclusions ?? [],
        tiers: p.tiers ?? [],
      })),
    },
  };
}

/** Parses JSON text first, so a syntax error is reported like any other problem (at the root). */
export function parseRuleText(text: string, fields: FieldCatalogue): ParseResult<RuleDocument> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const msg = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      problems: [{ path: '', message: `不是有效的 JSON：${msg}`, messageEn: `Not JSON: ${msg}` }],
    };
  }
  return parseRuleDocument(json, fields);
}
