import { useMemo } from 'react';
import type { DenialsOverTime } from '../../../../src/warehouse/queries/get-denials-over-time.js';
import { EChart } from '../../charts/EChart.js';
import { bucketLabel, timeChartOption } from '../overview/usage-series.js';
import { useDenialLook } from './denial-colors.js';
import { DenialLegend } from './DenialLegend.js';

/** Denials per period, stacked by reason in each reason's colour. */
export function DenialsOverTimeChart({ data }: { data: DenialsOverTime }) {
  const look = useDenialLook();
  const option = useMemo(() => {
    const buckets = [...new Set(data.rows.map((r) => r.bucketStart))].sort();
    const codes = [...new Set(data.rows.map((r) => r.code))].sort((a, b) => a - b);
    const index = new Map(buckets.map((b, i) => [b, i]));
    const series = codes.map((code) => {
      const values = buckets.map(() => 0);
      for (const r of data.rows) if (r.code === code) values[index.get(r.bucketStart)!] = r.count;
      return { type: 'bar', stack: 'denials', name: look.label(code), data: values, itemStyle: { color: look.color(code) } };
    });
    // The legend of its own under the chart lists every code.
    return { ...timeChartOption(buckets.map((b) => bucketLabel(b, data.bucket)), 'Denials', series), legend: { show: false }, grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true } };
  }, [data, look]);
  const codes = useMemo(() => [...new Set(data.rows.map((r) => r.code))].sort((a, b) => a - b), [data]);
  return (
    <>
      <EChart option={option} label="Denials over time by reason" testId="denials-over-time-chart" />
      <DenialLegend codes={codes} />
    </>
  );
}
