import { useMemo } from 'react';
import type { DenialsOverTime } from '../../../../src/warehouse/queries/get-denials-over-time.js';
import { EChart } from '../../charts/EChart.js';
import { timeRange, useReportFilters } from '../filters.js';
import { TimeGrouping } from '../overview/TimeGrouping.js';
import { bucketStarts, countsOverRange, timeChartOption } from '../overview/usage-series.js';
import { useDenialLook } from './denial-colors.js';
import { DenialLegend } from './DenialLegend.js';

/** Denials per period, stacked by reason in each reason's colour, on a time axis over the whole range. */
export function DenialsOverTimeChart({ data }: { data: DenialsOverTime }) {
  const { filters } = useReportFilters();
  const { from, to } = timeRange(filters);
  const look = useDenialLook();
  const codes = useMemo(() => [...new Set(data.rows.map((r) => r.code))].sort((a, b) => a - b), [data]);
  const option = useMemo(() => {
    const starts = bucketStarts({ from, to }, data.bucket);
    const series = codes.map((code) => {
      const counts = new Map(data.rows.filter((r) => r.code === code).map((r) => [Date.parse(r.bucketStart), r.count]));
      return { type: 'bar', stack: 'denials', name: look.label(code), data: countsOverRange(counts, starts), barMinWidth: 2, barMaxWidth: 40, itemStyle: { color: look.color(code) } };
    });
    // The legend of its own under the chart lists every reason.
    return { ...timeChartOption({ yName: 'Denials', bucket: data.bucket, range: { from, to }, series }), legend: { show: false } };
  }, [data, codes, from, to, look]);
  return (
    <>
      <TimeGrouping bucket={data.bucket} />
      <EChart option={option} label="Denials over time by reason" testId="denials-over-time-chart" />
      <DenialLegend codes={codes} />
    </>
  );
}
