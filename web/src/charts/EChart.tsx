import { useEffect, useRef } from 'react';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import type { EChartsCoreOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

// Only the charts and parts the report draws, so the bundle carries nothing else.
echarts.use([BarChart, LineChart, PieChart, AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

/** What a click on a bar or a slice names. */
export interface ChartClick {
  name: string;
  seriesName: string | undefined;
  dataIndex: number;
}

export interface EChartProps {
  option: EChartsCoreOption;
  height?: number;
  /** Accessible name of the chart; ECharts adds a description of its data. */
  label: string;
  onClick?: (event: ChartClick) => void;
  testId?: string;
}

/**
 * An ECharts chart drawn as SVG (sharp at any zoom, and its text is in the page for screen
 * readers and tests), resized with its container.
 */
export function EChart({ option, height = 300, label, onClick, testId }: EChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onClick);
  useEffect(() => {
    clickRef.current = onClick;
  }, [onClick]);

  useEffect(() => {
    const el = element.current!;
    const instance = echarts.init(el, null, { renderer: 'svg' });
    chart.current = instance;
    instance.on('click', (params) => {
      const p = params as { name: string; seriesName?: string; dataIndex: number };
      clickRef.current?.({ name: p.name, seriesName: p.seriesName, dataIndex: p.dataIndex });
    });
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ aria: { enabled: true }, animation: false, ...option }, { notMerge: true });
  }, [option]);

  return <div ref={element} role="img" aria-label={label} data-testid={testId} style={{ width: '100%', height, cursor: onClick ? 'pointer' : 'default' }} />;
}
