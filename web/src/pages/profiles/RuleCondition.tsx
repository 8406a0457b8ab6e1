// A rule's condition tree in words, for officers and residents alike: "同时满足以下全部 / 满足以下任一 / 不属于以下
// 情况" with each comparison as its label when the rule gives one, or as field, operator and value otherwise
// (values named through the code tables: 低保边缘, not low_income_edge).
import { useLang, useT } from '../../i18n/index.tsx';

type Scalar = number | string | boolean;
export type Condition =
  | { field: string; op: string; value?: Scalar | Scalar[]; label?: string }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export interface Label {
  zh: string;
  en: string;
}

export interface RuleVocabulary {
  fields: Record<string, Label>;
  valueLabels?: Record<string, Record<string, Label>>;
}

const OP_WORDS: Record<string, [string, string]> = {
  '==': ['为', 'is'],
  '!=': ['不为', 'is not'],
  '>': ['大于', 'over'],
  '>=': ['≥', '≥'],
  '<': ['小于', 'under'],
  '<=': ['≤', '≤'],
  in: ['属于', 'is one of'],
  not_in: ['不属于', 'is none of'],
  has: ['含有', 'includes'],
  not_has: ['不含', 'excludes'],
  has_any: ['含有其一', 'includes any of'],
  exists: ['已登记', 'is recorded'],
  missing: ['未登记', 'is not recorded'],
};

/** One comparison in words, in the current language. */
export function leafText(
  leaf: { field: string; op: string; value?: Scalar | Scalar[]; label?: string },
  vocabulary: RuleVocabulary,
  lang: 'zh' | 'en',
): string {
  if (leaf.label && lang === 'zh') return leaf.label;
  const i = lang === 'zh' ? 0 : 1;
  const field = vocabulary.fields[leaf.field]?.[lang] ?? leaf.field;
  const names = vocabulary.valueLabels?.[leaf.field] ?? {};
  const one = (v: Scalar) => names[String(v)]?.[lang] ?? String(v);
  const value =
    leaf.value === undefined
      ? ''
      : Array.isArray(leaf.value)
        ? leaf.value.map(one).join(lang === 'zh' ? '、' : ', ')
        : one(leaf.value);
  const text = `${field} ${OP_WORDS[leaf.op]?.[i] ?? leaf.op}${value ? ` ${value}` : ''}`;
  // In English the generated wording comes first and the officer's Chinese label after it.
  return leaf.label ? `${text} (${leaf.label})` : text;
}

export function RuleCondition({
  condition,
  vocabulary,
}: {
  condition: Condition;
  vocabulary: RuleVocabulary;
}) {
  const t = useT();
  const lang = useLang();
  if ('field' in condition) return <span>{leafText(condition, vocabulary, lang)}</span>;
  const [head, children] =
    'all' in condition
      ? [t('profilesAllOf'), condition.all]
      : 'any' in condition
        ? [t('profilesAnyOf'), condition.any]
        : [t('profilesNoneOf'), [condition.not]];
  return (
    <div>
      <div style={{ fontWeight: 600 }}>{head}</div>
      <ul style={{ margin: '4px 0', paddingLeft: 24 }}>
        {children.map((c, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: conditions have no id; their order is their identity
          <li key={i}>
            <RuleCondition condition={c} vocabulary={vocabulary} />
          </li>
        ))}
      </ul>
    </div>
  );
}
