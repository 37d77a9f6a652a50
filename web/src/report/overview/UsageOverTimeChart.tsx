import { useMemo } from 'react';
import type { ConcurrentUsage } from '../../../../src/warehouse/queries/get-concurrent-usage.js';
import type { MeteredUsage } from '../../../../src/warehouse/queries/get-metered-usage.js';
import { EChart } from '../../charts/EChart.js';
import { bucketLabel, concurrentTotals, meteredTotals } from './usage-series.js';

/** Licenses in use against capacity per bucket, with the peak of each bucket. */
export function ConcurrentUsageChart({ data }: { data: ConcurrentUsage }) {
  const option = useMemo(() => {
    const { series } = concurrentTotals(data);
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: series.map(([t]) => bucketLabel(t, data.bucket)) },
      yAxis: { type: 'value', name: 'Licenses', minInterval: 1 },
      series: [
        { type: 'line', name: 'In use', data: series.map(([, b]) => b.inUse), areaStyle: { opacity: 0.2 }, showSymbol: false },
        { type: 'line', name: 'Peak', data: series.map(([, b]) => b.peak), lineStyle: { type: 'dotted' }, showSymbol: false },
        { type: 'line', name: 'Capacity', data: series.map(([, b]) => b.capacity), lineStyle: { type: 'dashed' }, step: 'end', showSymbol: false, color: '#7f8c8d' },
      ],
    };
  }, [data]);
  return <EChart option={option} label="Concurrent licenses in use and capacity over time" testId="usage-chart" />;
}

/** Metered units consumed per bucket against the cap, overage in red. */
export function MeteredUsageChart({ data }: { data: MeteredUsage }) {
  const option = useMemo(() => {
    const { series } = meteredTotals(data);
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: series.map(([t]) => bucketLabel(t, data.bucket)) },
      yAxis: { type: 'value', name: 'Units' },
      series: [
        { type: 'bar', name: 'Consumed', stack: 'u', data: series.map(([, b]) => b.consumed - b.overage) },
        { type: 'bar', name: 'Overage', stack: 'u', data: series.map(([, b]) => b.overage), color: '#c0392b' },
        { type: 'line', name: 'Cap', data: series.map(([, b]) => b.cap), lineStyle: { type: 'dashed' }, step: 'end', showSymbol: false, color: '#7f8c8d' },
      ],
    };
  }, [data]);
  return <EChart option={option} label="Metered units consumed, cap and overage over time" testId="usage-chart" />;
}
