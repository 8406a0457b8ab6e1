// 免申即享: residents whom the rules find eligible (or nearly, or excluded) and who receive nothing, with the
// reasons, filtered by policy, decision and review state; a row opens the case for review. Nobody is contacted
// before a worker approves.
import { DownloadOutlined, ReloadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Flex, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { type Account, api, download, errorText, type Page, withQuery } from '../../api.ts';
import { useApi, useIsPhone, useServerPaging } from '../../hooks.ts';
import { useLang, usePick, useT } from '../../i18n/index.tsx';
import { CaseDrawer } from './CaseDrawer.tsx';
import { codedLabel, REVIEW_COLOURS, STATUS_COLOURS } from './labels.ts';
import type { CaseSummary, RuleSet } from './types.ts';

interface RunOut {
  persons: number;
  seconds: number;
  casesWritten: number;
}

export function EligibilityCasesPage({ account }: { account: Account }) {
  const t = useT();
  const lang = useLang();
  const pick = usePick();
  const isPhone = useIsPhone();
  const { message, modal } = App.useApp();
  const [policyId, setPolicyId] = useState<string | undefined>();
  const [status, setStatus] = useState<string | undefined>('eligible');
  const [reviewState, setReviewState] = useState<string | undefined>('pending');
  const paging = useServerPaging();
  const [open, setOpen] = useState<number | null>(null);
  const [running, setRunning] = useState(false);
  const rules = useApi<RuleSet>('/api/profiles/rules');
  const query = { policyId, status, reviewState };
  const cases = useApi<Page<CaseSummary>>(
    withQuery('/api/eligibility/cases', { ...query, page: paging.page, pageSize: paging.pageSize }),
  );

  const run = () =>
    modal.confirm({
      title: t('profilesRun'),
      content: t('profilesRunConfirm'),
      onOk: async () => {
        setRunning(true);
        try {
          const r = await api<RunOut>('/api/eligibility/runs', { method: 'POST', body: {} });
          message.success(
            t('profilesRunDone', {
              persons: r.persons,
              seconds: r.seconds.toFixed(1),
              cases: r.casesWritten,
            }),
          );
          cases.reload();
        } catch (e) {
          message.error(errorText(e, lang));
        } finally {
          setRunning(false);
        }
      },
    });

  const statusOptions = ['eligible', 'near_miss', 'excluded'].map((s) => ({
    value: s,
    label: codedLabel(t, 'profilesStatus_', s),
  }));
  const reviewOptions = ['pending', 'approved', 'rejected'].map((s) => ({
    value: s,
    label: codedLabel(t, 'profilesReview_', s),
  }));

  return (
    <Flex vertical gap={16}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('profilesCasesTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('profilesCasesIntro')}
      </Typography.Paragraph>
      <Flex gap={8} wrap>
        <Select
          style={{ minWidth: 200 }}
          allowClear
          placeholder={t('profilesAllPolicies')}
          value={policyId}
          onChange={(v) => {
            setPolicyId(v);
            paging.restart();
          }}
          options={rules.data?.document.policies.map((p) => ({
            value: p.id,
            label: pick(p.name.zh, p.name.en),
          }))}
          aria-label={t('profilesPolicy')}
          data-testid="case-policy-filter"
        />
        <Select
          style={{ minWidth: 160 }}
          allowClear
          placeholder={t('profilesStatus')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            paging.restart();
          }}
          options={statusOptions}
          aria-label={t('profilesStatus')}
          data-testid="case-status-filter"
        />
        <Select
          style={{ minWidth: 140 }}
          allowClear
          placeholder={t('profilesReviewState')}
          value={reviewState}
          onChange={(v) => {
            setReviewState(v);
            paging.restart();
          }}
          options={reviewOptions}
          aria-label={t('profilesReviewState')}
          data-testid="case-review-filter"
        />
        <Button
          icon={<DownloadOutlined />}
          onClick={() =>
            download(withQuery('/api/eligibility/cases/export.csv', query), 'eligibility-cases.csv').catch(
              (e) => message.error(errorText(e, lang)),
            )
          }
        >
          {t('profilesExport')}
        </Button>
        {account.permissions.includes('profile:run') && (
          <Button icon={<ReloadOutlined />} onClick={run} loading={running} data-testid="case-run">
            {t('profilesRun')}
          </Button>
        )}
      </Flex>
      {cases.error !== undefined && cases.error !== null && (
        <Alert type="error" showIcon title={errorText(cases.error, lang)} />
      )}
      <Table<CaseSummary>
        data-testid="case-table"
        rowKey="id"
        loading={cases.loading}
        dataSource={cases.data?.items ?? []}
        scroll={{ x: isPhone ? 760 : undefined }}
        onRow={(r) => ({ onClick: () => setOpen(r.id), style: { cursor: 'pointer' } })}
        pagination={paging.pagination(cases.data?.total)}
        columns={[
          { key: 'name', title: t('profilesName'), dataIndex: 'name', width: 90 },
          { key: 'age', title: t('profilesAge'), dataIndex: 'age', width: 64 },
          {
            key: 'area',
            title: t('profilesArea'),
            render: (_, r) => `${r.communityName} / ${r.gridName}`,
          },
          { key: 'policy', title: t('profilesPolicy'), dataIndex: 'policyName' },
          {
            key: 'status',
            title: t('profilesStatus'),
            render: (_, r) => (
              <Flex gap={4} wrap>
                <Tag color={STATUS_COLOURS[r.status]}>{codedLabel(t, 'profilesStatus_', r.status)}</Tag>
                {r.missingData && <Tag color="warning">{t('profilesMissingData')}</Tag>}
              </Flex>
            ),
          },
          {
            key: 'reasons',
            title: t('profilesReasons'),
            render: (_, r) =>
              r.reasons.length > 0
                ? r.reasons.join('；')
                : r.status === 'eligible'
                  ? `${t('profilesAllMet')}${r.amount !== null ? ` · ${t('profilesYuan', { amount: r.amount })}` : ''}`
                  : '',
          },
          {
            key: 'review',
            title: t('profilesReviewState'),
            render: (_, r) => (
              <Tag color={REVIEW_COLOURS[r.reviewState]}>
                {codedLabel(t, 'profilesReview_', r.reviewState)}
              </Tag>
            ),
          },
        ]}
      />
      <CaseDrawer caseId={open} account={account} onClose={() => setOpen(null)} onChanged={cases.reload} />
    </Flex>
  );
}
