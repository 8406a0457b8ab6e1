// A signed-in resident's own requests (what they wrote, and each request's progress) and the notices sent to
// them. Requests sent anonymously are not linked to the account and appear only under "sent from this device".
import { Alert, Button, Card, Empty, Flex, Spin, Tabs, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { errorText } from '../api.ts';
import { PlainList } from '../components/PlainList.tsx';
import { useApi } from '../hooks.ts';
import { useFormat, useLang, useT } from '../i18n/index.tsx';
import { OrderCard } from './OrderCard.tsx';
import { PageHeading, ResidentSignIn } from './PortalApp.tsx';
import { useSession } from './session.ts';
import type { MyRequest } from './types.ts';

interface Notice {
  id: number;
  number: string;
  kind: string;
  message: string;
  createdAt: string;
}

export function MinePage() {
  const t = useT();
  const { resident } = useSession();
  return (
    <>
      <PageHeading title={t('portalMineTitle')} />
      {resident ? <Mine /> : <ResidentSignIn />}
    </>
  );
}

function Mine() {
  const t = useT();
  const lang = useLang();
  const f = useFormat();
  const requests = useApi<{ items: MyRequest[]; total: number }>('/api/requests/mine?pageSize=50');
  const notices = useApi<{ items: Notice[] }>('/api/requests/mine/notifications');
  const failed = requests.error ?? notices.error;
  if (failed) return <Alert type="error" showIcon title={errorText(failed, lang)} />;
  return (
    <Tabs
      size="large"
      items={[
        {
          key: 'requests',
          label: `${t('portalMineTitle')}${requests.data ? ` (${requests.data.total})` : ''}`,
          children: requests.loading ? (
            <Spin />
          ) : requests.data?.items.length ? (
            <Flex vertical gap={16} data-testid="my-requests">
              {requests.data.items.map((r) => (
                <div key={r.number}>
                  <Card size="small" style={{ marginBottom: 8, background: '#fafcff' }}>
                    <Typography.Paragraph style={{ fontSize: 20, margin: 0, whiteSpace: 'pre-wrap' }}>
                      {r.description}
                    </Typography.Paragraph>
                    {r.address && <Typography.Text type="secondary">{r.address}</Typography.Text>}
                  </Card>
                  <OrderCard
                    order={r}
                    footer={
                      <Link to={`/lookup/${r.number}`}>
                        <Button size="large" block>
                          {t('portalLookupTitle')}
                        </Button>
                      </Link>
                    }
                  />
                </div>
              ))}
            </Flex>
          ) : (
            <Empty description={t('portalNoRequests')} />
          ),
        },
        {
          key: 'notices',
          label: t('portalNotifications'),
          children: notices.loading ? (
            <Spin />
          ) : (
            <PlainList
              data-testid="my-notifications"
              empty={t('portalNoNotifications')}
              items={notices.data?.items ?? []}
              itemKey={(n) => n.id}
              renderItem={(n) => (
                <>
                  <div>
                    <div style={{ fontSize: 20 }}>{n.message}</div>
                    <div style={{ color: '#666', fontSize: 16 }}>
                      {f.shortDateTime(n.createdAt)} · <Link to={`/lookup/${n.number}`}>{n.number}</Link>
                    </div>
                  </div>
                </>
              )}
            />
          ),
        },
      ]}
    />
  );
}
