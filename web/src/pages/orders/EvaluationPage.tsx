// The 接诉即办 evaluation dashboard: response, resolution and satisfaction rates and the composite score per unit,
// street, community, grid or category over a period, ranked; the monthly trend of the whole area or of one row;
// 每月一题 (the most frequent problems of each month and where they cluster); hot spots on the map. A figure links
// to the orders behind it (the order list with the same filters).
import { DownloadOutlined, SettingOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, DatePicker, Flex, Row, Segmented, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { type Account, errorText, withQuery } from '../../api.ts';
import { useChart } from '../../components/use-chart.ts';
import { useApi, useIsPhone } from '../../hooks.ts';
import { codedLabel } from '../../i18n/coded-label.ts';
import { useFormat, useLang, useT } from '../../i18n/index.tsx';
import { escapeCell } from './csv.ts';
import { type HotspotCollection, OrdersMap } from './OrdersMap.tsx';
import type { AppliedWeights, DistrictWeights, RateRow, Rates, TopProblem } from './types.ts';
import { WeightsModal } from './WeightsModal.tsx';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

const DIMENSIONS = ['unit', 'street', 'community', 'grid', 'category'] as const;
type Dimension = (typeof DIMENSIONS)[number];

function TrendChart({ rows, labels }: { rows: RateRow[]; labels: string[] }) {
  const option = useMemo((): echarts.EChartsCoreOption => {
    const pct = (v: number | null) => (v === null ? null : Number((v * 100).toFixed(1)));
    return {
      animation: false,
      tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v === null ? '—' : `${v}`) },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: rows.map((r) => r.key) },
      // From the nearest ten below the lowest figure: rates near 90 % would otherwise be a flat line at the top.
      yAxis: {
        type: 'value',
        min: (v: { min: number }) => Math.max(0, Math.floor(v.min / 10) * 10),
        max: 100,
      },
      series: [
        { name: labels[0], type: 'line', data: rows.map((r) => pct(r.responseRate)), connectNulls: true },
        { name: labels[1], type: 'line', data: rows.map((r) => pct(r.resolutionRate)), connectNulls: true },
        { name: labels[2], type: 'line', data: rows.map((r) => pct(r.satisfactionRate)), connectNulls: true },
        {
          name: labels[3],
          type: 'line',
          data: rows.map((r) => (r.score === null ? null : Number(r.score.toFixed(1)))),
          lineStyle: { width: 3 },
          connectNulls: true,
        },
      ],
    };
  }, [rows, labels]);
  const ref = useChart(option);
  return <div ref={ref} style={{ height: 300 }} data-testid="evaluation-trend" />;
}

/** The order list's address for the server's drill-down link (/api/requests?… → /orders?…). */
const drillTo = (apiPath: string) => apiPath.replace(/^\/api\/requests/, '/orders');

export function EvaluationPage({ account }: { account: Account }) {
  const t = useT();
  const lang = useLang();
  const format = useFormat();
  const isPhone = useIsPhone();
  const canOpenOrders = account.permissions.includes('request:read');
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [
    dayjs().subtract(11, 'month').startOf('month'),
    dayjs(),
  ]);
  const [dimension, setDimension] = useState<Dimension>('unit');
  const [picked, setPicked] = useState<RateRow | null>(null);
  const from = range[0].format('YYYY-MM-DD');
  const to = range[1].format('YYYY-MM-DD');
  const rates = useApi<Rates>(withQuery('/api/requests/evaluation', { dimension, from, to }));
  const districtWeights = useApi<DistrictWeights>('/api/requests/evaluation/weights');
  const [editingWeights, setEditingWeights] = useState(false);
  const trend = useApi<Rates>(
    withQuery('/api/requests/evaluation/trend', {
      interval: 'month',
      from,
      to,
      ...(picked ? { dimension, key: picked.key } : {}),
    }),
  );
  const problems = useApi<{ items: TopProblem[] }>(
    withQuery('/api/requests/evaluation/top-problems', { from, to, perMonth: 1 }),
  );
  const spots = useApi<HotspotCollection>(
    withQuery('/api/requests/hotspots.geojson', { from, to, minCount: 2 }),
  );
  // A new array only when the language changes, so the chart is not redrawn on every render.
  // biome-ignore lint/correctness/useExhaustiveDependencies: t follows lang
  const rateLabels = useMemo(
    () => [
      t('ordersEvalResponse'),
      t('ordersEvalResolution'),
      t('ordersEvalSatisfaction'),
      t('ordersEvalScore'),
    ],
    [lang],
  );

  const percent = (v: number | null, row: RateRow) => {
    const text = v === null ? '—' : format.percent(v);
    return canOpenOrders && v !== null ? <Link to={drillTo(row.drillDown)}>{text}</Link> : text;
  };

  const exportCsv = () => {
    const header = [
      t('ordersEvalRank'),
      t('ordersEvalName'),
      t('ordersEvalReceived'),
      t('ordersEvalResponse'),
      t('ordersEvalResolution'),
      t('ordersEvalSatisfaction'),
      t('ordersEvalScore'),
      t('ordersEvalVisited'),
    ];
    const pct = (v: number | null) => (v === null ? '' : (v * 100).toFixed(1));
    const lines = [
      header,
      ...(rates.data?.items ?? []).map((r) => [
        String(r.rank),
        r.name,
        String(r.received),
        pct(r.responseRate),
        pct(r.resolutionRate),
        pct(r.satisfactionRate),
        r.score === null ? '' : r.score.toFixed(1),
        String(r.visited),
      ]),
    ];
    const csv = `\uFEFF${lines.map((l) => l.map(escapeCell).join(',')).join('\r\n')}\r\n`;
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `evaluation-${dimension}-${from}-${to}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  /** 10 / 45 / 45: the weights the figures on screen were scored with, in the order of the columns. */
  const weightText = (w: AppliedWeights | DistrictWeights) =>
    `${w.response} / ${w.resolution} / ${w.satisfaction}`;
  const applied = rates.data?.weights;

  const error = rates.error ?? trend.error ?? problems.error ?? spots.error ?? districtWeights.error;
  return (
    <Flex vertical gap={16} data-testid="evaluation-page">
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('ordersEvalTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
        {t('ordersEvalIntro')}
      </Typography.Paragraph>
      <Flex gap={12} wrap align="center">
        <DatePicker.RangePicker
          picker="month"
          allowClear={false}
          value={range}
          onChange={(v) => {
            if (v?.[0] && v[1]) setRange([v[0].startOf('month'), v[1].endOf('month')]);
          }}
          aria-label={t('ordersEvalPeriod')}
        />
        <Segmented
          value={dimension}
          onChange={(v) => {
            setDimension(v as Dimension);
            setPicked(null);
          }}
          options={DIMENSIONS.map((d) => ({ value: d, label: codedLabel(t, 'ordersEvalDim_', d) }))}
          data-testid="evaluation-dimension"
        />
        <Button icon={<DownloadOutlined />} onClick={exportCsv} data-testid="evaluation-export">
          {t('ordersEvalExport')}
        </Button>
        {applied && (
          <Tag data-testid="evaluation-weights" color={districtWeights.data?.isDefault ? 'default' : 'blue'}>
            {t(districtWeights.data?.isDefault ? 'ordersEvalWeightsDefault' : 'ordersEvalWeightsDistrict', {
              weights: weightText(applied),
            })}
          </Tag>
        )}
        {districtWeights.data?.canEdit && (
          <Button
            icon={<SettingOutlined />}
            onClick={() => setEditingWeights(true)}
            data-testid="evaluation-weights-edit"
          >
            {t('ordersEvalWeightsEdit')}
          </Button>
        )}
      </Flex>
      {districtWeights.data && (
        <WeightsModal
          open={editingWeights}
          current={districtWeights.data}
          onClose={() => setEditingWeights(false)}
          onSaved={() => {
            setEditingWeights(false);
            districtWeights.reload();
            rates.reload();
            trend.reload();
          }}
        />
      )}
      {error !== undefined && error !== null && (
        <Alert type="error" showIcon title={errorText(error, lang)} />
      )}
      <Card size="small">
        <Table<RateRow>
          data-testid="evaluation-table"
          rowKey="key"
          size="small"
          loading={rates.loading}
          dataSource={rates.data?.items ?? []}
          locale={{ emptyText: t('ordersEvalNoData') }}
          pagination={{ pageSize: 10, showSizeChanger: false }}
          scroll={{ x: isPhone ? 760 : undefined }}
          rowClassName={(r) => (picked?.key === r.key ? 'ant-table-row-selected' : '')}
          onRow={(r) => ({
            onClick: () => setPicked(picked?.key === r.key ? null : r),
            style: { cursor: 'pointer' },
          })}
          columns={[
            { key: 'rank', title: t('ordersEvalRank'), dataIndex: 'rank', width: 64 },
            { key: 'name', title: t('ordersEvalName'), dataIndex: 'name' },
            {
              key: 'received',
              title: t('ordersEvalReceived'),
              align: 'right',
              render: (_, r) =>
                canOpenOrders ? (
                  <Link to={drillTo(r.drillDown)} onClick={(e) => e.stopPropagation()}>
                    {format.number(r.received)}
                  </Link>
                ) : (
                  format.number(r.received)
                ),
            },
            {
              key: 'response',
              title: t('ordersEvalResponse'),
              align: 'right',
              render: (_, r) => percent(r.responseRate, r),
            },
            {
              key: 'resolution',
              title: t('ordersEvalResolution'),
              align: 'right',
              render: (_, r) => percent(r.resolutionRate, r),
            },
            {
              key: 'satisfaction',
              title: t('ordersEvalSatisfaction'),
              align: 'right',
              render: (_, r) => percent(r.satisfactionRate, r),
            },
            {
              key: 'score',
              title: applied ? (
                <span>
                  {t('ordersEvalScore')}
                  <Typography.Text type="secondary" style={{ fontWeight: 'normal', marginLeft: 4 }}>
                    ({weightText(applied)})
                  </Typography.Text>
                </span>
              ) : (
                t('ordersEvalScore')
              ),
              align: 'right',
              render: (_, r) =>
                r.score === null ? '—' : <Typography.Text strong>{r.score.toFixed(1)}</Typography.Text>,
            },
            { key: 'visited', title: t('ordersEvalVisited'), align: 'right', dataIndex: 'visited' },
          ]}
        />
      </Card>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card
            size="small"
            title={picked ? t('ordersEvalTrendOf', { name: picked.name }) : t('ordersEvalTrend')}
          >
            <TrendChart rows={trend.data?.items ?? []} labels={rateLabels} />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card size="small" title={t('ordersEvalTopProblems')}>
            <Table<TopProblem>
              data-testid="evaluation-top-problems"
              rowKey={(r) => `${r.month}-${r.categoryCode}`}
              size="small"
              pagination={{ pageSize: 6, showSizeChanger: false }}
              dataSource={[...(problems.data?.items ?? [])].reverse()}
              locale={{ emptyText: t('ordersEvalNoData') }}
              columns={[
                { key: 'month', title: t('ordersEvalMonth'), dataIndex: 'month', width: 90 },
                {
                  key: 'category',
                  title: t('ordersCategory'),
                  render: (_, r) =>
                    canOpenOrders ? (
                      <Link
                        to={withQuery('/orders', {
                          categoryCode: r.categoryCode,
                          from: `${r.month}-01`,
                          to: dayjs(`${r.month}-01`).endOf('month').format('YYYY-MM-DD'),
                        })}
                      >
                        {r.categoryName}
                      </Link>
                    ) : (
                      r.categoryName
                    ),
                },
                { key: 'count', title: t('ordersEvalCount'), dataIndex: 'count', align: 'right', width: 70 },
                {
                  key: 'where',
                  title: t('ordersEvalWhere'),
                  render: (_, r) => `${r.topCommunityName}（${r.topCommunityCount}）`,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
      <Card
        size="small"
        title={t('ordersEvalHotspots')}
        extra={<Typography.Text type="secondary">{t('ordersEvalHotspotsHint')}</Typography.Text>}
      >
        <OrdersMap hotspots={spots.data ?? null} height={isPhone ? 300 : 420} testId="evaluation-hotspots" />
      </Card>
    </Flex>
  );
}
