// The rules in force, readable: every policy with its legal basis, conditions and exclusions in words and its
// amounts; every profile tag with its description and condition; the fields rules may read (sensitive ones
// marked). The words are generated from the very JSON the system applies.
import { Alert, Card, Collapse, Flex, Table, Tag, Typography } from 'antd';
import { errorText } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { useFormat, useLang, usePick, useT } from '../../i18n/index.tsx';
import { codedLabel } from './labels.ts';
import { RuleCondition, type RuleVocabulary } from './RuleCondition.tsx';
import type { RuleSet } from './types.ts';

interface PublicPolicies {
  valueLabels: RuleVocabulary['valueLabels'];
}

export function RulesPage() {
  const t = useT();
  const lang = useLang();
  const pick = usePick();
  const f = useFormat();
  const rules = useApi<RuleSet>('/api/profiles/rules');
  const names = useApi<PublicPolicies>('/api/eligibility/policies');
  if (rules.error) return <Alert type="error" showIcon title={errorText(rules.error, lang)} />;
  const r = rules.data;
  if (!r) return null;
  const vocabulary: RuleVocabulary = {
    fields: Object.fromEntries(Object.entries(r.fields).map(([k, v]) => [k, v.label])),
    ...(names.data?.valueLabels ? { valueLabels: names.data.valueLabels } : {}),
  };
  return (
    <Flex vertical gap={16} data-testid="rules-page">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('profilesRulesTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('profilesRulesIntro')}
        <br />
        {t('profilesRulesVersion', {
          version: r.version,
          who: r.createdBy,
          at: f.shortDateTime(r.createdAt),
        })}
      </Typography.Paragraph>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('profilesPolicies')}
      </Typography.Title>
      {r.document.policies.map((p) => (
        <Card
          key={p.id}
          title={pick(p.name.zh, p.name.en)}
          extra={<Tag>{codedLabel(t, 'profilesBenefit_', p.benefit)}</Tag>}
          data-testid={`rule-policy-${p.id}`}
        >
          <Typography.Text strong>{t('profilesConditions')}</Typography.Text>
          <RuleCondition condition={p.conditions} vocabulary={vocabulary} />
          <Typography.Text strong>{t('profilesExclusions')}</Typography.Text>
          {p.exclusions.length === 0 ? (
            <div>{t('profilesNoExclusions')}</div>
          ) : (
            p.exclusions.map((x) => (
              <div key={x.id}>
                <div>{pick(x.label.zh, x.label.en)}</div>
                <RuleCondition condition={x.when} vocabulary={vocabulary} />
              </div>
            ))
          )}
          {p.tiers.length > 0 && (
            <>
              <Typography.Text strong>{t('profilesTiers')}</Typography.Text>
              <ul style={{ margin: '4px 0', paddingLeft: 24 }}>
                {p.tiers.map((tier) => (
                  <li key={tier.label.zh}>
                    {pick(tier.label.zh, tier.label.en)}：{t('profilesYuan', { amount: tier.amount })}
                  </li>
                ))}
              </ul>
            </>
          )}
          <Typography.Text strong>{t('profilesLegalBasis')}</Typography.Text>
          <Typography.Paragraph type="secondary">{p.legalBasis}</Typography.Paragraph>
        </Card>
      ))}
      <Collapse
        items={[
          {
            key: 'tags',
            label: t('profilesTagRules'),
            children: (
              <Flex vertical gap={12}>
                {r.document.tags.map((tag) => (
                  <div key={tag.id}>
                    <Typography.Text strong>{pick(tag.label.zh, tag.label.en)}</Typography.Text>
                    {tag.description && <div style={{ color: '#666' }}>{tag.description}</div>}
                    <RuleCondition condition={tag.when} vocabulary={vocabulary} />
                  </div>
                ))}
              </Flex>
            ),
          },
          {
            key: 'fields',
            label: t('profilesFields'),
            children: (
              <Table
                size="small"
                rowKey="key"
                pagination={false}
                dataSource={Object.entries(r.fields).map(([key, v]) => ({ key, ...v }))}
                columns={[
                  {
                    key: 'key',
                    title: t('profilesFieldName'),
                    render: (_, v) => `${pick(v.label.zh, v.label.en)} (${v.key})`,
                  },
                  { key: 'type', title: t('profilesFieldType'), dataIndex: 'type' },
                  {
                    key: 'sensitive',
                    title: t('profilesSensitive'),
                    render: (_, v) => (v.sensitive ? <Tag color="red">{t('profilesSensitive')}</Tag> : null),
                  },
                ]}
              />
            ),
          },
        ]}
      />
    </Flex>
  );
}
