// A device's recent readings as lines over time, one per numeric metric (true/false as 1/0, so an alarm shows as
// a step). Only the ECharts parts in use are bundled.
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useMemo } from 'react';
import { useChart } from '../../components/use-chart.ts';
import type { Readings } from './types.ts';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export function ReadingsChart({
  readings,
  metricName,
  height = 280,
}: {
  readings: Readings['items'];
  /** A metric's name in words, with its unit. */
  metricName: (metric: string) => string;
  height?: number;
}) {
  const option = useMemo((): echarts.EChartsCoreOption => {
    // The API answers newest first; the chart reads left to right.
    const ordered = [...readings].reverse();
    const metrics = [
      ...new Set(
        ordered.flatMap((r) =>
          Object.entries(r.values)
            .filter(([, v]) => typeof v !== 'string')
            .map(([k]) => k),
        ),
      ),
    ];
    return {
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'time' },
      yAxis: { type: 'value' },
      series: metrics.map((m) => ({
        name: metricName(m),
        type: 'line',
        showSymbol: ordered.length < 60,
        step: ordered.some((r) => typeof r.values[m] === 'boolean') ? 'end' : undefined,
        data: ordered
          .filter((r) => r.values[m] !== undefined)
          .map((r) => [r.ts, typeof r.values[m] === 'boolean' ? (r.values[m] ? 1 : 0) : r.values[m]]),
      })),
    };
  }, [readings, metricName]);
  const ref = useChart(option);
  return <div ref={ref} style={{ height }} data-testid="readings-chart" />;
}
