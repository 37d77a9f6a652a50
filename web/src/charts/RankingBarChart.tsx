import { useMemo } from 'react';
import { useChartScheme } from '../app/theme.js';
import { THEME_COLORS } from '../app/theme-colors.js';
import { EChart } from './EChart.js';
import { escapeHtml } from './escape-html.js';

export interface RankingBarChartProps {
  /** Bars from the top: the name shown, the ID behind it (in the tooltip, and what a click selects) and the value. */
  rows: Array<{ name: string; id?: string; value: number }>;
  valueLabel: string;
  label: string;
  /** What each bar is, as the table's first column: Account, Instance. */
  rowLabel?: string;
  /** Called with the bar's ID (its name when it has none). */
  onSelect?: (id: string) => void;
  testId?: string;
}

/** Horizontal bars, largest on top, each labelled with its value; a click or Enter selects the bar. */
export function RankingBarChart({ rows, valueLabel, label, rowLabel = 'Name', onSelect, testId }: RankingBarChartProps) {
  const { dark } = useChartScheme();
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      tooltip: {
        trigger: 'item',
        formatter: (p: { dataIndex: number; value: number }) => {
          const row = rows[p.dataIndex]!;
          const id = row.id !== undefined && row.id !== row.name ? `<br/>ID ${escapeHtml(row.id)}` : '';
          return `${escapeHtml(row.name)}${id}<br/>${escapeHtml(valueLabel)}: <b>${p.value.toLocaleString()}</b>`;
        },
      },
      xAxis: { type: 'value', name: valueLabel, nameLocation: 'middle', nameGap: 24, show: false },
      yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.name), axisLabel: { width: 120, overflow: 'truncate' } },
      series: [{ type: 'bar', name: valueLabel, data: rows.map((r) => r.value), label: { show: true, position: 'right' }, itemStyle: { color: THEME_COLORS[dark ? 'dark' : 'light'].primary } }],
    }),
    [rows, valueLabel, dark],
  );
  const table = useMemo(
    () => ({
      columns: rows.some((r) => r.id !== undefined && r.id !== r.name) ? [rowLabel, 'ID', valueLabel] : [rowLabel, valueLabel],
      rows: rows.map((r) => (rows.some((x) => x.id !== undefined && x.id !== x.name) ? [r.name, r.id ?? '', r.value] : [r.name, r.value])),
    }),
    [rows, rowLabel, valueLabel],
  );
  return (
    <EChart
      option={option}
      label={label}
      table={table}
      height={Math.max(160, rows.length * 30 + 24)}
      testId={testId}
      {...(onSelect ? { onClick: (e) => onSelect(rows[e.dataIndex]?.id ?? e.name) } : {})}
    />
  );
}
