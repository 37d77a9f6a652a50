import { useMemo } from 'react';
import type { ConcurrentUsage } from '../../../../src/warehouse/queries/get-concurrent-usage.js';
import type { MeteredUsage } from '../../../../src/warehouse/queries/get-metered-usage.js';
import { EChart } from '../../charts/EChart.js';
import { bucketLabel, concurrentTotals, meteredTotals, timeChartOption } from './usage-series.js';

const line = (name: string, data: number[], extra: object = {}) => ({ type: 'line', name, data, showSymbol: false, ...extra });
const capLine = (name: string, data: number[]) => line(name, data, { lineStyle: { type: 'dashed' }, step: 'end', color: '#7f8c8d' });

/** Licenses in use against capacity per bucket, with the peak of each bucket. */
export function ConcurrentUsageChart({ data }: { data: ConcurrentUsage }) {
  const option = useMemo(() => {
    const { series } = concurrentTotals(data);
    return timeChartOption(series.map(([t]) => bucketLabel(t, data.bucket)), 'Licenses', [
      line('In use', series.map(([, b]) => b.inUse), { areaStyle: { opacity: 0.2 } }),
      line('Peak', series.map(([, b]) => b.peak), { lineStyle: { type: 'dotted' } }),
      capLine('Capacity', series.map(([, b]) => b.capacity)),
    ]);
  }, [data]);
  return <EChart option={option} label="Concurrent licenses in use and capacity over time" testId="usage-chart" />;
}

/** Metered units consumed per bucket against the cap, overage in red. */
export function MeteredUsageChart({ data }: { data: MeteredUsage }) {
  const option = useMemo(() => {
    const { series } = meteredTotals(data);
    return timeChartOption(series.map(([t]) => bucketLabel(t, data.bucket)), 'Units', [
      { type: 'bar', name: 'Consumed', stack: 'u', data: series.map(([, b]) => Math.max(0, b.consumed - b.overage)) },
      { type: 'bar', name: 'Overage', stack: 'u', data: series.map(([, b]) => b.overage), color: '#c0392b' },
      capLine('Cap', series.map(([, b]) => b.cap)),
    ]);
  }, [data]);
  return <EChart option={option} label="Metered units consumed, cap and overage over time" testId="usage-chart" />;
}
