// Resident search: one box for name, ID number or phone; masked results; purpose-bound unmasking of one record.
import { Alert, App, Button, Checkbox, Form, Input, Modal, Space, Table, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { type Account, ApiError, api, type Page, type PersonSummary } from '../api.ts';
import { useT } from '../i18n.tsx';

const FIELD_LABELS: Record<string, string> = {
  name: '姓名',
  idNumber: '身份证号',
  phone: '电话',
  address: '住址',
  tags: '特殊群体',
  ethnicity: '民族',
};
const PURPOSES = ['入户走访', '政策核查', '紧急联系', '矛盾调解'];

function UnmaskDialog({
  person,
  account,
  onClose,
}: {
  person: PersonSummary;
  account: Account;
  onClose: () => void;
}) {
  const t = useT();
  const [fields, setFields] = useState<string[]>(account.unmaskable.slice(0, 2));
  const [purpose, setPurpose] = useState('');
  const [values, setValues] = useState<Record<string, unknown> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setError(null);
    try {
      const res = await api<{ values: Record<string, unknown> }>(`/api/persons/${person.id}/unmask`, {
        method: 'POST',
        body: { fields, purpose },
      });
      setValues(res.values);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <Modal
      open
      title={`${t('unmask')} · ${person.name}`}
      onCancel={onClose}
      footer={values ? <Button onClick={onClose}>OK</Button> : undefined}
      onOk={submit}
      okText={t('unmask')}
      okButtonProps={{ disabled: fields.length === 0 || purpose.trim().length < 4 }}
    >
      {values ? (
        <div data-testid="unmasked">
          <Alert type="info" showIcon message={t('auditNotice')} style={{ marginBottom: 12 }} />
          {Object.entries(values).map(([k, v]) => (
            <p key={k}>
              <b>{FIELD_LABELS[k] ?? k}：</b>
              {Array.isArray(v) ? v.join('、') : String(v ?? '—')}
            </p>
          ))}
        </div>
      ) : (
        <Form layout="vertical">
          <Form.Item label={t('fields')}>
            <Checkbox.Group
              value={fields}
              onChange={(v) => setFields(v as string[])}
              options={account.unmaskable.map((f) => ({ label: FIELD_LABELS[f] ?? f, value: f }))}
            />
          </Form.Item>
          <Form.Item label={t('purpose')} extra={t('purposeHint')}>
            <Input value={purpose} onChange={(e) => setPurpose(e.target.value)} data-testid="purpose" />
            <Space wrap style={{ marginTop: 8 }}>
              {PURPOSES.map((p) => (
                <Tag key={p} style={{ cursor: 'pointer' }} onClick={() => setPurpose(`${p}核实信息`)}>
                  {p}
                </Tag>
              ))}
            </Space>
          </Form.Item>
          {error && <Alert type="error" message={error} />}
        </Form>
      )}
    </Modal>
  );
}

export function PersonsPage({ account }: { account: Account }) {
  const t = useT();
  const { message } = App.useApp();
  const [query, setQuery] = useState('');
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const [data, setData] = useState<Page<PersonSummary> | null>(null);
  const [loading, setLoading] = useState(false);
  const [unmasking, setUnmasking] = useState<PersonSummary | null>(null);
  const load = useCallback(
    async (q: string, p: { page: number; pageSize: number }) => {
      setLoading(true);
      try {
        const params = new URLSearchParams({ page: String(p.page), pageSize: String(p.pageSize) });
        if (q.trim()) params.set('q', q.trim());
        setData(await api<Page<PersonSummary>>(`/api/persons?${params}`));
      } catch (e) {
        message.error(e instanceof ApiError ? e.message : String(e));
      } finally {
        setLoading(false);
      }
    },
    [message],
  );
  // Reload on page changes; a new query is loaded by the search box itself.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the typed-but-not-submitted query must not trigger loads
  useEffect(() => {
    load(query, page);
  }, [load, page]);
  const canUnmask = account.permissions.includes('person:unmask') && account.unmaskable.length > 0;
  return (
    <div>
      <Input.Search
        size="large"
        placeholder={t('searchPlaceholder')}
        enterButton={t('search')}
        allowClear
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onSearch={(v) => {
          setPage({ ...page, page: 1 });
          load(v, { ...page, page: 1 });
        }}
        style={{ maxWidth: 560, marginBottom: 12 }}
        data-testid="person-search"
      />
      <Table<PersonSummary>
        rowKey="id"
        loading={loading}
        dataSource={data?.items ?? []}
        scroll={{ x: 900 }}
        pagination={{
          current: page.page,
          pageSize: page.pageSize,
          total: data?.total ?? 0,
          showTotal: (n) => `共 ${n} 人`,
          onChange: (p, s) => setPage({ page: p, pageSize: s }),
        }}
        columns={[
          { title: t('name'), dataIndex: 'name' },
          { title: t('sex'), dataIndex: 'sexLabel', width: 70 },
          { title: t('age'), dataIndex: 'age', width: 70 },
          { title: t('idNumber'), dataIndex: 'idNumber' },
          { title: t('phone'), dataIndex: 'phone' },
          { title: t('address'), dataIndex: 'address', ellipsis: true },
          { title: t('grid'), dataIndex: 'gridName' },
          { title: t('type'), dataIndex: 'registrationTypeLabel', width: 110 },
          {
            title: t('tags'),
            render: (_, p) =>
              p.tagsMasked ? (
                p.tagCount > 0 ? (
                  <Tag>{`${t('masked')} · ${p.tagCount}`}</Tag>
                ) : null
              ) : (
                p.tags?.join('、')
              ),
          },
          ...(canUnmask
            ? [
                {
                  title: '',
                  width: 130,
                  render: (_: unknown, p: PersonSummary) => (
                    <Button size="small" onClick={() => setUnmasking(p)}>
                      {t('unmask')}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      {unmasking && <UnmaskDialog person={unmasking} account={account} onClose={() => setUnmasking(null)} />}
    </div>
  );
}
