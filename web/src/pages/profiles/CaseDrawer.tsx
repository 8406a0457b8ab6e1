// One eligibility case: who, which policy, the legal basis, how the rules decided (sensitive values masked until a
// purpose is stated), the worker's review (approve → contact task; reject → reason) and the appeals on it.
import { Alert, Button, Descriptions, Drawer, Flex, Input, Space, Spin, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { type Account, api, errorText, withQuery } from '../../api.ts';
import { PlainList } from '../../components/PlainList.tsx';
import { useApi, useCodes, useIsPhone, useSubmit } from '../../hooks.ts';
import { useFormat, useLang, usePick, useT } from '../../i18n/index.tsx';
import { ExplanationTree, type ValueName } from './ExplanationTree.tsx';
import { codedLabel, REVIEW_COLOURS, STATUS_COLOURS } from './labels.ts';
import type { CaseDetail } from './types.ts';

export function CaseDrawer({
  caseId,
  account,
  onClose,
  onChanged,
}: {
  caseId: number | null;
  account: Account;
  onClose: () => void;
  onChanged: () => void;
}) {
  const isPhone = useIsPhone();
  const t = useT();
  return (
    <Drawer
      open={caseId !== null}
      onClose={onClose}
      size={isPhone ? '100%' : 720}
      title={t('profilesCaseTitle')}
      destroyOnHidden
    >
      {caseId !== null && <CaseBody key={caseId} caseId={caseId} account={account} onChanged={onChanged} />}
    </Drawer>
  );
}

/** Names of the coded values rules read: code tables for person fields, policy names for benefits received. */
function useValueNames(): ValueName {
  const pick = usePick();
  const registration = useCodes('registration_type');
  const sex = useCodes('sex');
  const relation = useCodes('family_relation');
  const tags = useCodes('person_tag');
  const policies = useApi<{ valueLabels: Record<string, Record<string, { zh: string; en: string }>> }>(
    '/api/eligibility/policies',
  );
  return (field, value) => {
    if (field === 'registration_type') return registration.label(value);
    if (field === 'sex') return sex.label(value);
    if (field === 'relation_to_head') return relation.label(value);
    if (field === 'tags') return tags.label(value);
    const n = policies.data?.valueLabels[field]?.[value];
    return n ? pick(n.zh, n.en) : value;
  };
}

function CaseBody({
  caseId,
  account,
  onChanged,
}: {
  caseId: number;
  account: Account;
  onChanged: () => void;
}) {
  const t = useT();
  const lang = useLang();
  const f = useFormat();
  const [purpose, setPurpose] = useState<string | null>(null);
  const [purposeInput, setPurposeInput] = useState('');
  const loaded = useApi<CaseDetail>(withQuery(`/api/eligibility/cases/${caseId}`, { purpose }));
  const [reason, setReason] = useState('');
  const { busy, error, run } = useSubmit();
  const [reasonError, setReasonError] = useState<string | null>(null);
  const canReview = account.permissions.includes('eligibility:review');
  const valueName = useValueNames();

  if (loaded.loading && !loaded.data) return <Spin />;
  if (loaded.error) return <Alert type="error" showIcon title={errorText(loaded.error, lang)} />;
  const c = loaded.data;
  if (!c) return null;

  const review = async (decision: 'approve' | 'reject') => {
    const text = reason.trim();
    if (decision === 'reject' && !text) {
      setReasonError(t('profilesRejectReasonRequired'));
      return;
    }
    if (decision === 'approve' && c.status !== 'eligible' && !text) {
      setReasonError(t('profilesApproveNotEligibleHint'));
      return;
    }
    setReasonError(null);
    await run(async () => {
      await api(`/api/eligibility/cases/${caseId}/review`, {
        method: 'POST',
        body: { decision, ...(text ? { reason: text } : {}) },
      });
      loaded.reload();
      onChanged();
    });
  };

  return (
    <Flex vertical gap={16} data-testid="case-detail">
      <Descriptions
        column={1}
        size="small"
        items={[
          { key: 'name', label: t('profilesName'), children: c.name },
          { key: 'age', label: t('profilesAge'), children: c.age ?? '—' },
          { key: 'area', label: t('profilesArea'), children: `${c.communityName} / ${c.gridName}` },
          { key: 'policy', label: t('profilesPolicy'), children: c.policyName },
          {
            key: 'status',
            label: t('profilesStatus'),
            children: (
              <Space wrap>
                <Tag color={STATUS_COLOURS[c.status]}>{codedLabel(t, 'profilesStatus_', c.status)}</Tag>
                {c.missingData && <Tag color="warning">{t('profilesMissingData')}</Tag>}
                {c.amount !== null && t('profilesYuan', { amount: c.amount })}
              </Space>
            ),
          },
          {
            key: 'review',
            label: t('profilesReviewState'),
            children: (
              <Tag color={REVIEW_COLOURS[c.reviewState]} data-testid="case-review-state">
                {codedLabel(t, 'profilesReview_', c.reviewState)}
              </Tag>
            ),
          },
        ]}
      />
      <div>
        <Typography.Title level={5}>{t('profilesLegalBasis')}</Typography.Title>
        <Typography.Paragraph type="secondary">{c.legalBasis}</Typography.Paragraph>
      </div>
      <div data-testid="case-explanation">
        <Typography.Title level={5}>{t('profilesExplanation')}</Typography.Title>
        {c.explanationMasked && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            title={t('profilesMasked')}
            description={
              <Flex gap={8} wrap>
                <Input
                  style={{ flex: 1, minWidth: 180 }}
                  value={purposeInput}
                  onChange={(e) => setPurposeInput(e.target.value)}
                  placeholder={t('profilesPurposePlaceholder')}
                  aria-label={t('profilesPurpose')}
                  data-testid="case-purpose"
                />
                <Button
                  onClick={() => purposeInput.trim().length >= 4 && setPurpose(purposeInput.trim())}
                  disabled={purposeInput.trim().length < 4}
                  data-testid="case-reveal"
                >
                  {t('profilesReveal')}
                </Button>
              </Flex>
            }
          />
        )}
        <Typography.Text strong>{t('profilesConditions')}</Typography.Text>
        <ExplanationTree node={c.explanation.conditions} valueName={valueName} />
        {c.explanation.exclusions.length > 0 && (
          <>
            <Typography.Text strong>{t('profilesExclusions')}</Typography.Text>
            {c.explanation.exclusions.map((x) => (
              <div key={x.id}>
                <div>{x.label}</div>
                <ExplanationTree node={x.result} valueName={valueName} />
              </div>
            ))}
          </>
        )}
        {c.explanation.tiers.length > 0 && c.status === 'eligible' && (
          <>
            <Typography.Text strong>{t('profilesTiers')}</Typography.Text>
            {c.explanation.tiers.map((x) => (
              <div key={x.label}>
                {x.result.result === 'true' ? '✓' : '·'} {x.label}：{t('profilesYuan', { amount: x.amount })}
              </div>
            ))}
          </>
        )}
      </div>

      {c.reviewState === 'pending' && canReview ? (
        <Flex vertical gap={8} data-testid="case-review">
          <Typography.Text strong>{t('profilesReviewReason')}</Typography.Text>
          <Input.TextArea
            rows={3}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            status={reasonError ? 'error' : undefined}
            data-testid="case-review-reason"
          />
          {reasonError && <Typography.Text type="danger">{reasonError}</Typography.Text>}
          {error !== null && <Alert type="error" showIcon title={errorText(error, lang)} />}
          <Flex gap={8} wrap>
            <Button
              type="primary"
              loading={busy}
              onClick={() => review('approve')}
              data-testid="case-approve"
            >
              {t('profilesApprove')}
            </Button>
            <Button danger loading={busy} onClick={() => review('reject')} data-testid="case-reject">
              {t('profilesReject')}
            </Button>
          </Flex>
        </Flex>
      ) : (
        c.reviewState !== 'pending' && (
          <Alert
            type={c.reviewState === 'approved' ? 'success' : 'info'}
            showIcon
            title={t('profilesReviewed', {
              state: codedLabel(t, 'profilesReview_', c.reviewState),
              who: c.reviewedBy ?? '—',
              at: c.reviewedAt ? f.shortDateTime(c.reviewedAt) : '—',
            })}
            description={
              <>
                {c.reviewReason && <div>{c.reviewReason}</div>}
                {c.contactTaskId !== null && <div>{t('profilesContactTask', { id: c.contactTaskId })}</div>}
              </>
            }
          />
        )
      )}

      {c.appeals.length > 0 && (
        <PlainList
          header={<Typography.Text strong>{t('profilesAppealsOfCase')}</Typography.Text>}
          size="small"
          items={c.appeals}
          itemKey={(a) => a.id}
          renderItem={(a) => (
            <>
              #{a.id} {codedLabel(t, 'profilesAppealState_', a.state)}{' '}
              {a.outcome && codedLabel(t, 'profilesOutcome_', a.outcome)}
            </>
          )}
        />
      )}
      <Link to={`/profiles/persons/${c.personId}`}>{t('profilesSeeTags')}</Link>
    </Flex>
  );
}
