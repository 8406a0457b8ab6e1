// Care hours allocated across communities by need with an equity floor, the efficiency–equity curve that shows
// what each point of minimum share costs, and the communities' DEA efficiency with the peers to learn from.
import { Alert, Button, Card, Flex, InputNumber, Space, Statistic, Table, Tag, Typography } from 'antd';
import { LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, useState } from 'react';
import { api, errorText } from '../../api.ts';
import { useApi } from '../../hooks.ts';
import { useLang, useT } from '../../i18n/index.tsx';

echarts.use([LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

interface Allocation {
  objective: number;
  needMet: number;
  totalNeed: number;
  minGroupShare: number;
  groups: { path: string; name: string; need: number; allocated: number; share: number }[];
  curve: { minShare: number; objective: number | null; status: string }[] | null;
}

interface Dea {
  units: {
    id: string;
    name: string;
    status: string;
    efficiency: number | null;
    peers: { id: string; name: string; lambda: number }[];
  }[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function CurveChart({ points }: { points: NonNullable<Allocation['curve']> }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: points.map((p) => pct(p.minShare)),
        name: '',
        axisLabel: { fontSize: 13 },
      },
      yAxis: { type: 'value', scale: true, axisLabel: { fontSize: 13 } },
      series: [{ type: 'line', data: points.map((p) => p.objective), symbolSize: 8, color: '#1f6feb' }],
    });
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [points]);
  return <div ref={ref} style={{ height: 260 }} data-testid="supply-curve" />;
}

export function SupplyEvaluationPage() {
  const t = useT();
  const lang = useLang();
  const [budget, setBudget] = useState(2000);
  const [minShare, setMinShare] = useState(0.3);
  const [result, setResult] = useState<Allocation | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [year, setYear] = useState(new Date().getFullYear() - 1);
  const dea = useApi<Dea>(`/api/evaluation/dea/communities?year=${year}&model=ccr&orientation=input`);

  const run = async () => {
    setBusy(true);
    setProblem(null);
    try {
      setResult(
        await api<Allocation>('/api/supply/allocations', {
          method: 'POST',
          body: { budget, minShare, curve: 6 },
        }),
      );
    } catch (e) {
      setResult(null);
      setProblem(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex vertical gap={16}>
      <Card title={t('supplyAllocationTitle')}>
        <Space wrap style={{ marginBottom: 12 }}>
          <span>{t('supplyBudget')}</span>
          <InputNumber
            min={0}
            value={budget}
            onChange={(v) => setBudget(v ?? 0)}
            data-testid="supply-budget"
          />
          <span>{t('supplyMinShare')}</span>
          <InputNumber
            min={0}
            max={1}
            step={0.05}
            value={minShare}
            onChange={(v) => setMinShare(v ?? 0)}
            data-testid="supply-min-share"
          />
          <Button type="primary" loading={busy} onClick={run} data-testid="supply-run-allocation">
            {t('supplyRunAllocation')}
          </Button>
        </Space>
        {problem && <Alert type="error" showIcon message={problem} data-testid="supply-allocation-error" />}
        {result && (
          <Flex gap={16} wrap>
            <Flex vertical style={{ flex: '1 1 360px' }} gap={8}>
              <Flex gap={24}>
                <Statistic title={t('supplyObjective')} value={Math.round(result.objective)} />
                <Statistic title={t('supplyMinGroupShare')} value={pct(result.minGroupShare)} />
              </Flex>
              <Table
                size="small"
                rowKey="path"
                pagination={{ pageSize: 8 }}
                dataSource={result.groups}
                columns={[
                  { title: t('supplyArea'), dataIndex: 'name' },
                  { title: t('supplyNeed'), render: (_, g) => Math.round(g.need) },
                  { title: t('supplyAllocated'), render: (_, g) => Math.round(g.allocated) },
                  { title: t('supplyShare'), render: (_, g) => pct(g.share) },
                ]}
              />
            </Flex>
            {result.curve && (
              <Flex vertical style={{ flex: '1 1 360px' }}>
                <Typography.Text strong>{t('supplyCurveTitle')}</Typography.Text>
                <CurveChart points={result.curve} />
              </Flex>
            )}
          </Flex>
        )}
      </Card>
      <Card
        title={t('supplyDeaTitle')}
        extra={
          <Space>
            <span>{t('supplyYear')}</span>
            <InputNumber min={2000} max={2100} value={year} onChange={(v) => setYear(v ?? year)} />
          </Space>
        }
      >
        {dea.error ? <Alert type="warning" showIcon message={errorText(dea.error, lang)} /> : null}
        <Table
          size="small"
          rowKey="id"
          data-testid="supply-dea"
          pagination={{ pageSize: 10 }}
          dataSource={[...(dea.data?.units ?? [])].sort((a, b) => (a.efficiency ?? 0) - (b.efficiency ?? 0))}
          columns={[
            { title: t('supplyArea'), dataIndex: 'name' },
            {
              title: t('supplyEfficiency'),
              render: (_, u) => (u.efficiency === null ? '—' : u.efficiency.toFixed(3)),
            },
            {
              title: t('supplyStatus'),
              render: (_, u) =>
                u.status === 'efficient' ? (
                  <Tag color="green">{t('supplyEfficient')}</Tag>
                ) : (
                  <Tag color="orange">{t('supplyInefficient')}</Tag>
                ),
            },
            {
              title: t('supplyPeers'),
              render: (_, u) => u.peers.map((p) => `${p.name} (${p.lambda.toFixed(2)})`).join('、'),
            },
          ]}
        />
      </Card>
    </Flex>
  );
}
