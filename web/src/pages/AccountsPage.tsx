// Accounts for the district administrator: the accounts inside their scope, and creating, disabling, enabling,
// unlocking and resetting passwords. Every change is checked and audited by the server; its message is shown.
import { PlusOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Select,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useState } from 'react';
import { type Account, api, errorText, type Page, withQuery } from '../api.ts';
import { AreaPicker } from '../components/AreaPicker.tsx';
import { useApi, useIsPhone, useSubmit } from '../hooks.ts';
import { useFormat, useLang, usePick, useT } from '../i18n/index.tsx';
import { ROLES } from '../roles.ts';

interface NewAccount {
  username: string;
  displayName: string;
  password: string;
  role: string;
  scope: string;
  personId?: number;
  providerId?: number;
}

function CreateAccountDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const t = useT();
  const lang = useLang();
  const [form] = Form.useForm<NewAccount>();
  const role = Form.useWatch('role', form);
  const { busy, error, run } = useSubmit();
  const submit = async (values: NewAccount) => {
    await run(async () => {
      await api('/api/accounts', { method: 'POST', body: values });
      onCreated();
    });
  };
  const required = [{ required: true, message: t('required') }];
  return (
    <Modal
      open
      title={t('newAccount')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('save')}
      cancelText={t('cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} data-testid="account-form">
        <Form.Item name="username" label={t('username')} rules={required}>
          <Input autoComplete="off" autoCapitalize="off" />
        </Form.Item>
        <Form.Item name="displayName" label={t('displayName')} rules={required}>
          <Input />
        </Form.Item>
        <Form.Item name="password" label={t('password')} rules={required} extra={t('passwordRule')}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="role" label={t('role')} rules={required}>
          <Select options={ROLES.map((r) => ({ value: r, label: t(`role_${r}`) }))} />
        </Form.Item>
        <Form.Item name="scope" label={t('scope')} rules={required}>
          <AreaPicker />
        </Form.Item>
        {role === 'resident' && (
          <Form.Item name="personId" label={t('personId')} rules={required}>
            <InputNumber min={1} style={{ width: '100%' }} />
          </Form.Item>
        )}
        {role === 'service_provider' && (
          <Form.Item name="providerId" label={t('providerId')} rules={required}>
            <InputNumber min={1} style={{ width: '100%' }} />
          </Form.Item>
        )}
        {error !== null && <Alert type="error" showIcon title={errorText(error, lang)} />}
      </Form>
    </Modal>
  );
}

function ResetPasswordDialog({ account, onClose }: { account: Account; onClose: () => void }) {
  const t = useT();
  const lang = useLang();
  const { message } = App.useApp();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async () => {
    setError(null);
    try {
      await api(`/api/accounts/${account.id}`, { method: 'PATCH', body: { password } });
      message.success(t('saved'));
      onClose();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Modal
      open
      title={`${t('resetPassword')} · ${account.username}`}
      onCancel={onClose}
      onOk={submit}
      okText={t('save')}
      cancelText={t('cancel')}
      okButtonProps={{ disabled: password.length === 0 }}
      destroyOnHidden
    >
      <Form layout="vertical">
        <Form.Item label={t('newPassword')} extra={t('passwordRule')}>
          <Input.Password
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
          />
        </Form.Item>
        {error !== null && <Alert type="error" showIcon title={errorText(error, lang)} />}
      </Form>
    </Modal>
  );
}

export function AccountsPage() {
  const t = useT();
  const lang = useLang();
  const pick = usePick();
  const f = useFormat();
  const phone = useIsPhone();
  const { message } = App.useApp();
  const [typed, setTyped] = useState('');
  const [query, setQuery] = useState<{ q?: string; role?: string }>({});
  const [paging, setPaging] = useState({ page: 1, pageSize: 20 });
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<Account | null>(null);
  const { data, error, loading, reload } = useApi<Page<Account>>(
    withQuery('/api/accounts', { ...query, ...paging }),
  );
  const change = async (a: Account, body: Record<string, unknown>) => {
    try {
      await api(`/api/accounts/${a.id}`, { method: 'PATCH', body });
      message.success(t('saved'));
      reload();
    } catch (e) {
      message.error(errorText(e, lang));
    }
  };
  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center" wrap gap={12}>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('accounts')}
        </Typography.Title>
        <Button type="primary" size="large" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('newAccount')}
        </Button>
      </Flex>
      <Card size="small">
        <Flex wrap gap={12}>
          <Input.Search
            placeholder={t('searchAccounts')}
            allowClear
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
            onSearch={(q) => {
              setQuery({ ...query, q: q.trim() || undefined });
              setPaging((p) => ({ ...p, page: 1 }));
            }}
            style={{ maxWidth: 360 }}
          />
          <Select
            allowClear
            placeholder={t('role')}
            value={query.role}
            onChange={(role) => {
              setQuery({ ...query, role });
              setPaging((p) => ({ ...p, page: 1 }));
            }}
            options={ROLES.map((r) => ({ value: r, label: t(`role_${r}`) }))}
            style={{ minWidth: 200 }}
          />
        </Flex>
      </Card>
      {error !== undefined && <Alert type="error" showIcon title={errorText(error, lang)} />}
      <Table<Account>
        rowKey="id"
        loading={loading}
        dataSource={data?.items ?? []}
        scroll={{ x: 1030 }}
        size={phone ? 'small' : 'middle'}
        data-testid="accounts-table"
        pagination={{
          current: paging.page,
          pageSize: paging.pageSize,
          total: data?.total ?? 0,
          showTotal: (n) => t('total', { n: f.number(n) }),
          onChange: (page, pageSize) => setPaging({ page, pageSize }),
        }}
        columns={[
          { title: t('username'), dataIndex: 'username', width: 130 },
          { title: t('displayName'), dataIndex: 'displayName', width: 140 },
          { title: t('role'), width: 130, render: (_, a) => pick(a.roleLabel, a.roleLabelEn) },
          { title: t('scope'), dataIndex: 'scopeName', width: 150 },
          {
            title: t('status'),
            width: 110,
            render: (_, a) => (
              <Space size={4} wrap>
                {a.disabled ? (
                  <Tag color="red">{t('disabledAccount')}</Tag>
                ) : (
                  <Tag color="green">{t('active')}</Tag>
                )}
                {a.locked && <Tag color="orange">{t('locked')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('lastLogin'),
            width: 170,
            render: (_, a) => (a.lastLoginAt ? f.shortDateTime(a.lastLoginAt) : t('never')),
          },
          {
            title: t('actions'),
            width: 200,
            fixed: phone ? undefined : 'right',
            render: (_, a) => (
              <Space wrap size={4}>
                {a.disabled ? (
                  <Button size="small" onClick={() => change(a, { disabled: false })}>
                    {t('enable')}
                  </Button>
                ) : (
                  <Popconfirm
                    title={t('confirmDisable')}
                    okText={t('disable')}
                    cancelText={t('cancel')}
                    onConfirm={() => change(a, { disabled: true })}
                  >
                    <Button size="small" danger>
                      {t('disable')}
                    </Button>
                  </Popconfirm>
                )}
                {a.locked && (
                  <Button size="small" onClick={() => change(a, { unlock: true })}>
                    {t('unlock')}
                  </Button>
                )}
                <Button size="small" onClick={() => setResetting(a)}>
                  {t('resetPassword')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      {creating && (
        <CreateAccountDialog
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            message.success(t('saved'));
            reload();
          }}
        />
      )}
      {resetting && <ResetPasswordDialog account={resetting} onClose={() => setResetting(null)} />}
    </Flex>
  );
}
