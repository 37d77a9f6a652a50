import { useMemo } from 'react';
import type { ConcurrentUsage } from '../../../../src/warehouse/queries/get-concurrent-usage.js';
import type { MeteredUsage } from '../../../../src/warehouse/queries/get-metered-usage.js';
import { EChart } from '../../charts/EChart.js';
import { bucketLabel, concurrentTotals, meteredTotals, timeChartOption } from './usage-series.js';

// A line through a single point draws nothing (every fresh server's data fall in one period at
// first): a lone point is drawn as its symbol.
const line = (name: string, data: Array<number | null>, extra: object = {}) => ({ type: 'line', name, data, showSymbol: data.length === 1, symbolSize: 8, ...extra });
const capLine = (name: string, data: Array<number | null>) => line(name, data, { lineStyle: { type: 'dashed' }, step: 'end', color: '#7f8c8d' });

/** Licenses in use against capacity per bucket, with the peak of each bucket; overdraft and uncounted use apart. */
export function ConcurrentUsageChart({ data }: { data: ConcurrentUsage }) {
  const option = useMemo(() => {
    const { series } = concurrentTotals(data);
    const lines = [
      line('In use', series.map(([, b]) => b.inUse), { areaStyle: { opacity: 0.2 } }),
      line('Peak', series.map(([, b]) => b.peak), { lineStyle: { type: 'dotted' } }),
      capLine('Capacity', series.map(([, b]) => b.capacity)),
    ];
    if (series.some(([, b]) => b.overdraft > 0)) lines.push(line('Overdraft', series.map(([, b]) => b.overdraft), { color: '#c0392b' }));
    if (series.some(([, b]) => b.uncounted > 0)) lines.push(line('Uncounted in use', series.map(([, b]) => b.uncounted), { lineStyle: { type: 'dashed' }, color: '#8e44ad' }));
    return timeChartOption(series.map(([t]) => bucketLabel(t, data.bucket)), 'Licenses', lines);
  }, [data]);
  return <EChart option={option} label="Concurrent licenses in use and capacity over time" testId="usage-chart" />;
}

/** Metered units consumed per bucket, overage in red, against the cap of a single feature. */
export function MeteredUsageChart({ data }: { data: MeteredUsage }) {
  const option = useMemo(() => {
    const { series, features } = meteredTotals(data);
    const bars: object[] = [
      { type: 'bar', name: 'Consumed', stack: 'u', data: series.map(([, b]) => Math.max(0, b.consumed - b.overage)) },
      { type: 'bar', name: 'Overage', stack: 'u', data: series.map(([, b]) => b.overage), color: '#c0392b' },
    ];
    // Caps of different features are in different units: a cap line only for one feature.
    if (features === 1) bars.push(capLine('Cap', series.map(([, b]) => b.cap)));
    return timeChartOption(series.map(([t]) => bucketLabel(t, data.bucket)), 'Units', bars);
  }, [data]);
  return <EChart option={option} label="Metered units consumed, cap and overage over time" testId="usage-chart" />;
}
