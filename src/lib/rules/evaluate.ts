// Evaluates a parsed condition tree over one resident's facts, with three-valued logic: a comparison on a missing
// value is "unknown", not false, so missing data never excludes anyone silently. Every evaluation returns the
// explanation tree (which field, which value, which comparison, what came out) and `misses`, the number of leaf
// conditions that would have to change for the whole tree to hold: 1 means a near-miss.
import type { Condition, Facts, FieldCatalogue, LeafCondition, Operator, Scalar } from './rule-types.ts';

export type Truth = 'true' | 'false' | 'unknown';

export interface Explanation {
  /** JSON pointer of the condition inside its rule. */
  path: string;
  kind: 'all' | 'any' | 'not' | 'leaf';
  result: Truth;
  /** Leaf conditions that must change for this node to hold (0 when it holds). */
  misses: number;
  field?: string;
  op?: Operator;
  expected?: Scalar | Scalar[];
  /** The resident's value; null when missing. */
  actual?: Scalar | readonly string[] | null;
  /**
   * For a leaf that did not hold: whether it missed narrowly — the value is missing, a text or yes/no value
   * differs (often a data error worth checking), or a number lies within the field's near margin. Lacking a tag
   * is the normal state of most people and never near.
   */
  near?: boolean;
  /** Human-readable wording in Chinese, e.g. "年龄 ≥ 80（实际 83）". */
  text: string;
  children?: Explanation[];
}

const OP_WORDS: Record<Operator, string> = {
  '==': '=',
  '!=': '≠',
  '>': '>',
  '>=': '≥',
  '<': '<',
  '<=': '≤',
  in: '属于',
  not_in: '不属于',
  has: '含有',
  not_has: '不含',
  has_any: '含有其一',
  exists: '已登记',
  missing: '未登记',
};

function isMissing(v: unknown): boolean {
  return v === undefined || v === null;
}

export function compareLeaf(leaf: LeafCondition, actual: Facts[string]): Truth {
  if (leaf.op === 'exists') return isMissing(actual) ? 'false' : 'true';
  if (leaf.op === 'missing') return isMissing(actual) ? 'true' : 'false';
  if (isMissing(actual)) return 'unknown';
  const v = leaf.value;
  const t = (b: boolean): Truth => (b ? 'true' : 'false');
  if (Array.isArray(actual)) {
    const list = actual as readonly string[];
    if (leaf.op === 'has') return t(list.includes(v as string));
    if (leaf.op === 'not_has') return t(!list.includes(v as string));
    if (leaf.op === 'has_any') return t((v as string[]).some((x) => list.includes(x)));
    return 'unknown';
  }
  const a = actual as Scalar;
  switch (leaf.op) {
    case '==':
      return t(a === v);
    case '!=':
      return t(a !== v);
    case '>':
      return t(a > (v as Scalar));
    case '>=':
      return t(a >= (v as Scalar));
    case '<':
      return t(a < (v as Scalar));
    case '<=':
      return t(a <= (v as Scalar));
    case 'in':
      return t((v as Scalar[]).includes(a));
    case 'not_in':
      return t(!(v as Scalar[]).includes(a));
    default:
      return 'unknown';
  }
}

export function isNear(leaf: LeafCondition, actual: unknown, result: Truth, fields: FieldCatalogue): boolean {
  if (result === 'unknown') return true;
  const spec = fields[leaf.field];
  if (!spec) return false;
  if (spec.type === 'text' || spec.type === 'boolean') return leaf.op !== 'exists' && leaf.op !== 'missing';
  if (spec.type === 'number' && typeof actual === 'number' && typeof leaf.value === 'number')
    return (
      ['>', '>=', '<', '<=', '=='].includes(leaf.op) &&
      Math.abs(actual - leaf.value) <= (spec.nearMargin ?? 0)
    );
  return false;
}

function show(v: unknown): string {
  if (isMissing(v)) return '未登记';
  if (Array.isArray(v)) return v.length ? v.join('、') : '无';
  return String(v);
}

function leafText(leaf: LeafCondition, fields: FieldCatalogue, actual: unknown): string {
  const name = fields[leaf.field]?.label.zh ?? leaf.field;
  const head =
    leaf.label ?? `${name} ${OP_WORDS[leaf.op]}${leaf.value === undefined ? '' : ` ${show(leaf.value)}`}`;
  return `${head}（实际：${show(actual)}）`;
}

export function evaluateCondition(
  node: Condition,
  facts: Facts,
  fields: FieldCatalogue,
  path = '',
): Explanation {
  if ('all' in node || 'any' in node) {
    const isAll = 'all' in node;
    const key = isAll ? 'all' : 'any';
    const list = isAll ? node.all : (node as { any: Condition[] }).any;
    const children = list.map((c, i) => evaluateCondition(c, facts, fields, `${path}/${key}/${i}`));
    const results = children.map((c) => c.result);
    let result: Truth;
    if (isAll)
      result = results.includes('false') ? 'false' : results.includes('unknown') ? 'unknown' : 'true';
    else result = results.includes('true') ? 'true' : results.includes('unknown') ? 'unknown' : 'false';
    const misses = isAll
      ? children.reduce((s, c) => s + c.misses, 0)
      : Math.min(...children.map((c) => c.misses));
    return {
      path,
      kind: key,
      result,
      misses,
      text: isAll ? '以下条件全部满足' : '以下条件满足其一',
      children,
    };
  }
  if ('not' in node) {
    const child = evaluateCondition(node.not, facts, fields, `${path}/not`);
    const result: Truth = child.result === 'unknown' ? 'unknown' : child.result === 'true' ? 'false' : 'true';
    // A negated subtree counts as one condition: to flip it, something inside it must change.
    return {
      path,
      kind: 'not',
      result,
      misses: result === 'true' ? 0 : 1,
      text: '以下条件不成立',
      children: [child],
    };
  }
  const leaf = node as LeafCondition;
  const actual = facts[leaf.field];
  const result = compareLeaf(leaf, actual);
  return {
    ...(result === 'true' ? {} : { near: isNear(leaf, actual, result, fields) }),
    path,
    kind: 'leaf',
    result,
    misses: result === 'true' ? 0 : 1,
    field: leaf.field,
    op: leaf.op,
    ...(leaf.value === undefined ? {} : { expected: leaf.value }),
    actual: isMissing(actual) ? null : (actual as Scalar | readonly string[]),
    text: leafText(leaf, fields, actual),
  };
}

/** The leaves that did not hold (false or unknown), for a one-line reason in lists. */
export function failedLeaves(e: Explanation): Explanation[] {
  if (e.kind === 'leaf') return e.result === 'true' ? [] : [e];
  if (e.result === 'true') return [];
  if (e.kind === 'any') {
    // The cheapest branch to satisfy is the one worth naming.
    const best = [...(e.children ?? [])].sort((a, b) => a.misses - b.misses)[0];
    return best ? failedLeaves(best) : [];
  }
  if (e.kind === 'not') return [e];
  return (e.children ?? []).flatMap(failedLeaves);
}

/** The fields an explanation read, for the evidence record of a tag. */
export function fieldsRead(e: Explanation, out: Set<string> = new Set()): Set<string> {
  if (e.field) out.add(e.field);
  for (const c of e.children ?? []) fieldsRead(c, out);
  return out;
}

/** A copy with the values of sensitive fields replaced by "***" (what lists show without an unmask purpose). */
export function maskExplanation(e: Explanation, fields: FieldCatalogue): Explanation {
  const sensitive = e.field !== undefined && fields[e.field]?.sensitive === true;
  const children = e.children?.map((c) => maskExplanation(c, fields));
  if (!sensitive) return children ? { ...e, children } : e;
  const name = fields[e.field!]?.label.zh ?? e.field;
  return {
    ...e,
    actual: e.actual === null ? null : '***',
    expected: e.expected === undefined ? undefined : '***',
    text: `${name}（敏感信息，已脱敏）`,
    ...(children ? { children } : {}),
  };
}
