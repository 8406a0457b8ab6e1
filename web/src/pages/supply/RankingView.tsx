// A ranking of providers explained: a stacked bar of each provider's weighted score components, and a table with
// every component's weight, score, contribution, raw value and reason. Choosing any provider but the top eligible
// one is an override and asks for a reason before it is sent (the server insists too and records it).
import { Alert, Button, Flex, Input, Modal, Table, Tag, Tooltip, Typography } from 'antd';
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useMemo, useState } from 'react';
import type { Explained, RankedProvider } from '../../../../src/domains/supply/provider-score.ts';
import { errorText } from '../../api.ts';
import { useChart } from '../../components/use-chart.ts';
import { type Lang, type MessageKey, useLang, useT } from '../../i18n/index.tsx';
import { CATEGORIES, categoryLabel } from './supply-labels.ts';

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

// The server's own shapes (type-only: nothing of the server reaches the bundle).
export type { Explained, RankedProvider } from '../../../../src/domains/supply/provider-score.ts';

export interface Ranking {
  weights: Record<string, number>;
  ranking: RankedProvider[];
}

export const COMPONENTS = [
  'qualification',
  'category',
  'distance',
  'capacity',
  'price',
  'rating',
  'performance',
] as const;

const COMPONENT_LABEL: Record<(typeof COMPONENTS)[number], MessageKey> = {
  qualification: 'supplyCompQualification',
  category: 'supplyCompCategory',
  distance: 'supplyCompDistance',
  capacity: 'supplyCompCapacity',
  price: 'supplyCompPrice',
  rating: 'supplyCompRating',
  performance: 'supplyCompPerformance',
};

const COLORS = ['#1f6feb', '#2da44e', '#bf8700', '#8250df', '#cf222e', '#0a7d8c', '#9a6700'];

export function componentLabel(t: ReturnType<typeof useT>, component: string): string {
  const key = COMPONENT_LABEL[component as (typeof COMPONENTS)[number]];
  return key ? t(key) : component;
}

/** The server's reason in the viewer's language, with category codes (elderly_care…) given their names. */
const explained = (e: Explained, lang: Lang) =>
  (lang === 'en' ? e.en : e.zh).replace(/\b[a-z]+(?:_[a-z]+)*\b/g, (code) =>
    CATEGORIES.includes(code) ? categoryLabel(code, lang) : code,
  );

function ScoreChart({ ranking }: { ranking: RankedProvider[] }) {
  const t = useT();
  const option = useMemo((): echarts.EChartsCoreOption => {
    // Best at the top: a horizontal bar chart draws its first category at the bottom.
    const rows = [...ranking].reverse();
    return {
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0, textStyle: { fontSize: 13 } },
      grid: { left: 8, right: 24, top: 56, bottom: 8, containLabel: true },
      xAxis: { type: 'value', min: 0, max: 1, axisLabel: { fontSize: 12 } },
      yAxis: {
        type: 'category',
        data: rows.map((r) => `${r.rank}. ${r.name}${r.eligible ? '' : ' ⚠'}`),
        axisLabel: { fontSize: 13, width: 220, overflow: 'truncate' },
      },
      series: COMPONENTS.map((c, i) => ({
        name: componentLabel(t, c),
        type: 'bar',
        stack: 'score',
        color: COLORS[i],
        data: rows.map(
          (r) => Math.round((r.components.find((x) => x.component === c)?.contribution ?? 0) * 1000) / 1000,
        ),
      })),
    };
  }, [ranking, t]);
  const ref = useChart(option);
  return <div ref={ref} style={{ height: 90 + 40 * ranking.length }} data-testid="supply-score-chart" />;
}

interface Props {
  data: Ranking;
  /** The label of the choose button (定标 / 选定). */
  chooseLabel: string;
  /** null: nothing may be chosen (already awarded, or no right to choose). */
  onChoose: ((providerId: number, reason: string | undefined) => Promise<void>) | null;
}

export function RankingView({ data, chooseLabel, onChoose }: Props) {
  const t = useT();
  const lang = useLang();
  const top = data.ranking[0]?.eligible ? data.ranking[0] : undefined;
  const [override, setOverride] = useState<RankedProvider | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const send = async (providerId: number, why: string | undefined) => {
    if (!onChoose) return;
    setBusy(true);
    setProblem(null);
    try {
      await onChoose(providerId, why);
      setOverride(null);
      setReason('');
    } catch (e) {
      setProblem(errorText(e, lang));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex vertical gap={12}>
      <Typography.Text type="secondary">
        {t('supplyWeights')}：
        {COMPONENTS.map((c) => `${componentLabel(t, c)} ${((data.weights[c] ?? 0) * 100).toFixed(0)}%`).join(
          '，',
        )}
      </Typography.Text>
      {data.ranking.length === 0 ? (
        <Alert type="info" showIcon title={t('supplyNoCandidates')} />
      ) : (
        <ScoreChart ranking={data.ranking} />
      )}
      {problem && !override && (
        <Alert type="error" showIcon title={problem} data-testid="supply-choose-error" />
      )}
      <Table
        size="small"
        rowKey="providerId"
        data-testid="supply-ranking"
        pagination={false}
        dataSource={data.ranking}
        expandable={{
          expandedRowRender: (r) => (
            <Table
              size="small"
              rowKey="component"
              pagination={false}
              data-testid={`supply-components-${r.providerId}`}
              dataSource={r.components}
              columns={[
                { title: t('supplyComponent'), render: (_, c) => componentLabel(t, c.component) },
                { title: t('supplyWeight'), render: (_, c) => `${(c.weight * 100).toFixed(0)}%` },
                { title: t('supplyComponentScore'), render: (_, c) => c.score.toFixed(2) },
                { title: t('supplyContribution'), render: (_, c) => c.contribution.toFixed(3) },
                { title: t('supplyReason'), render: (_, c) => explained(c.why, lang) },
              ]}
            />
          ),
          rowExpandable: () => true,
        }}
        columns={[
          { title: t('supplyRank'), dataIndex: 'rank', width: 56 },
          { title: t('supplyProviderName'), dataIndex: 'name' },
          {
            title: t('supplyTotalScore'),
            width: 72,
            render: (_, r) => (
              <Typography.Text strong style={{ whiteSpace: 'nowrap' }}>
                {r.score.toFixed(3)}
              </Typography.Text>
            ),
          },
          ...COMPONENTS.map((c) => ({
            title: componentLabel(t, c),
            key: c,
            render: (_: unknown, r: RankedProvider) => {
              const x = r.components.find((y) => y.component === c);
              return x ? (
                <Tooltip title={explained(x.why, lang)}>
                  <span>{x.contribution.toFixed(3)}</span>
                </Tooltip>
              ) : (
                '—'
              );
            },
          })),
          {
            title: t('supplyEligibility'),
            width: 200,
            render: (_, r) =>
              r.eligible ? (
                <Tag color="green">{t('supplyEligible')}</Tag>
              ) : (
                <Flex vertical gap={2}>
                  {r.blockers.map((b) => (
                    <Tag color="red" key={b.zh} style={{ whiteSpace: 'normal' }}>
                      {explained(b, lang)}
                    </Tag>
                  ))}
                </Flex>
              ),
          },
          ...(onChoose
            ? [
                {
                  title: '',
                  key: 'choose',
                  render: (_: unknown, r: RankedProvider) => (
                    <Button
                      size="small"
                      type={r.providerId === top?.providerId ? 'primary' : 'default'}
                      loading={busy && !override}
                      data-testid={`supply-choose-${r.providerId}`}
                      onClick={() => {
                        setProblem(null);
                        if (r.providerId === top?.providerId) void send(r.providerId, undefined);
                        else setOverride(r);
                      }}
                    >
                      {chooseLabel}
                    </Button>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Modal
        open={override !== null}
        title={t('supplyOverrideTitle')}
        okText={chooseLabel}
        cancelText={t('supplyCancel')}
        confirmLoading={busy}
        okButtonProps={{ disabled: reason.trim().length < 2, 'data-testid': 'supply-override-ok' } as never}
        onOk={() => override && void send(override.providerId, reason.trim())}
        onCancel={() => {
          setOverride(null);
          setProblem(null);
        }}
      >
        <Flex vertical gap={8}>
          <Typography.Text>
            {top
              ? t('supplyOverrideTop', { top: top.name, chosen: override?.name ?? '' })
              : t('supplyOverrideNoTop', { chosen: override?.name ?? '' })}
          </Typography.Text>
          <Input.TextArea
            rows={3}
            maxLength={1000}
            value={reason}
            placeholder={t('supplyOverrideReason')}
            onChange={(e) => setReason(e.target.value)}
            data-testid="supply-override-reason"
          />
          <Typography.Text type="secondary">{t('supplyOverrideAudit')}</Typography.Text>
          {problem && <Alert type="error" showIcon title={problem} />}
        </Flex>
      </Modal>
    </Flex>
  );
}
