// One category's requests per period: the history as a solid line, the forecast as a dashed line continuing it,
// and the forecast's range as a shaded band. Only the ECharts parts in use are bundled.
import { LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useMemo } from 'react';
import { useChart } from '../../components/use-chart.ts';

echarts.use([LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface ForecastChartProps {
  observed: Array<{ period: string; value: number }>;
  forecast: Array<{ period: string; value: number; lower: number; upper: number }>;
  names: { history: string; forecast: string; band: string };
  height?: number;
}

export function ForecastChart({ observed, forecast, names, height = 320 }: ForecastChartProps) {
  const option = useMemo((): echarts.EChartsCoreOption => {
    const periods = [...observed.map((p) => p.period), ...forecast.map((p) => p.period)];
    const pad = (n: number) => Array<null>(n).fill(null);
    const last = observed.at(-1);
    // The forecast line starts at the last observed point so the two lines join.
    const forecastLine = [
      ...pad(Math.max(0, observed.length - 1)),
      last?.value ?? null,
      ...forecast.map((p) => p.value),
    ];
    const lower = [...pad(observed.length), ...forecast.map((p) => Math.max(0, p.lower))];
    const width = [...pad(observed.length), ...forecast.map((p) => p.upper - Math.max(0, p.lower))];
    return {
      animation: false,
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: [names.history, names.forecast, names.band] },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: periods },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        {
          name: names.history,
          type: 'line',
          data: [...observed.map((p) => p.value), ...pad(forecast.length)],
          showSymbol: false,
          itemStyle: { color: '#1f6feb' },
        },
        {
          name: names.forecast,
          type: 'line',
          data: forecastLine,
          lineStyle: { type: 'dashed' },
          itemStyle: { color: '#d4380d' },
        },
        {
          name: 'lower',
          type: 'line',
          data: lower,
          stack: 'band',
          lineStyle: { opacity: 0 },
          symbol: 'none',
          tooltip: { show: false },
        },
        {
          name: names.band,
          type: 'line',
          data: width,
          stack: 'band',
          lineStyle: { opacity: 0 },
          symbol: 'none',
          areaStyle: { color: 'rgba(212, 56, 13, 0.15)' },
          itemStyle: { color: 'rgba(212, 56, 13, 0.4)' },
        },
      ],
    };
  }, [observed, forecast, names]);
  const ref = useChart(option);
  return <div ref={ref} style={{ height }} data-testid="forecast-chart" />;
}
