import { Alert, Card, Col, Descriptions, Row, Statistic } from 'antd';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import { type Account, ApiError, api } from '../api.ts';
import { type MessageKey, useT } from '../i18n.tsx';

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

interface Overview {
  scopeName: string;
  population: number;
  households: number;
  grids: number;
  aged60Share: number;
  elderlyAlone: number;
  disabled: number;
  lowIncome: number;
  facilities: number;
  ageBands: Array<{ band: string; count: number }>;
}

function AgeChart({ bands }: { bands: Overview['ageBands'] }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    chart.setOption({
      animationDuration: 300,
      tooltip: {},
      grid: { left: 60, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: bands.map((b) => b.band) },
      yAxis: { type: 'value' },
      series: [{ type: 'bar', data: bands.map((b) => b.count), itemStyle: { color: '#1f6feb' } }],
    });
    const resize = () => chart.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      chart.dispose();
    };
  }, [bands]);
  return <div ref={ref} style={{ height: 260 }} />;
}

function ResidentHome() {
  const [me, setMe] = useState<Record<string, unknown> | null>(null);
  useEffect(() => {
    api<Record<string, unknown>>('/api/me/person')
      .then(setMe)
      .catch(() => setMe(null));
  }, []);
  if (!me) return null;
  return (
    <Card title="我的档案 My record">
      <Descriptions column={1} bordered size="middle">
        <Descriptions.Item label="姓名">{String(me['name'])}</Descriptions.Item>
        <Descriptions.Item label="身份证号">{String(me['idNumber'] ?? '')}</Descriptions.Item>
        <Descriptions.Item label="电话">{String(me['phone'] ?? '')}</Descriptions.Item>
        <Descriptions.Item label="住址">{String(me['address'] ?? '')}</Descriptions.Item>
      </Descriptions>
    </Card>
  );
}

export function HomePage({ account }: { account: Account }) {
  const t = useT();
  const [overview, setOverview] = useState<Overview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!account.permissions.includes('stats:read')) return;
    api<Overview>('/api/stats/overview')
      .then(setOverview)
      .catch((e) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [account]);
  if (account.role === 'resident') return <ResidentHome />;
  if (!account.permissions.includes('stats:read'))
    return <Alert type="info" message={`${account.displayName} · ${account.scopeName}`} />;
  if (error) return <Alert type="error" message={error} />;
  if (!overview) return null;
  const cards: Array<[MessageKey, number | string]> = [
    ['population', overview.population.toLocaleString()],
    ['households', overview.households.toLocaleString()],
    ['aged60', `${(overview.aged60Share * 100).toFixed(1)}%`],
    ['elderlyAlone', overview.elderlyAlone.toLocaleString()],
    ['disabled', overview.disabled.toLocaleString()],
    ['lowIncome', overview.lowIncome.toLocaleString()],
    ['facilities', overview.facilities.toLocaleString()],
    ['grids', overview.grids.toLocaleString()],
  ];
  return (
    <div data-testid="overview">
      <h2 style={{ marginTop: 0 }}>{overview.scopeName}</h2>
      <Row gutter={[12, 12]}>
        {cards.map(([key, value]) => (
          <Col xs={12} md={6} key={key}>
            <Card size="small">
              <Statistic title={t(key)} value={value} />
            </Card>
          </Col>
        ))}
      </Row>
      <Card title={t('ageBands')} style={{ marginTop: 12 }}>
        <AgeChart bands={overview.ageBands} />
      </Card>
    </div>
  );
}
