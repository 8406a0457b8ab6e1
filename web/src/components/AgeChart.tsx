// The age structure of the viewer's scope as a bar chart. Only the ECharts parts in use are bundled.
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useMemo } from 'react';
import { useChart } from './use-chart.ts';

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

export function AgeChart({
  bands,
  height = 280,
}: {
  bands: Array<{ band: string; count: number }>;
  height?: number;
}) {
  const option = useMemo((): echarts.EChartsCoreOption => {
    return {
      animation: false,
      tooltip: { trigger: 'axis' },
      grid: { left: 8, right: 8, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: bands.map((b) => b.band), axisLabel: { fontSize: 14 } },
      yAxis: { type: 'value', axisLabel: { fontSize: 13 } },
      series: [
        {
          type: 'bar',
          data: bands.map((b) => b.count),
          itemStyle: { color: '#1f6feb', borderRadius: [4, 4, 0, 0] },
          label: { show: true, position: 'top', fontSize: 14 },
          barMaxWidth: 64,
        },
      ],
    };
  }, [bands]);
  const ref = useChart(option);
  return <div ref={ref} style={{ height }} data-testid="age-chart" />;
}
