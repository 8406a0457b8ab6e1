// The frame around every page: who is signed in (name, role, scope), the menu of what the role may do, the
// language switch and sign-out. On a phone the menu folds into a drawer. When the server says the session is
// gone (expired, idle, revoked) the console returns to sign-in with the server's message.
import {
  AuditOutlined,
  EnvironmentOutlined,
  HomeOutlined,
  LogoutOutlined,
  MenuOutlined,
  SafetyOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Button, Drawer, Flex, Layout, Menu, Result, Spin, Typography } from 'antd';
import { type ReactNode, Suspense, useCallback, useEffect, useState } from 'react';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { type Account, api, errorText, getToken, setSignedOutHandler, setToken } from '../api.ts';
import { forgetSharedData, useIsPhone } from '../hooks.ts';
import { translate, useLang, usePick, useT } from '../i18n/index.tsx';
import { CONSOLE_MODULES, type MenuEntry } from '../modules/index.ts';
import { AccountsPage, AuditPage, HomePage, MapPage, PersonPage, PersonsPage } from '../pages/lazy.ts';
import type { Permission } from '../roles.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { LoginPage, type SignedIn } from './LoginPage.tsx';
import { PageErrorBoundary } from './PageErrorBoundary.tsx';

const EXPIRES_KEY = 'cbrain.expiresAt';

const SECTIONS: MenuEntry[] = [
  { path: '/', label: 'home', icon: <HomeOutlined />, permission: null },
  { path: '/persons', label: 'residents', icon: <TeamOutlined />, permission: 'person:read' },
  { path: '/map', label: 'map', icon: <EnvironmentOutlined />, permission: 'geo:read' },
  ...CONSOLE_MODULES.flatMap((m) => m.menu),
  { path: '/audit', label: 'audit', icon: <AuditOutlined />, permission: 'audit:read' },
  { path: '/accounts', label: 'accounts', icon: <SafetyOutlined />, permission: 'account:manage' },
];
const MODULE_ROUTES = CONSOLE_MODULES.flatMap((m) => m.routes);

/** Signed-in account, or null; the notice explains why the user is back at sign-in. */
function useSession() {
  const lang = useLang();
  const [account, setAccount] = useState<Account | null>(null);
  const [checked, setChecked] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const end = useCallback((why: string | null) => {
    setToken(null);
    sessionStorage.removeItem(EXPIRES_KEY);
    forgetSharedData();
    setAccount(null);
    setNotice(why);
  }, []);

  useEffect(() => {
    setSignedOutHandler((error) => end(errorText(error, lang)));
  }, [end, lang]);

  useEffect(() => {
    if (!getToken()) {
      setChecked(true);
      return;
    }
    api<Account>('/api/auth/me')
      .then(setAccount)
      .catch(() => setToken(null))
      .finally(() => setChecked(true));
  }, []);

  // The absolute lifetime is known at sign-in: leave on time rather than at the next failing click.
  useEffect(() => {
    if (!account) return;
    const expiresAt = Date.parse(sessionStorage.getItem(EXPIRES_KEY) ?? '');
    if (!Number.isFinite(expiresAt)) return;
    const timer = setTimeout(
      () => end(translate(lang, 'sessionEnded')),
      Math.max(0, Math.min(expiresAt - Date.now(), 2 ** 31 - 1)),
    );
    return () => clearTimeout(timer);
  }, [account, end, lang]);

  // Coming back to the tab after a while: ask the server whether the session survived the idle limit, so the
  // user learns it now and not when a form is half filled.
  useEffect(() => {
    if (!account) return;
    const onVisible = () => {
      if (document.visibilityState === 'visible') api('/api/auth/me').catch(() => {});
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [account]);

  const signIn = (s: SignedIn) => {
    sessionStorage.setItem(EXPIRES_KEY, s.expiresAt);
    setNotice(null);
    setAccount(s.account);
  };
  const signOut = async () => {
    await api('/api/auth/logout', { method: 'POST' }).catch(() => {});
    end(translate(lang, 'signedOut'));
  };
  return { account, checked, notice, signIn, signOut };
}

function Who({ account, vertical }: { account: Account; vertical?: boolean }) {
  const pick = usePick();
  return (
    <Flex
      vertical={vertical}
      gap={vertical ? 2 : 8}
      align={vertical ? 'flex-start' : 'baseline'}
      data-testid="who"
    >
      <Typography.Text strong style={{ fontSize: 17 }}>
        {account.displayName}
      </Typography.Text>
      <Typography.Text type="secondary">
        {pick(account.roleLabel, account.roleLabelEn)} · {account.scopeName}
      </Typography.Text>
    </Flex>
  );
}

function Forbidden() {
  const t = useT();
  return (
    <Result
      status="403"
      title={t('noPermission')}
      extra={<Link to="/">{t('backHome')}</Link>}
      data-testid="forbidden"
    />
  );
}

export function Shell() {
  const t = useT();
  const location = useLocation();
  const phone = useIsPhone();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const { account, checked, notice, signIn, signOut } = useSession();

  // biome-ignore lint/correctness/useExhaustiveDependencies: close the phone menu whenever the page changes
  useEffect(() => setDrawerOpen(false), [location.pathname]);

  if (!checked) return <Spin fullscreen />;
  if (!account) return <LoginPage onSignedIn={signIn} notice={notice} />;

  const can = (p: Permission | null) => p === null || account.permissions.includes(p);
  const sections = SECTIONS.filter((s) => can(s.permission));
  const selected = sections
    .filter((s) => (s.path === '/' ? location.pathname === '/' : location.pathname.startsWith(s.path)))
    .map((s) => s.path);
  const menu = (
    <Menu
      mode="inline"
      selectedKeys={selected}
      style={{ borderInlineEnd: 'none', fontSize: 17 }}
      items={sections.map((s) => ({
        key: s.path,
        icon: s.icon,
        label: <Link to={s.path}>{t(s.label)}</Link>,
      }))}
    />
  );
  const guarded = (permission: Permission, page: ReactNode) => (can(permission) ? page : <Forbidden />);
  const pages = (
    <PageErrorBoundary key={location.pathname} title={t('pageFailed')} retryLabel={t('retry')}>
      <Suspense fallback={<Spin size="large" style={{ display: 'block', margin: '64px auto' }} />}>
        <Routes>
          <Route path="/" element={<HomePage account={account} />} />
          <Route path="/persons" element={guarded('person:read', <PersonsPage account={account} />)} />
          <Route path="/persons/:id" element={guarded('person:read', <PersonPage account={account} />)} />
          <Route path="/map" element={guarded('geo:read', <MapPage account={account} />)} />
          <Route path="/audit" element={guarded('audit:read', <AuditPage />)} />
          <Route path="/accounts" element={guarded('account:manage', <AccountsPage />)} />
          {MODULE_ROUTES.map((r) => (
            <Route
              key={r.path}
              path={r.path}
              element={r.permission ? guarded(r.permission, r.render(account)) : r.render(account)}
            />
          ))}
          <Route path="/login" element={<Navigate to="/" replace />} />
          <Route
            path="*"
            element={
              <Result status="404" title={t('pageNotFound')} extra={<Link to="/">{t('backHome')}</Link>} />
            }
          />
        </Routes>
      </Suspense>
    </PageErrorBoundary>
  );
  // The map fills the screen on a phone: no padding around it.
  const fullBleed = phone && location.pathname === '/map';

  if (phone)
    return (
      <Layout style={{ minHeight: '100dvh' }}>
        <Layout.Header
          style={{
            display: 'flex',
            alignItems: 'center',
            gap: 8,
            padding: '0 8px',
            height: 56,
            background: '#fff',
            borderBottom: '1px solid #e5e9f0',
            position: 'sticky',
            top: 0,
            zIndex: 10,
          }}
        >
          <Button
            type="text"
            size="large"
            icon={<MenuOutlined style={{ fontSize: 22 }} />}
            aria-label={t('menu')}
            onClick={() => setDrawerOpen(true)}
            data-testid="menu-button"
          />
          <Typography.Text strong style={{ fontSize: 20, flex: 1 }}>
            {t('appName')}
          </Typography.Text>
          <Typography.Text type="secondary" ellipsis style={{ maxWidth: '45%' }}>
            {account.scopeName}
          </Typography.Text>
        </Layout.Header>
        <Drawer
          open={drawerOpen}
          placement="left"
          size={300}
          onClose={() => setDrawerOpen(false)}
          title={t('appName')}
          styles={{ body: { padding: 0 } }}
        >
          <Flex vertical gap={16} style={{ padding: 16 }}>
            <Who account={account} vertical />
            <LanguageSwitch />
          </Flex>
          {menu}
          <div style={{ padding: 16 }}>
            <Button block size="large" icon={<LogoutOutlined />} onClick={signOut}>
              {t('signOut')}
            </Button>
          </div>
        </Drawer>
        <Layout.Content style={{ padding: fullBleed ? 0 : 12 }}>{pages}</Layout.Content>
      </Layout>
    );

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={216} theme="light" style={{ borderInlineEnd: '1px solid #e5e9f0' }}>
        <Typography.Title
          level={3}
          style={{ margin: 0, padding: '16px 20px', color: '#1f6feb', wordBreak: 'keep-all' }}
        >
          {t('appName')}
        </Typography.Title>
        {menu}
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'flex-end',
            gap: 16,
            background: '#fff',
            padding: '0 24px',
            borderBottom: '1px solid #e5e9f0',
          }}
        >
          <Who account={account} />
          <LanguageSwitch />
          <Button icon={<LogoutOutlined />} onClick={signOut}>
            {t('signOut')}
          </Button>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>{pages}</Layout.Content>
      </Layout>
    </Layout>
  );
}
