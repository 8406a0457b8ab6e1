// Sign-in: username and password, the server's own message on failure (the same text for a wrong username
// and a wrong password, so accounts cannot be guessed; the lockout message when the account is locked).
import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { type Account, api, errorText, setToken } from '../api.ts';
import { useSubmit } from '../hooks.ts';
import { useLang, useT } from '../i18n/index.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';

export interface SignedIn {
  token: string;
  expiresAt: string;
  account: Account;
}

export function LoginPage({
  onSignedIn,
  notice,
}: {
  onSignedIn: (s: SignedIn) => void;
  notice: string | null;
}) {
  const t = useT();
  const lang = useLang();
  const { busy, error, run } = useSubmit();
  const submit = async (values: { username: string; password: string }) => {
    await run(async () => {
      const res = await api<SignedIn>('/api/auth/login', { method: 'POST', body: values });
      setToken(res.token);
      onSignedIn(res);
    });
  };
  return (
    <Flex
      vertical
      align="center"
      justify="center"
      style={{
        minHeight: '100vh',
        background: 'linear-gradient(160deg, #e8f0fc 0%, #f7f9fc 60%)',
        padding: 16,
      }}
    >
      <Card style={{ width: '100%', maxWidth: 420, boxShadow: '0 4px 24px rgba(31, 111, 235, 0.08)' }}>
        <Flex justify="flex-end">
          <LanguageSwitch />
        </Flex>
        <Typography.Title
          level={1}
          style={{ textAlign: 'center', marginTop: 8, marginBottom: 4, fontSize: 32 }}
        >
          {t('appName')}
        </Typography.Title>
        <Typography.Paragraph type="secondary" style={{ textAlign: 'center', fontSize: 16 }}>
          {t('appTagline')}
        </Typography.Paragraph>
        {notice && <Alert type="warning" showIcon title={notice} style={{ marginBottom: 16 }} />}
        {error !== null && (
          <Alert
            type="error"
            showIcon
            title={errorText(error, lang)}
            style={{ marginBottom: 16 }}
            data-testid="login-error"
          />
        )}
        <Form layout="vertical" onFinish={submit} size="large" requiredMark={false}>
          <Form.Item
            name="username"
            label={t('username')}
            rules={[{ required: true, message: t('usernameRequired') }]}
          >
            <Input autoComplete="username" autoCapitalize="off" />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('password')}
            rules={[{ required: true, message: t('passwordRequired') }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} style={{ height: 48, fontSize: 18 }}>
            {t('signIn')}
          </Button>
        </Form>
        <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 14 }}>
          {t('signInPrivacy')}
        </Typography.Paragraph>
      </Card>
    </Flex>
  );
}
