// Home: the overview of the viewer's scope (counts and age structure) and the shortcuts their role uses most.
// A resident sees their own record instead; an auditor also sees whether the audit chain is intact.
import {
  AuditOutlined,
  EnvironmentOutlined,
  PhoneOutlined,
  SafetyOutlined,
  TeamOutlined,
} from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Flex, Row, Spin, Statistic, Typography } from 'antd';
import { lazy, type ReactNode, Suspense } from 'react';
import { Link } from 'react-router-dom';
import { type Account, errorText, type PersonDetail } from '../api.ts';
import { ChainVerdict, type Verdict } from '../components/ChainVerdict.tsx';
import { placeOf } from '../components/PersonDetailView.tsx';
import { useApi, useIsPhone } from '../hooks.ts';
import { type MessageKey, useFormat, useLang, useT } from '../i18n/index.tsx';
import type { Permission } from '../roles.ts';

// ECharts is the larger part of this page: the figures show first, the chart follows when its code arrives.
const AgeChart = lazy(() => import('../components/AgeChart.tsx').then((m) => ({ default: m.AgeChart })));

interface Overview {
  scopeName: string;
  population: number;
  households: number;
  buildings: number;
  grids: number;
  communities: number;
  aged60Share: number;
  elderlyAlone: number;
  disabled: number;
  lowIncome: number;
  floating: number;
  facilities: number;
  organizations: number;
  ageBands: Array<{ band: string; count: number }>;
}

interface QuickLink {
  to: string;
  label: MessageKey;
  icon: ReactNode;
}

function quickLinks(account: Account): QuickLink[] {
  const can = (p: Permission) => account.permissions.includes(p);
  const links: QuickLink[] = [];
  if (account.role === 'grid_worker')
    links.push({ to: '/map', label: 'linkMyGridMap', icon: <EnvironmentOutlined /> });
  if (account.role === 'hotline_operator')
    links.push({ to: '/persons', label: 'linkResidentLookup', icon: <PhoneOutlined /> });
  else if (can('person:read'))
    links.push({ to: '/persons', label: 'linkMyResidents', icon: <TeamOutlined /> });
  if (can('geo:read') && account.role !== 'grid_worker')
    links.push({ to: '/map', label: 'linkMap', icon: <EnvironmentOutlined /> });
  if (can('audit:read')) links.push({ to: '/audit', label: 'linkAudit', icon: <AuditOutlined /> });
  if (can('account:manage')) links.push({ to: '/accounts', label: 'linkAccounts', icon: <SafetyOutlined /> });
  return links;
}

function QuickLinks({ account }: { account: Account }) {
  const t = useT();
  const links = quickLinks(account);
  if (links.length === 0) return null;
  return (
    <Flex wrap gap={12} data-testid="quick-links">
      {links.map((l) => (
        <Link key={l.to + l.label} to={l.to}>
          <Button size="large" icon={l.icon} style={{ height: 52, fontSize: 17 }}>
            {t(l.label)}
          </Button>
        </Link>
      ))}
    </Flex>
  );
}

function OwnRecord() {
  const t = useT();
  const phone = useIsPhone();
  const lang = useLang();
  const { data, error } = useApi<PersonDetail>('/api/me/person');
  if (error) return <Alert type="error" title={errorText(error, lang)} />;
  if (!data) return <Spin />;
  return (
    <Card title={t('myRecord')} data-testid="own-record" size={phone ? 'small' : 'default'}>
      <Descriptions
        column={1}
        bordered
        size={phone ? 'small' : 'middle'}
        styles={{ label: { width: phone ? 88 : 140, whiteSpace: 'nowrap' } }}
      >
        <Descriptions.Item label={t('name')}>{data.name}</Descriptions.Item>
        <Descriptions.Item label={t('idNumber')}>{data.idNumber ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('phone')}>{data.phone ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('address')}>{data.address ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('grid')}>{placeOf(data)}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

function AuditorStatus() {
  const t = useT();
  const verdict = useApi<Verdict>('/api/audit/verify');
  return (
    <Card title={t('chainStatus')} size="small">
      {verdict.data ? <ChainVerdict verdict={verdict.data} /> : <Spin />}
    </Card>
  );
}

function ScopeOverview() {
  const t = useT();
  const lang = useLang();
  const f = useFormat();
  const { data, error } = useApi<Overview>('/api/stats/overview');
  if (error) return <Alert type="error" title={errorText(error, lang)} />;
  if (!data) return <Spin size="large" style={{ display: 'block', margin: '48px auto' }} />;
  const cards: Array<[MessageKey, string]> = [
    ['population', f.number(data.population)],
    ['households', f.number(data.households)],
    ['aged60Share', f.percent(data.aged60Share)],
    ['elderlyAlone', f.number(data.elderlyAlone)],
    ['disabled', f.number(data.disabled)],
    ['lowIncome', f.number(data.lowIncome)],
    ['floating', f.number(data.floating)],
    ['facilities', f.number(data.facilities)],
    ['buildings', f.number(data.buildings)],
  ];
  // A grid worker's scope is one grid: counting grids tells them nothing.
  if (data.grids > 1) cards.push(['grids', f.number(data.grids)]);
  return (
    <Flex vertical gap={16} data-testid="overview">
      <Row gutter={[12, 12]}>
        {cards.map(([key, value]) => (
          <Col xs={12} sm={8} lg={6} xl={4} key={key}>
            <Card size="small" style={{ height: '100%' }}>
              <Statistic title={<span style={{ fontSize: 15 }}>{t(key)}</span>} value={value} />
            </Card>
          </Col>
        ))}
      </Row>
      <Card title={t('ageBands')}>
        <Suspense fallback={<Spin style={{ display: 'block', margin: '100px auto' }} />}>
          <AgeChart bands={data.ageBands} />
        </Suspense>
      </Card>
    </Flex>
  );
}

export function HomePage({ account }: { account: Account }) {
  const t = useT();
  const can = (p: Permission) => account.permissions.includes(p);
  return (
    <Flex vertical gap={16}>
      <Typography.Title level={2} style={{ margin: 0 }} data-testid="home-title">
        {can('stats:read')
          ? t('overviewOf', { scope: account.scopeName })
          : t('welcome', { name: account.displayName })}
      </Typography.Title>
      <QuickLinks account={account} />
      {can('audit:read') && <AuditorStatus />}
      {can('self:read') && <OwnRecord />}
      {can('stats:read') && <ScopeOverview />}
    </Flex>
  );
}
