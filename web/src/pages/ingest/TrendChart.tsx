// Quality rates over the runs of a source, one line per figure, with the threshold as a dashed line when a
// single figure is shown. Only the ECharts parts in use are bundled.
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useMemo } from 'react';
import { useChart } from '../../components/use-chart.ts';

echarts.use([LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

export interface TrendSeries {
  name: string;
  points: Array<{ runId: number; rate: number | null }>;
  threshold?: number | null;
}

export function TrendChart({
  series,
  runLabel,
  height = 260,
}: {
  series: TrendSeries[];
  runLabel: (runId: number) => string;
  height?: number;
}) {
  const option = useMemo((): echarts.EChartsCoreOption => {
    const runs = [...new Set(series.flatMap((s) => s.points.map((p) => p.runId)))].sort((a, b) => a - b);
    return {
      animation: false,
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: number | null) => (v === null || v === undefined ? '—' : `${v.toFixed(1)}%`),
      },
      legend: { type: 'scroll', top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: runs.map(runLabel) },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: series.map((s) => {
        const byRun = new Map(s.points.map((p) => [p.runId, p.rate]));
        return {
          name: s.name,
          type: 'line',
          connectNulls: true,
          data: runs.map((r) => {
            const v = byRun.get(r);
            return v === undefined || v === null ? null : Math.round(v * 1000) / 10;
          }),
          ...(series.length === 1 && s.threshold != null
            ? {
                markLine: {
                  symbol: 'none',
                  lineStyle: { type: 'dashed', color: '#cf1322' },
                  data: [{ yAxis: s.threshold * 100 }],
                  label: { formatter: `${Math.round(s.threshold * 100)}%` },
                },
              }
            : {}),
        };
      }),
    };
  }, [series, runLabel]);
  const ref = useChart(option);
  return <div ref={ref} style={{ height }} data-testid="ingest-trend" />;
}
