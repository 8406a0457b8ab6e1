// The auditor's page: the trail newest first with filters, chain verification, and a CSV export of what the
// filters select.
import { DownloadOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import {
  Alert,
  Button,
  Card,
  Col,
  DatePicker,
  Flex,
  Form,
  Input,
  Row,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import type { AuditEntryView } from '../../../src/platform/audit/audit.presenter.ts';
import { api, download, errorText, type Page, withQuery } from '../api.ts';
import { ChainVerdict, type Verdict } from '../components/ChainVerdict.tsx';
import { useApi, useIsPhone, useServerPaging } from '../hooks.ts';
import { type MessageKey, useFormat, useLang, usePick, useT } from '../i18n/index.tsx';
import { MESSAGES } from '../i18n/messages.ts';
import { roleLabelKey } from '../roles.ts';

type Entry = AuditEntryView;

interface Filter {
  action?: string;
  username?: string;
  outcome?: string;
  from?: string;
  to?: string;
  entityType?: string;
  entityId?: string;
}

/** The kinds of record the trail names (others still show, by their code). */
const ENTITY_TYPES = ['person', 'household', 'house', 'building', 'account'] as const;

const OUTCOMES: Record<string, { label: MessageKey; color: string }> = {
  ok: { label: 'outcomeOk', color: 'green' },
  denied: { label: 'outcomeDenied', color: 'orange' },
  failed: { label: 'outcomeFailed', color: 'red' },
};

export function AuditPage() {
  const t = useT();
  const lang = useLang();
  const pick = usePick();
  const f = useFormat();
  const phone = useIsPhone();
  const [form] = Form.useForm();
  const [filter, setFilter] = useState<Filter>({});
  const paging = useServerPaging({ sizeChanger: true });
  const [verdict, setVerdict] = useState<Verdict | null>(null);
  const [problem, setProblem] = useState<unknown>(null);
  const actions = useApi<Array<{ action: string; label: string; labelEn: string }>>('/api/audit/actions');
  const { data, error, loading } = useApi<Page<Entry>>(
    withQuery('/api/audit', { ...filter, page: paging.page, pageSize: paging.pageSize }),
  );
  const actionLabel = (e: Entry) => {
    const a = actions.data?.find((x) => x.action === e.action);
    return a ? pick(a.label, a.labelEn) : e.actionLabel;
  };
  const roleLabel = (role: string | null) => {
    const key = role ? roleLabelKey(role) : null;
    return key ? t(key) : (role ?? '—');
  };
  const entityLabel = (type: string | null) => {
    const key = `entity_${type}`;
    return type === null ? '' : key in MESSAGES ? t(key as MessageKey) : type;
  };
  const verify = async () => {
    setProblem(null);
    try {
      setVerdict(await api<Verdict>('/api/audit/verify'));
    } catch (e) {
      setProblem(e);
    }
  };
  const exportCsv = () =>
    download(withQuery('/api/audit/export.csv', { ...filter }), 'audit-log.csv').catch(setProblem);
  const apply = (values: {
    action?: string;
    username?: string;
    outcome?: string;
    entityType?: string;
    entityId?: string;
    dates?: [{ format: (f: string) => string }, { format: (f: string) => string }] | null;
  }) => {
    setFilter({
      action: values.action,
      username: values.username?.trim() || undefined,
      outcome: values.outcome,
      entityType: values.entityType,
      entityId: values.entityId?.trim() || undefined,
      from: values.dates?.[0]?.format('YYYY-MM-DD'),
      to: values.dates?.[1]?.format('YYYY-MM-DD'),
    });
    paging.restart();
  };

  return (
    <Flex vertical gap={12}>
      <Typography.Title level={2} style={{ margin: 0 }}>
        {t('audit')}
      </Typography.Title>
      <Flex wrap gap={12}>
        <Button type="primary" size="large" icon={<SafetyCertificateOutlined />} onClick={verify}>
          {t('verify')}
        </Button>
        <Button size="large" icon={<DownloadOutlined />} onClick={exportCsv}>
          {t('exportCsv')}
        </Button>
      </Flex>
      {verdict && <ChainVerdict verdict={verdict} />}
      {problem !== null && <Alert type="error" showIcon title={errorText(problem, lang)} />}
      <Card size="small" styles={{ body: { paddingBottom: 0 } }}>
        <Form form={form} layout="vertical" onFinish={apply}>
          <Row gutter={12}>
            <Col xs={24} md={12} xl={5}>
              <Form.Item name="action" label={t('action')}>
                <Select
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder={t('all')}
                  options={(actions.data ?? []).map((a) => ({
                    value: a.action,
                    label: pick(a.label, a.labelEn),
                  }))}
                  data-testid="action-filter"
                />
              </Form.Item>
            </Col>
            <Col xs={12} md={6} xl={3}>
              <Form.Item name="username" label={t('user')}>
                <Input allowClear />
              </Form.Item>
            </Col>
            <Col xs={12} md={6} xl={3}>
              <Form.Item name="outcome" label={t('outcome')}>
                <Select
                  allowClear
                  placeholder={t('all')}
                  options={Object.entries(OUTCOMES).map(([value, o]) => ({ value, label: t(o.label) }))}
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12} xl={6}>
              <Form.Item name="dates" label={t('dateRange')}>
                <DatePicker.RangePicker style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={12} md={6} xl={4}>
              <Form.Item name="entityType" label={t('entityType')}>
                <Select
                  allowClear
                  placeholder={t('all')}
                  options={ENTITY_TYPES.map((e) => ({ value: e, label: t(`entity_${e}`) }))}
                  data-testid="entity-filter"
                />
              </Form.Item>
            </Col>
            <Col xs={12} md={6} xl={3}>
              <Form.Item name="entityId" label={t('entityId')}>
                <Input allowClear />
              </Form.Item>
            </Col>
          </Row>
          <Flex justify="flex-end" gap={8} style={{ marginBottom: 12 }}>
            <Button
              onClick={() => {
                form.resetFields();
                apply({});
              }}
            >
              {t('reset')}
            </Button>
            <Button type="primary" htmlType="submit">
              {t('search')}
            </Button>
          </Flex>
        </Form>
      </Card>
      {error !== undefined && <Alert type="error" showIcon title={errorText(error, lang)} />}
      <Table<Entry>
        rowKey="seq"
        loading={loading}
        dataSource={data?.items ?? []}
        scroll={{ x: 1000 }}
        size={phone ? 'small' : 'middle'}
        data-testid="audit-table"
        pagination={paging.pagination(data?.total)}
        expandable={{
          expandedRowRender: (e) => (
            <Flex vertical gap={4} style={{ fontSize: 14 }}>
              <span>
                {t('scope')}：{e.scopePath ?? '—'} · {t('ip')}：{e.ip ?? '—'} · {t('requestId')}：
                {e.requestId ?? '—'}
              </span>
              <code style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
                {JSON.stringify(e.details)}
              </code>
            </Flex>
          ),
        }}
        columns={[
          { title: '#', dataIndex: 'seq', width: 80 },
          { title: t('time'), dataIndex: 'occurredAt', width: 190, render: (v: string) => f.dateTime(v) },
          {
            title: t('user'),
            width: 170,
            render: (_, e) => (
              <Flex vertical>
                <span>{e.username ?? '—'}</span>
                <Typography.Text type="secondary" style={{ fontSize: 14 }}>
                  {roleLabel(e.role)}
                </Typography.Text>
              </Flex>
            ),
          },
          { title: t('action'), width: 160, render: (_, e) => actionLabel(e) },
          {
            title: t('target'),
            width: 200,
            render: (_, e) =>
              e.entityIds.length === 0
                ? '—'
                : `${entityLabel(e.entityType)} ${e.entityIds.slice(0, 5).join(', ')}${e.entityIds.length > 5 ? ` … (${e.entityIds.length})` : ''}`,
          },
          { title: t('purpose'), dataIndex: 'purpose', render: (v: string | null) => v ?? '—' },
          {
            title: t('outcome'),
            dataIndex: 'outcome',
            width: 90,
            render: (v: string) => (
              <Tag color={OUTCOMES[v]?.color ?? 'default'}>{OUTCOMES[v] ? t(OUTCOMES[v].label) : v}</Tag>
            ),
          },
        ]}
      />
    </Flex>
  );
}
