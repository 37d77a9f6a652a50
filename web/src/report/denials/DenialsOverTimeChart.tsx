import { useMemo } from 'react';
import type { DenialsOverTime } from '../../../../src/warehouse/queries/get-denials-over-time.js';
import { EChart } from '../../charts/EChart.js';
import { bucketLabel, timeChartOption } from '../overview/usage-series.js';
import { denialColor } from './denial-colors.js';

/** Denials per period, stacked by status code. */
export function DenialsOverTimeChart({ data }: { data: DenialsOverTime }) {
  const option = useMemo(() => {
    const buckets = [...new Set(data.rows.map((r) => r.bucketStart))].sort();
    const codes = [...new Set(data.rows.map((r) => r.code))].sort((a, b) => a - b);
    const index = new Map(buckets.map((b, i) => [b, i]));
    const series = codes.map((code) => {
      const values = buckets.map(() => 0);
      for (const r of data.rows) if (r.code === code) values[index.get(r.bucketStart)!] = r.count;
      return { type: 'bar', stack: 'denials', name: `Code ${code}`, data: values, itemStyle: { color: denialColor(code) } };
    });
    return timeChartOption(buckets.map((b) => bucketLabel(b, data.bucket)), 'Denials', series);
  }, [data]);
  return <EChart option={option} label="Denials over time by status code" testId="denials-over-time-chart" />;
}
