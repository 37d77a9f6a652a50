import { useMemo } from 'react';
import type { ConcurrentUsage } from '../../../../src/warehouse/queries/get-concurrent-usage.js';
import type { MeteredUsage } from '../../../../src/warehouse/queries/get-metered-usage.js';
import { EChart } from '../../charts/EChart.js';
import { timeRange, useReportFilters } from '../filters.js';
import { TimeGrouping } from './TimeGrouping.js';
import type { TimePoint } from './usage-series.js';
import { bucketStarts, concurrentTotals, countsOverRange, meteredTotals, needsMarkers, timeChartOption, timePoints } from './usage-series.js';

const line = (name: string, data: TimePoint[], extra: object = {}) => ({ type: 'line', name, data, showSymbol: needsMarkers(data), symbolSize: 7, connectNulls: false, ...extra });
const capLine = (name: string, data: TimePoint[]) => line(name, data, { lineStyle: { type: 'dashed' }, step: 'end', color: '#7f8c8d' });
// Bars cover every period of the range (one period wide); a lone one on a long range is still seen.
const bar = (name: string, data: TimePoint[], extra: object = {}) => ({ type: 'bar', name, stack: 'u', data, barMinWidth: 2, barMaxWidth: 40, ...extra });

/** Licenses in use against capacity per bucket, with the peak of each bucket; overdraft and uncounted use apart. */
export function ConcurrentUsageChart({ data }: { data: ConcurrentUsage }) {
  const { filters } = useReportFilters();
  const { from, to } = timeRange(filters);
  const option = useMemo(() => {
    const { series } = concurrentTotals(data);
    const lines = [
      line('In use', timePoints(series, (b) => b.inUse), { areaStyle: { opacity: 0.2 } }),
      line('Peak', timePoints(series, (b) => b.peak), { lineStyle: { type: 'dotted' } }),
      capLine('Capacity', timePoints(series, (b) => b.capacity)),
    ];
    if (series.some(([, b]) => b.overdraft > 0)) lines.push(line('Overdraft', timePoints(series, (b) => b.overdraft), { color: '#c0392b' }));
    if (series.some(([, b]) => b.uncounted > 0)) lines.push(line('Uncounted in use', timePoints(series, (b) => b.uncounted), { lineStyle: { type: 'dashed' }, color: '#8e44ad' }));
    return timeChartOption({ yName: 'Licenses', bucket: data.bucket, range: { from, to }, series: lines });
  }, [data, from, to]);
  return (
    <>
      <TimeGrouping bucket={data.bucket} />
      <EChart option={option} label="Concurrent licenses in use and capacity over time" testId="usage-chart" />
    </>
  );
}

/** Metered units consumed per bucket, overage in red, against the cap of a single feature. */
export function MeteredUsageChart({ data }: { data: MeteredUsage }) {
  const { filters } = useReportFilters();
  const { from, to } = timeRange(filters);
  const option = useMemo(() => {
    const { series, features } = meteredTotals(data);
    const starts = bucketStarts({ from, to }, data.bucket);
    const over = (value: (b: (typeof series)[number][1]) => number) => countsOverRange(new Map(series.map(([t, b]) => [Date.parse(t), value(b)])), starts);
    const bars: object[] = [bar('Consumed', over((b) => Math.max(0, b.consumed - b.overage))), bar('Overage', over((b) => b.overage), { color: '#c0392b' })];
    // Caps of different features are in different units: a cap line only for one feature.
    if (features === 1) bars.push(capLine('Cap', timePoints(series, (b) => b.cap)));
    return timeChartOption({ yName: 'Units', bucket: data.bucket, range: { from, to }, series: bars });
  }, [data, from, to]);
  return (
    <>
      <TimeGrouping bucket={data.bucket} />
      <EChart option={option} label="Metered units consumed, cap and overage over time" testId="usage-chart" />
    </>
  );
}
