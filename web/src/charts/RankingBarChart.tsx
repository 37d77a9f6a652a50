import { useMemo } from 'react';
import { EChart } from './EChart.js';
import { escapeHtml } from './escape-html.js';

export interface RankingBarChartProps {
  /** Bars from the top: name and value. */
  rows: Array<{ name: string; value: number }>;
  valueLabel: string;
  label: string;
  onSelect?: (name: string) => void;
  testId?: string;
}

/** Horizontal bars, largest on top, each labelled with its value; a click selects the bar. */
export function RankingBarChart({ rows, valueLabel, label, onSelect, testId }: RankingBarChartProps) {
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'item', formatter: (p: { name: string; value: number }) => `${escapeHtml(p.name)}<br/>${escapeHtml(valueLabel)}: <b>${p.value.toLocaleString()}</b>` },
      xAxis: { type: 'value', name: valueLabel, nameLocation: 'middle', nameGap: 24, show: false },
      yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.name), axisLabel: { width: 120, overflow: 'truncate' } },
      series: [{ type: 'bar', name: valueLabel, data: rows.map((r) => r.value), label: { show: true, position: 'right' }, itemStyle: { color: '#1f5fa8' } }],
    }),
    [rows, valueLabel],
  );
  return <EChart option={option} label={label} height={Math.max(160, rows.length * 30 + 24)} testId={testId} {...(onSelect ? { onClick: (e) => onSelect(e.name) } : {})} />;
}
