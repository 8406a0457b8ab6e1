// Benefits in force, readable (name, legal basis, conditions in words, amounts), and the appeal path: a signed-in
// resident who believes they qualify but receive nothing files an appeal, which reopens their case for a worker
// with the rule's explanation, and follows it here to its answer. No silent exclusion.
import { Alert, Button, Card, Collapse, Empty, Form, Input, Select, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { api, errorText } from '../api.ts';
import { PlainList } from '../components/PlainList.tsx';
import { useApi } from '../hooks.ts';
import { useFormat, useLang, usePick, useT } from '../i18n/index.tsx';
import { type Condition, type Label, RuleCondition } from '../pages/profiles/RuleCondition.tsx';
import { PageHeading, ResidentSignIn } from './PortalApp.tsx';
import { useSession } from './session.ts';

export interface PublicPolicies {
  version: string;
  policies: Array<{
    id: string;
    name: Label;
    legalBasis: string;
    benefit: string;
    conditions: Condition;
    exclusions: Array<{ id: string; label: Label }>;
    tiers: Array<{ label: Label; amount: number }>;
  }>;
  fields: Record<string, Label>;
  valueLabels: Record<string, Record<string, Label>>;
}

interface OwnAppeal {
  id: number;
  policyId: string;
  policyName: string;
  policyNameEn: string;
  reason: string;
  state: string;
  outcome: string | null;
  resolutionNote: string | null;
  createdAt: string;
  resolvedAt: string | null;
}

export function AppealPage() {
  const t = useT();
  const lang = useLang();
  const pick = usePick();
  const { resident } = useSession();
  const policies = useApi<PublicPolicies>('/api/eligibility/policies');
  const [round, setRound] = useState(0);
  return (
    <>
      <PageHeading title={t('portalAppealTitle')} />
      <Typography.Title level={3} style={{ fontSize: 24 }}>
        {t('portalPolicies')}
      </Typography.Title>
      {policies.loading && <Spin />}
      {policies.error !== undefined && policies.error !== null && (
        <Alert type="error" showIcon title={errorText(policies.error, lang)} />
      )}
      {policies.data && (
        <Collapse
          size="large"
          style={{ marginBottom: 24, background: '#fff' }}
          data-testid="policies"
          items={policies.data.policies.map((p) => ({
            key: p.id,
            label: <span style={{ fontSize: 22, fontWeight: 600 }}>{pick(p.name.zh, p.name.en)}</span>,
            children: (
              <div style={{ fontSize: 18 }}>
                <div className="portal-field-label">{t('portalPolicyConditions')}</div>
                <RuleCondition condition={p.conditions} vocabulary={policies.data!} />
                {p.exclusions.length > 0 && (
                  <>
                    <div className="portal-field-label">{t('portalPolicyExclusions')}</div>
                    <ul style={{ paddingLeft: 24 }}>
                      {p.exclusions.map((e) => (
                        <li key={e.id}>{pick(e.label.zh, e.label.en)}</li>
                      ))}
                    </ul>
                  </>
                )}
                {p.tiers.length > 0 && (
                  <>
                    <div className="portal-field-label">{t('portalPolicyTiers')}</div>
                    <ul style={{ paddingLeft: 24 }}>
                      {p.tiers.map((tier) => (
                        <li key={tier.label.zh}>
                          {pick(tier.label.zh, tier.label.en)}：
                          {t('portalYuanPerMonth', { amount: tier.amount })}
                        </li>
                      ))}
                    </ul>
                  </>
                )}
                <div className="portal-field-label">{t('portalPolicyBasis')}</div>
                <Typography.Paragraph type="secondary" style={{ fontSize: 17 }}>
                  {p.legalBasis}
                </Typography.Paragraph>
              </div>
            ),
          }))}
        />
      )}
      {resident ? (
        <>
          {policies.data && (
            <AppealForm
              personId={resident.personId}
              policies={policies.data}
              onFiled={() => setRound((r) => r + 1)}
            />
          )}
          <MyAppeals key={round} />
        </>
      ) : (
        <>
          <Alert type="info" showIcon title={t('portalAppealSignIn')} style={{ marginBottom: 16 }} />
          <ResidentSignIn />
        </>
      )}
    </>
  );
}

function AppealForm({
  personId,
  policies,
  onFiled,
}: {
  personId: number | null;
  policies: PublicPolicies;
  onFiled: () => void;
}) {
  const t = useT();
  const lang = useLang();
  const pick = usePick();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);
  const submit = async (v: { policyId: string; reason: string }) => {
    setBusy(true);
    setError(null);
    setSent(false);
    try {
      await api('/api/eligibility/appeals', {
        method: 'POST',
        body: { personId, policyId: v.policyId, reason: v.reason.trim() },
      });
      setSent(true);
      form.resetFields();
      onFiled();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('portalAppealFormTitle')} style={{ marginBottom: 24 }} data-testid="appeal-form">
      <Form form={form} layout="vertical" requiredMark={false} onFinish={submit}>
        <Form.Item
          label={t('portalAppealPolicy')}
          name="policyId"
          rules={[{ required: true, message: t('required') }]}
        >
          <Select
            data-testid="appeal-policy"
            options={policies.policies.map((p) => ({ value: p.id, label: pick(p.name.zh, p.name.en) }))}
          />
        </Form.Item>
        <Form.Item
          label={t('portalAppealReason')}
          name="reason"
          rules={[
            { required: true, whitespace: true, min: 4, message: t('portalAppealReasonRequired') },
            { max: 2000 },
          ]}
        >
          <Input.TextArea
            rows={4}
            placeholder={t('portalAppealReasonPlaceholder')}
            data-testid="appeal-reason"
          />
        </Form.Item>
        {error !== null && (
          <Alert
            type="error"
            showIcon
            title={errorText(error, lang)}
            style={{ marginBottom: 16 }}
            data-testid="appeal-error"
          />
        )}
        {sent && (
          <Alert
            type="success"
            showIcon
            title={t('portalAppealSent')}
            style={{ marginBottom: 16 }}
            data-testid="appeal-sent"
          />
        )}
        <Button type="primary" htmlType="submit" size="large" block loading={busy} data-testid="appeal-send">
          {t('portalAppealSend')}
        </Button>
      </Form>
    </Card>
  );
}

function MyAppeals() {
  const t = useT();
  const lang = useLang();
  const pick = usePick();
  const f = useFormat();
  const appeals = useApi<{ items: OwnAppeal[] }>('/api/eligibility/my-appeals');
  if (appeals.error) return <Alert type="error" showIcon title={errorText(appeals.error, lang)} />;
  const stateTag = (a: OwnAppeal) =>
    a.state === 'open' ? (
      <Tag color="processing">{t('portalAppealOpen')}</Tag>
    ) : a.outcome === 'overturned' ? (
      <Tag color="success">{t('portalAppealOverturned')}</Tag>
    ) : (
      <Tag>{t('portalAppealUpheld')}</Tag>
    );
  return (
    <Card title={t('portalMyAppeals')} data-testid="my-appeals">
      {appeals.loading ? (
        <Spin />
      ) : appeals.data?.items.length ? (
        <PlainList
          items={appeals.data.items}
          itemKey={(a) => a.id}
          renderItem={(a) => (
            <>
              <div style={{ fontSize: 18, width: '100%' }}>
                <div style={{ fontSize: 20, fontWeight: 600 }}>
                  {pick(a.policyName, a.policyNameEn)} {stateTag(a)}
                </div>
                <div style={{ color: '#555' }}>{f.shortDateTime(a.createdAt)}</div>
                <div>{a.reason}</div>
                {a.resolutionNote && (
                  <Alert
                    style={{ marginTop: 8 }}
                    type={a.outcome === 'overturned' ? 'success' : 'info'}
                    title={`${t('portalAppealAnswer')}：${a.resolutionNote}`}
                  />
                )}
              </div>
            </>
          )}
        />
      ) : (
        <Empty description={t('portalNoAppeals')} />
      )}
    </Card>
  );
}
