// After sending: the request number and the access code, very large, with the plain instruction to keep them
// (the code is shown only this once; the device keeps a copy too).
import { CheckCircleFilled, CopyOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Flex, Typography } from 'antd';
import { Link, Navigate, useLocation } from 'react-router-dom';
import { usePick, useT } from '../i18n/index.tsx';
import type { SubmitResult } from './types.ts';

export function DonePage() {
  const t = useT();
  const pick = usePick();
  const { message } = App.useApp();
  const result = useLocation().state as SubmitResult | null;
  if (!result) return <Navigate to="/" replace />;
  const { order, accessCode, merged } = result;
  const copy = async () => {
    const text = `${t('portalNumber')} ${order.number}${accessCode ? `，${t('portalAccessCode')} ${accessCode}` : ''}`;
    try {
      await navigator.clipboard.writeText(text);
      message.success(t('portalCopied'));
    } catch {
      // No clipboard (older phone, insecure page): the numbers stay on screen to write down.
    }
  };
  return (
    <Flex vertical gap={16}>
      <Flex align="center" gap={12}>
        <CheckCircleFilled style={{ color: '#389e0d', fontSize: 40 }} />
        <Typography.Title level={2} style={{ margin: 0, fontSize: 28 }} data-testid="done-title">
          {t('portalDoneTitle')}
        </Typography.Title>
      </Flex>
      {merged && <Alert type="info" showIcon title={t('portalDoneMerged')} />}
      <Card>
        <div style={{ fontSize: 20 }}>{t('portalNumber')}</div>
        <div className="portal-code" data-testid="done-number">
          {order.number}
        </div>
        {accessCode ? (
          <>
            <div style={{ fontSize: 20, marginTop: 16 }}>{t('portalAccessCode')}</div>
            <div
              className="portal-code"
              style={{ color: '#d4380d', letterSpacing: 8 }}
              data-testid="done-code"
            >
              {accessCode}
            </div>
          </>
        ) : (
          <Typography.Paragraph type="secondary" style={{ fontSize: 18, marginTop: 12 }}>
            {t('portalNoCodeAgain')}
          </Typography.Paragraph>
        )}
        <div style={{ fontSize: 20, marginTop: 16 }}>
          {t('portalStatus')}：<b>{pick(order.statusLabel, order.statusLabelEn)}</b>
          {order.responsibleUnit && (
            <>
              <br />
              {t('portalUnit')}：<b>{order.responsibleUnit}</b>
            </>
          )}
        </div>
      </Card>
      <Alert
        type="warning"
        showIcon
        title={<span style={{ fontSize: 20 }}>{t('portalKeepCode')}</span>}
        data-testid="keep-code"
      />
      <Typography.Text type="secondary" style={{ fontSize: 18 }}>
        {t('portalCodeSavedHere')}
      </Typography.Text>
      <Button size="large" icon={<CopyOutlined />} onClick={copy} block>
        {t('portalCopy')}
      </Button>
      <Link to={`/lookup/${order.number}`}>
        <Button
          type="primary"
          size="large"
          block
          style={{ height: 60, fontSize: 22 }}
          data-testid="see-progress"
        >
          {t('portalSeeProgress')}
        </Button>
      </Link>
      <Link to="/submit">
        <Button size="large" block>
          {t('portalSubmitAnother')}
        </Button>
      </Link>
    </Flex>
  );
}
