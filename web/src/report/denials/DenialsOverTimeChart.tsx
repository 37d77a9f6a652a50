import { useMemo } from 'react';
import type { DenialsOverTime } from '../../../../src/warehouse/queries/get-denials-over-time.js';
import { EChart } from '../../charts/EChart.js';
import { timeRange, useReportFilters } from '../filters.js';
import { TimeGrouping } from '../overview/TimeGrouping.js';
import { bucketStarts, countsOverRange, timeChartOption } from '../overview/usage-series.js';
import { denialColor } from './denial-colors.js';

/** Denials per period, stacked by status code, on a time axis over the whole range. */
export function DenialsOverTimeChart({ data }: { data: DenialsOverTime }) {
  const { filters } = useReportFilters();
  const { from, to } = timeRange(filters);
  const option = useMemo(() => {
    const starts = bucketStarts({ from, to }, data.bucket);
    const codes = [...new Set(data.rows.map((r) => r.code))].sort((a, b) => a - b);
    const series = codes.map((code) => {
      const counts = new Map(data.rows.filter((r) => r.code === code).map((r) => [Date.parse(r.bucketStart), r.count]));
      return { type: 'bar', stack: 'denials', name: `Code ${code}`, data: countsOverRange(counts, starts), barMinWidth: 2, barMaxWidth: 40, itemStyle: { color: denialColor(code) } };
    });
    return timeChartOption({ yName: 'Denials', bucket: data.bucket, range: { from, to }, series });
  }, [data, from, to]);
  return (
    <>
      <TimeGrouping bucket={data.bucket} />
      <EChart option={option} label="Denials over time by status code" testId="denials-over-time-chart" />
    </>
  );
}
