import * as echarts from 'echarts';
import type { EChartsOption } from 'echarts';

/** Draws a chart on the server as SVG text (ECharts' server-side rendering), for the PDF. */
export function chartSvg(option: EChartsOption, width: number, height: number): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: 'Helvetica' }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
