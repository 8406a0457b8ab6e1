// The auditor's page: the trail newest first, chain verification, CSV export of what is shown.
import { Alert, Button, Space, Table, Tag } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError, api, getToken, type Page } from '../api.ts';
import { useT } from '../i18n.tsx';

interface Entry {
  seq: number;
  occurredAt: string;
  username: string | null;
  role: string | null;
  actionLabel: string;
  entityIds: string[];
  purpose: string | null;
  outcome: string;
}

export default function AuditPage() {
  const t = useT();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<Page<Entry> | null>(null);
  const [verdict, setVerdict] = useState<{
    ok: boolean;
    checked: number;
    firstProblem?: { message: string };
  } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<Page<Entry>>(`/api/audit?page=${page}&pageSize=20`)
      .then(setData)
      .catch((e) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [page]);
  const verify = async () => setVerdict(await api('/api/audit/verify'));
  const exportCsv = async () => {
    const res = await fetch('/api/audit/export.csv', { headers: { authorization: `Bearer ${getToken()}` } });
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = 'audit-log.csv';
    a.click();
    URL.revokeObjectURL(url);
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Button type="primary" onClick={verify}>
          {t('verify')}
        </Button>
        <Button onClick={exportCsv}>{t('export')}</Button>
      </Space>
      {verdict && (
        <Alert
          data-testid="verdict"
          type={verdict.ok ? 'success' : 'error'}
          showIcon
          message={
            verdict.ok
              ? `${t('chainOk')}: ${verdict.checked}`
              : `${t('chainBroken')}: ${verdict.firstProblem?.message ?? ''}`
          }
        />
      )}
      {error && <Alert type="error" message={error} />}
      <Table<Entry>
        rowKey="seq"
        dataSource={data?.items ?? []}
        scroll={{ x: 800 }}
        pagination={{
          current: page,
          pageSize: 20,
          total: data?.total ?? 0,
          onChange: setPage,
          showSizeChanger: false,
        }}
        columns={[
          { title: '#', dataIndex: 'seq', width: 80 },
          {
            title: t('time'),
            dataIndex: 'occurredAt',
            render: (v: string) => new Date(v).toLocaleString('zh-CN'),
          },
          { title: t('user'), dataIndex: 'username' },
          { title: t('action'), dataIndex: 'actionLabel' },
          { title: t('purpose'), dataIndex: 'purpose' },
          {
            title: 'ID',
            dataIndex: 'entityIds',
            render: (v: string[]) => v.slice(0, 5).join(', ') + (v.length > 5 ? ' …' : ''),
          },
          {
            title: t('outcome'),
            dataIndex: 'outcome',
            render: (v: string) => <Tag color={v === 'ok' ? 'green' : 'red'}>{v}</Tag>,
          },
        ]}
      />
    </Space>
  );
}
