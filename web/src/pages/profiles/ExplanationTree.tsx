// How the rules decided, node by node: each condition with the resident's value, marked as holding, failing or
// unknown (missing data is never read as "no"), and near-misses flagged, so a worker can see why and check data.
import { CheckCircleFilled, CloseCircleFilled, QuestionCircleFilled } from '@ant-design/icons';
import { Tag } from 'antd';
import { useT } from '../../i18n/index.tsx';
import type { Explanation } from './types.ts';

export function ExplanationTree({ node }: { node: Explanation }) {
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
          : node.text;
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
            <ExplanationTree key={c.path} node={c} />
          ))}
        </div>
      )}
    </div>
  );
}
