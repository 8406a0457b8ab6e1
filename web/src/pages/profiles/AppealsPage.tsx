// Appeals: residents or workers who believe a family was wrongly excluded. Each appeal reopened its case with the
// rule's explanation; here a worker resolves it — keep the decision or overturn it, saying whether the data was
// wrong (and correcting it, which re-decides the case) or the rule changed — with a note the resident will read.
import {
  Alert,
  App,
  Button,
  Flex,
  Form,
  Input,
  Modal,
  Radio,
  Segmented,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { type Account, api, errorText, type Page, withQuery } from '../../api.ts';
import { useApi, useIsPhone, useServerPaging, useSubmit } from '../../hooks.ts';
import { useFormat, useLang, usePick, useT } from '../../i18n/index.tsx';
import { CaseDrawer } from './CaseDrawer.tsx';
import { codedLabel } from './labels.ts';
import type { Appeal, RuleSet } from './types.ts';

interface ResolveValues {
  outcome: 'upheld' | 'overturned';
  action: 'none' | 'data_corrected' | 'rule_changed';
  note: string;
  grade?: number;
}

export function AppealsPage({ account }: { account: Account }) {
  const t = useT();
  const lang = useLang();
  const pick = usePick();
  const f = useFormat();
  const isPhone = useIsPhone();
  const { message } = App.useApp();
  const [state, setState] = useState<'open' | 'resolved'>('open');
  const paging = useServerPaging();
  const [resolving, setResolving] = useState<Appeal | null>(null);
  const [caseId, setCaseId] = useState<number | null>(null);
  const rules = useApi<RuleSet>('/api/profiles/rules');
  const appeals = useApi<Page<Appeal>>(
    withQuery('/api/eligibility/appeals', { state, page: paging.page, pageSize: paging.pageSize }),
  );
  const policyName = (id: string) => {
    const p = rules.data?.document.policies.find((x) => x.id === id);
    return p ? pick(p.name.zh, p.name.en) : id;
  };

  return (
    <Flex vertical gap={16}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('profilesAppealsTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('profilesAppealsIntro')}
      </Typography.Paragraph>
      <Segmented
        value={state}
        onChange={(v) => {
          setState(v as 'open' | 'resolved');
          paging.restart();
        }}
        options={[
          { value: 'open', label: t('profilesAppealState_open') },
          { value: 'resolved', label: t('profilesAppealState_resolved') },
        ]}
        data-testid="appeal-state"
      />
      {appeals.error !== undefined && appeals.error !== null && (
        <Alert type="error" showIcon title={errorText(appeals.error, lang)} />
      )}
      <Table<Appeal>
        data-testid="appeal-table"
        rowKey="id"
        loading={appeals.loading}
        dataSource={appeals.data?.items ?? []}
        scroll={{ x: isPhone ? 760 : undefined }}
        pagination={paging.pagination(appeals.data?.total)}
        columns={[
          { key: 'name', title: t('profilesName'), dataIndex: 'name', width: 90 },
          { key: 'policy', title: t('profilesPolicy'), render: (_, a) => policyName(a.policyId) },
          { key: 'reason', title: t('profilesAppealReason'), dataIndex: 'reason' },
          { key: 'by', title: t('profilesFiledBy'), dataIndex: 'filedBy', width: 110 },
          {
            key: 'at',
            title: t('profilesFiledAt'),
            render: (_, a) => f.shortDateTime(a.createdAt),
            width: 150,
          },
          {
            key: 'outcome',
            title: t('profilesOutcome'),
            render: (_, a) =>
              a.state === 'open' ? (
                <Tag color="processing">{t('profilesAppealState_open')}</Tag>
              ) : (
                <div>
                  <Tag color={a.outcome === 'overturned' ? 'success' : 'default'}>
                    {codedLabel(t, 'profilesOutcome_', a.outcome)}
                  </Tag>
                  {a.action && a.action !== 'none' && <Tag>{codedLabel(t, 'profilesAction_', a.action)}</Tag>}
                  <div>{a.resolutionNote}</div>
                </div>
              ),
          },
          {
            key: 'actions',
            title: t('actions'),
            width: 170,
            render: (_, a) => (
              <Flex gap={4} wrap>
                <Button size="small" onClick={() => setCaseId(a.caseId)}>
                  {t('profilesOpenCase')}
                </Button>
                {a.state === 'open' && account.permissions.includes('eligibility:review') && (
                  <Button
                    size="small"
                    type="primary"
                    onClick={() => setResolving(a)}
                    data-testid="appeal-resolve"
                  >
                    {t('profilesResolve')}
                  </Button>
                )}
              </Flex>
            ),
          },
        ]}
      />
      {resolving && (
        <ResolveDialog
          appeal={resolving}
          onClose={() => setResolving(null)}
          onDone={() => {
            setResolving(null);
            message.success(t('profilesSaved'));
            appeals.reload();
          }}
        />
      )}
      <CaseDrawer
        caseId={caseId}
        account={account}
        onClose={() => setCaseId(null)}
        onChanged={appeals.reload}
      />
    </Flex>
  );
}

function ResolveDialog({
  appeal,
  onClose,
  onDone,
}: {
  appeal: Appeal;
  onClose: () => void;
  onDone: () => void;
}) {
  const t = useT();
  const lang = useLang();
  const [form] = Form.useForm<ResolveValues>();
  const { busy, error, run } = useSubmit();
  const action = Form.useWatch('action', form);
  const submit = async (v: ResolveValues) => {
    await run(async () => {
      await api(`/api/eligibility/appeals/${appeal.id}/resolve`, {
        method: 'POST',
        body: {
          outcome: v.outcome,
          action: v.action,
          note: v.note.trim(),
          ...(v.action === 'data_corrected' && v.grade
            ? { correction: { field: 'disability_grade', value: v.grade } }
            : {}),
        },
      });
      onDone();
    });
  };
  return (
    <Modal
      open
      title={`${t('profilesResolveTitle')} · ${appeal.name}`}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('save')}
      cancelText={t('cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{appeal.reason}</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ outcome: 'upheld', action: 'none' }}
        onFinish={submit}
      >
        <Form.Item label={t('profilesOutcome')} name="outcome">
          <Radio.Group
            options={[
              { value: 'upheld', label: t('profilesOutcome_upheld') },
              { value: 'overturned', label: t('profilesOutcome_overturned') },
            ]}
          />
        </Form.Item>
        <Form.Item label={t('profilesAction')} name="action">
          <Radio.Group
            options={(['none', 'data_corrected', 'rule_changed'] as const).map((a) => ({
              value: a,
              label: codedLabel(t, 'profilesAction_', a),
            }))}
          />
        </Form.Item>
        {action === 'data_corrected' && (
          <Form.Item
            label={t('profilesCorrection')}
            name="grade"
            rules={[{ required: true, message: t('profilesCorrectionRequired') }]}
          >
            <Select options={[1, 2, 3, 4].map((n) => ({ value: n, label: t('profilesGrade', { n }) }))} />
          </Form.Item>
        )}
        <Form.Item
          label={t('profilesNote')}
          name="note"
          rules={[{ required: true, whitespace: true, message: t('profilesNoteRequired') }, { max: 2000 }]}
        >
          <Input.TextArea rows={3} data-testid="appeal-note" />
        </Form.Item>
        {error !== null && <Alert type="error" showIcon title={errorText(error, lang)} />}
      </Form>
    </Modal>
  );
}
