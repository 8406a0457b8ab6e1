// One ECharts chart on a div: drawn from an option, resized with the div's box (the console's columns and the
// phone layout change width without a window resize), and disposed when the option changes or the div goes.
// Each chart file still registers the chart types and components it uses with echarts.use.
import * as echarts from 'echarts/core';
import { type RefObject, useEffect, useRef } from 'react';

/**
 * The ref to put on the chart's div. `option` is drawn on a new chart each time it changes (make it with useMemo
 * over what the chart shows); null draws nothing.
 */
export function useChart(option: echarts.EChartsCoreOption | null): RefObject<HTMLDivElement | null> {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!ref.current || !option) return;
    const chart = echarts.init(ref.current);
    chart.setOption(option);
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      chart.dispose();
    };
  }, [option]);
  return ref;
}
