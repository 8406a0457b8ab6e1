// Sign-in, then the frame: header with the user, role and scope, a menu of what the role may do, the pages.
import { Alert, Button, Card, Form, Input, Layout, Menu, Segmented, Space, Typography } from 'antd';
import { lazy, Suspense, useEffect, useState } from 'react';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { type Account, ApiError, api, getToken, setSignedOutHandler, setToken } from './api.ts';
import { type Lang, useT } from './i18n.tsx';
import { HomePage } from './pages/HomePage.tsx';
import { PersonsPage } from './pages/PersonsPage.tsx';

const MapPage = lazy(() => import('./pages/MapPage.tsx'));
const AuditPage = lazy(() => import('./pages/AuditPage.tsx'));

function LoginPage({ onSignedIn, notice }: { onSignedIn: (a: Account) => void; notice: string | null }) {
  const t = useT();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ token: string; account: Account }>('/api/auth/login', {
        method: 'POST',
        body: values,
      });
      setToken(res.token);
      onSignedIn(res.account);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div
      style={{
        minHeight: '100vh',
        display: 'grid',
        placeItems: 'center',
        background: '#eef3fa',
        padding: 16,
      }}
    >
      <Card style={{ width: '100%', maxWidth: 400 }}>
        <Typography.Title level={2} style={{ textAlign: 'center' }}>
          {t('appName')}
        </Typography.Title>
        {notice && <Alert type="warning" showIcon message={notice} style={{ marginBottom: 16 }} />}
        {error && (
          <Alert
            type="error"
            showIcon
            message={error}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        )}
        <Form layout="vertical" onFinish={submit} size="large">
          <Form.Item
            name="username"
            label={t('username')}
            rules={[{ required: true, message: t('username') }]}
          >
            <Input autoComplete="username" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('password')}
            rules={[{ required: true, message: t('password') }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('signIn')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}

export function Shell({ lang, onLang }: { lang: Lang; onLang: (l: Lang) => void }) {
  const t = useT();
  const location = useLocation();
  const [account, setAccount] = useState<Account | null>(null);
  const [checked, setChecked] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    setSignedOutHandler((reason) => {
      setAccount(null);
      setNotice(reason);
    });
    if (!getToken()) {
      setChecked(true);
      return;
    }
    api<Account>('/api/auth/me')
      .then(setAccount)
      .catch(() => setToken(null))
      .finally(() => setChecked(true));
  }, []);

  if (!checked) return null;
  if (!account)
    return (
      <LoginPage
        onSignedIn={(a) => {
          setNotice(null);
          setAccount(a);
        }}
        notice={notice}
      />
    );

  const can = (p: string) => account.permissions.includes(p);
  const items = [
    { key: '/', label: <Link to="/">{t('home')}</Link> },
    ...(can('person:read') ? [{ key: '/persons', label: <Link to="/persons">{t('residents')}</Link> }] : []),
    ...(can('geo:read') ? [{ key: '/map', label: <Link to="/map">{t('map')}</Link> }] : []),
    ...(can('audit:read') ? [{ key: '/audit', label: <Link to="/audit">{t('audit')}</Link> }] : []),
  ];
  const signOut = async () => {
    await api('/api/auth/logout', { method: 'POST' }).catch(() => {});
    setToken(null);
    setAccount(null);
  };
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 16,
          background: '#fff',
          padding: '0 16px',
          flexWrap: 'wrap',
          height: 'auto',
          lineHeight: '56px',
        }}
      >
        <Typography.Text strong style={{ fontSize: 20 }}>
          {t('appName')}
        </Typography.Text>
        <Menu
          mode="horizontal"
          selectedKeys={[location.pathname]}
          items={items}
          style={{ flex: 1, minWidth: 200, borderBottom: 'none' }}
        />
        <Space wrap>
          <span data-testid="who">
            {account.displayName} · {lang === 'zh' ? account.roleLabel : account.roleLabelEn} ·{' '}
            {account.scopeName}
          </span>
          <Segmented
            size="small"
            value={lang}
            onChange={(v) => onLang(v as Lang)}
            options={[
              { label: '中文', value: 'zh' },
              { label: 'EN', value: 'en' },
            ]}
          />
          <Button onClick={signOut}>{t('signOut')}</Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 16 }}>
        <Suspense fallback={null}>
          <Routes>
            <Route path="/" element={<HomePage account={account} />} />
            <Route
              path="/persons"
              element={
                can('person:read') ? (
                  <PersonsPage account={account} />
                ) : (
                  <Alert type="info" message={t('noPermission')} />
                )
              }
            />
            <Route
              path="/map"
              element={can('geo:read') ? <MapPage /> : <Alert type="info" message={t('noPermission')} />}
            />
            <Route
              path="/audit"
              element={can('audit:read') ? <AuditPage /> : <Alert type="info" message={t('noPermission')} />}
            />
            <Route path="*" element={<Navigate to="/" />} />
          </Routes>
        </Suspense>
      </Layout.Content>
    </Layout>
  );
}
