// Care hours allocated across communities by need with an equity floor, the efficiency–equity curve that shows
// what each point of minimum share costs, and the communities' DEA efficiency with the peers to learn from.
import {
  Alert,
  Button,
  Card,
  Flex,
  InputNumber,
  Select,
  Space,
  Statistic,
  Table,
  Tag,
  Typography,
} from 'antd';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useMemo, useState } from 'react';
import { api, download, errorText } from '../../api.ts';
import { useChart } from '../../components/use-chart.ts';
import { useApi } from '../../hooks.ts';
import { useLang, useT } from '../../i18n/index.tsx';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, CanvasRenderer]);

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
  const option = useMemo((): echarts.EChartsCoreOption => {
    return {
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
    };
  }, [points]);
  const ref = useChart(option);
  return <div ref={ref} style={{ height: 260 }} data-testid="supply-curve" />;
}

interface Indicators {
  xAxis: { data: string[] };
  series: { name: string; nameEn: string; type: 'bar' | 'line'; data: (number | null)[] }[];
}

/** One indicator per community at a time (their units differ: counts, hours, yuan, a 1–5 rating). */
function IndicatorChart({ data }: { data: Indicators }) {
  const t = useT();
  const lang = useLang();
  const [index, setIndex] = useState(0);
  const series = data.series[index] ?? data.series[0];
  const option = useMemo((): echarts.EChartsCoreOption | null => {
    if (!series) return null;
    return {
      animation: false,
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      xAxis: {
        type: 'category',
        data: data.xAxis.data,
        axisLabel: { fontSize: 12, interval: 0, rotate: 30 },
      },
      yAxis: { type: 'value', axisLabel: { fontSize: 13 } },
      series: [
        {
          type: 'bar',
          data: series.data,
          color: '#1f6feb',
          name: lang === 'en' ? series.nameEn : series.name,
        },
      ],
    };
  }, [data, series, lang]);
  const ref = useChart(option);
  return (
    <Flex vertical gap={8}>
      <Space>
        <span>{t('supplyIndicator')}</span>
        <Select
          style={{ width: 200 }}
          value={index}
          onChange={setIndex}
          options={data.series.map((x, i) => ({ value: i, label: lang === 'en' ? x.nameEn : x.name }))}
          data-testid="supply-indicator-select"
        />
      </Space>
      <div ref={ref} style={{ height: 280 }} data-testid="supply-indicators" />
    </Flex>
  );
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
  const indicators = useApi<Indicators>(`/api/evaluation/indicators?year=${year}`);
  const [exportProblem, setExportProblem] = useState<string | null>(null);
  const exportReport = async (kind: 'xlsx' | 'pdf') => {
    setExportProblem(null);
    try {
      await download(`/api/evaluation/report.${kind}?year=${year}`, `community-report-${year}.${kind}`);
    } catch (e) {
      setExportProblem(errorText(e, lang));
    }
  };

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
        {problem && <Alert type="error" showIcon title={problem} data-testid="supply-allocation-error" />}
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
            <Button onClick={() => exportReport('xlsx')} data-testid="supply-export-xlsx">
              {t('supplyExportXlsx')}
            </Button>
            <Button onClick={() => exportReport('pdf')} data-testid="supply-export-pdf">
              {t('supplyExportPdf')}
            </Button>
          </Space>
        }
      >
        {exportProblem ? <Alert type="error" showIcon title={exportProblem} /> : null}
        {dea.error ? <Alert type="warning" showIcon title={errorText(dea.error, lang)} /> : null}
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
      <Card title={t('supplyIndicatorsTitle')}>
        {indicators.error ? (
          <Alert type="warning" showIcon title={errorText(indicators.error, lang)} />
        ) : null}
        {indicators.data && indicators.data.xAxis.data.length > 0 && (
          <IndicatorChart data={indicators.data} />
        )}
      </Card>
    </Flex>
  );
}
