import { useMemo } from 'react';
import type { DenialsDistribution } from '../../../../src/warehouse/queries/get-denials-distribution.js';
import { EChart } from '../../charts/EChart.js';
import { escapeHtml } from '../../charts/escape-html.js';
import { denialColor } from './denial-colors.js';

/** Denials by status code as a pie; hovering a slice shows code, description, count and share. */
export function DenialsDistributionChart({ data, onSelect, height = 300 }: { data: DenialsDistribution; onSelect: (code: number) => void; height?: number }) {
  const option = useMemo(
    () => ({
      tooltip: {
        trigger: 'item',
        confine: true,
        formatter: (p: { dataIndex: number }) => {
          const r = data.rows[p.dataIndex]!;
          return `<b>${r.code} ${escapeHtml(r.name)}</b><br/>${escapeHtml(r.description)}<br/>${r.count.toLocaleString()} denials · ${r.percentage}%`;
        },
      },
      legend: { type: 'scroll', bottom: 0, formatter: (name: string) => name },
      series: [
        {
          type: 'pie',
          name: 'Denials',
          radius: ['35%', '65%'],
          center: ['50%', '45%'],
          data: data.rows.map((r) => ({ name: `${r.code} ${r.name}`, value: r.count, itemStyle: { color: denialColor(r.code) } })),
          label: { formatter: (p: { dataIndex: number }) => `${data.rows[p.dataIndex]!.percentage}%` },
        },
      ],
    }),
    [data],
  );
  return <EChart option={option} label="Denials distribution by status code" height={height} testId="denials-pie" onClick={(e) => onSelect(data.rows[e.dataIndex]!.code)} />;
}
