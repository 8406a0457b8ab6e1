// The portal's frame and home: a blue bar with the title and the language switch, then one column of large tiles
// (report a problem, check progress, my requests, benefits and appeals) and the requests sent from this device.
import {
  AuditOutlined,
  EditOutlined,
  FileSearchOutlined,
  LeftOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Alert, Button, Card, Flex, Form, Input, Result, Spin, Typography } from 'antd';
import { lazy, type ReactNode, Suspense, useState } from 'react';
import { Link, Route, Routes, useNavigate } from 'react-router-dom';
import { errorText } from '../api.ts';
import { useFormat, useLang, useT } from '../i18n/index.tsx';
import { LanguageSwitch } from '../shell/LanguageSwitch.tsx';
import { forgetRequest, savedRequests } from './saved.ts';
import { SessionContext, usePortalSessionState, useSession } from './session.ts';

const SubmitPage = lazy(() => import('./SubmitPage.tsx').then((m) => ({ default: m.SubmitPage })));
const DonePage = lazy(() => import('./DonePage.tsx').then((m) => ({ default: m.DonePage })));
const LookupPage = lazy(() => import('./LookupPage.tsx').then((m) => ({ default: m.LookupPage })));
const MinePage = lazy(() => import('./MinePage.tsx').then((m) => ({ default: m.MinePage })));
const AppealPage = lazy(() => import('./AppealPage.tsx').then((m) => ({ default: m.AppealPage })));

export function PortalApp() {
  const session = usePortalSessionState();
  const t = useT();
  return (
    <SessionContext.Provider value={session}>
      <header className="portal-header">
        <div className="portal-header-inner">
          <Link to="/" data-testid="portal-title">
            <h1>{t('portalTitle')}</h1>
          </Link>
          <LanguageSwitch />
        </div>
      </header>
      <main className="portal-page">
        {!session.checked ? (
          <Spin />
        ) : (
          <Suspense fallback={<Spin size="large" style={{ display: 'block', margin: 48 }} />}>
            <Routes>
              <Route path="/" element={<HomePage />} />
              <Route path="/submit" element={<SubmitPage />} />
              <Route path="/done" element={<DonePage />} />
              <Route path="/lookup" element={<LookupPage />} />
              <Route path="/lookup/:number" element={<LookupPage />} />
              <Route path="/mine" element={<MinePage />} />
              <Route path="/appeal" element={<AppealPage />} />
              <Route
                path="*"
                element={
                  <Result
                    status="404"
                    title={t('pageNotFound')}
                    extra={
                      <Link to="/">
                        <Button type="primary" size="large">
                          {t('backHome')}
                        </Button>
                      </Link>
                    }
                  />
                }
              />
            </Routes>
          </Suspense>
        )}
      </main>
    </SessionContext.Provider>
  );
}

/** A heading with a way back home, at the top of every inner page. */
export function PageHeading({ title }: { title: string }) {
  const t = useT();
  const navigate = useNavigate();
  return (
    <Flex align="center" gap={8} style={{ margin: '4px 0 16px' }}>
      <Button
        size="large"
        icon={<LeftOutlined />}
        onClick={() => navigate('/')}
        aria-label={t('portalBack')}
        data-testid="portal-back"
      />
      <Typography.Title level={2} style={{ margin: 0, fontSize: 28 }}>
        {title}
      </Typography.Title>
    </Flex>
  );
}

function Tile({
  to,
  icon,
  title,
  hint,
  testId,
}: {
  to: string;
  icon: ReactNode;
  title: string;
  hint: string;
  testId: string;
}) {
  return (
    <Link to={to} className="portal-tile" data-testid={testId}>
      <div className="portal-tile-title">
        {icon}
        {title}
      </div>
      <div className="portal-tile-hint">{hint}</div>
    </Link>
  );
}

function HomePage() {
  const t = useT();
  const format = useFormat();
  const { resident, signOut } = useSession();
  const [saved, setSaved] = useState(savedRequests);
  return (
    <>
      <Tile
        to="/submit"
        icon={<EditOutlined />}
        title={t('portalSubmitTitle')}
        hint={t('portalSubmitHint')}
        testId="tile-submit"
      />
      <Tile
        to="/lookup"
        icon={<FileSearchOutlined />}
        title={t('portalLookupTitle')}
        hint={t('portalLookupHint')}
        testId="tile-lookup"
      />
      <Tile
        to="/mine"
        icon={<UserOutlined />}
        title={t('portalMineTitle')}
        hint={t('portalMineHint')}
        testId="tile-mine"
      />
      <Tile
        to="/appeal"
        icon={<AuditOutlined />}
        title={t('portalAppealTitle')}
        hint={t('portalAppealHint')}
        testId="tile-appeal"
      />
      {saved.length > 0 && (
        <Card title={t('portalSavedHere')} style={{ marginBottom: 16 }} data-testid="saved-requests">
          {saved.map((r) => (
            <Flex key={r.number} justify="space-between" align="center" gap={8} style={{ padding: '8px 0' }}>
              <Link to={`/lookup/${r.number}`} style={{ fontSize: 20, minWidth: 0 }}>
                <div style={{ fontVariantNumeric: 'tabular-nums' }}>{r.number}</div>
                <Typography.Text
                  type="secondary"
                  ellipsis
                  style={{ fontSize: 16, maxWidth: 240, display: 'block' }}
                >
                  {format.shortDateTime(r.at)} {r.summary}
                </Typography.Text>
              </Link>
              <Button
                onClick={() => {
                  forgetRequest(r.number);
                  setSaved(savedRequests());
                }}
              >
                {t('portalForget')}
              </Button>
            </Flex>
          ))}
        </Card>
      )}
      <Flex justify="space-between" align="center" wrap gap={8} style={{ fontSize: 18 }}>
        {resident ? (
          <>
            <span data-testid="signed-in-as">{t('portalSignedInAs', { name: resident.displayName })}</span>
            <Button size="large" onClick={signOut}>
              {t('signOut')}
            </Button>
          </>
        ) : (
          <a href="/">{t('portalStaffLink')}</a>
        )}
      </Flex>
    </>
  );
}

/** Resident sign-in, shown where a page needs an account (my requests, appeals). */
export function ResidentSignIn() {
  const t = useT();
  const lang = useLang();
  const { signIn } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await signIn(v.username.trim(), v.password);
    } catch (e) {
      setError(
        e instanceof Error && e.message === 'not-resident' ? t('portalNotResident') : errorText(e, lang),
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('portalSignIn')} data-testid="resident-sign-in">
      <Form layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item
          label={t('username')}
          name="username"
          rules={[{ required: true, message: t('usernameRequired') }]}
        >
          <Input autoComplete="username" autoCapitalize="off" />
        </Form.Item>
        <Form.Item
          label={t('password')}
          name="password"
          rules={[{ required: true, message: t('passwordRequired') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        {error && (
          <Alert
            type="error"
            showIcon
            title={error}
            style={{ marginBottom: 16 }}
            data-testid="sign-in-error"
          />
        )}
        <Button type="primary" htmlType="submit" size="large" block loading={busy}>
          {t('signIn')}
        </Button>
      </Form>
    </Card>
  );
}
