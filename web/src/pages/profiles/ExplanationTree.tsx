// How the rules decided, node by node: each condition with the resident's value, marked as holding, failing or
// unknown (missing data is never read as "no"), and near-misses flagged, so a worker can see why and check data.
import { CheckCircleFilled, CloseCircleFilled, QuestionCircleFilled } from '@ant-design/icons';
import { Tag } from 'antd';
import { useT } from '../../i18n/index.tsx';
import type { Explanation } from './types.ts';

/** Names a coded value (户籍 for household, 低保 for low_income); unknown values stay as they are. */
export type ValueName = (field: string, value: string) => string;

/** The leaf's wording with the resident's value named: the server words it with the raw code. */
function leafWords(node: Explanation, valueName: ValueName | undefined): string {
  const actual = node.actual;
  if (!valueName || !node.field || actual === null || actual === undefined || actual === '***')
    return node.text;
  const named = Array.isArray(actual)
    ? actual.length > 0
      ? actual.map((v) => valueName(node.field!, String(v))).join('、')
      : null
    : valueName(node.field, String(actual));
  if (named === null) return node.text;
  return node.text.replace(/（实际：[^（）]*）$/, `（实际：${named}）`);
}

export function ExplanationTree({ node, valueName }: { node: Explanation; valueName?: ValueName }) {
  const t = useT();
  const icon =
    node.result === 'true' ? (
      <CheckCircleFilled style={{ color: '#389e0d' }} aria-label={t('profilesHolds')} />
    ) : node.result === 'false' ? (
      <CloseCircleFilled style={{ color: '#cf1322' }} aria-label={t('profilesFails')} />
    ) : (
      <QuestionCircleFilled style={{ color: '#d48806' }} aria-label={t('profilesUnknown')} />
    );
  const head =
    node.kind === 'all'
      ? t('profilesAllOf')
      : node.kind === 'any'
        ? t('profilesAnyOf')
        : node.kind === 'not'
          ? t('profilesNoneOf')
          : leafWords(node, valueName);
  return (
    <div className="cb-explanation" data-result={node.result}>
      <div>
        {icon} <span style={{ fontWeight: node.kind === 'leaf' ? 400 : 600 }}>{head}</span>
        {node.result === 'unknown' && node.kind === 'leaf' && (
          <Tag color="warning" style={{ marginInlineStart: 8 }}>
            {t('profilesUnknown')}
          </Tag>
        )}
        {node.near && (
          <Tag color="orange" style={{ marginInlineStart: 8 }}>
            {t('profilesNear')}
          </Tag>
        )}
      </div>
      {node.children && node.children.length > 0 && (
        <div style={{ paddingInlineStart: 22, borderInlineStart: '2px solid #f0f0f0', marginInlineStart: 6 }}>
          {node.children.map((c) => (
            <ExplanationTree key={c.path} node={c} valueName={valueName} />
          ))}
        </div>
      )}
    </div>
  );
}
