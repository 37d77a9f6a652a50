import { useMemo } from 'react';
import type { DenialsDistribution } from '../../../../src/warehouse/queries/get-denials-distribution.js';
import { EChart } from '../../charts/EChart.js';
import { escapeHtml } from '../../charts/escape-html.js';
import { useDenialLook } from './denial-colors.js';
import { DenialLegend } from './DenialLegend.js';

/** Denials by status code as a pie; hovering a slice shows reason, description, count and share. */
export function DenialsDistributionChart({ data, onSelect, height = 300 }: { data: DenialsDistribution; onSelect: (code: number) => void; height?: number }) {
  const look = useDenialLook();
  const option = useMemo(
    () => ({
      tooltip: {
        trigger: 'item',
        confine: true,
        formatter: (p: { dataIndex: number }) => {
          const r = data.rows[p.dataIndex]!;
          return `<b>${escapeHtml(r.label)}</b> ${escapeHtml(r.name)}<br/>${escapeHtml(r.description)}<br/>${r.count.toLocaleString()} denials · ${r.percentage}%`;
        },
      },
      series: [
        {
          type: 'pie',
          name: 'Denials',
          radius: ['35%', '62%'],
          center: ['50%', '50%'],
          data: data.rows.map((r) => ({ name: r.label, value: r.count, itemStyle: { color: look.color(r.code) } })),
          label: { formatter: (p: { dataIndex: number }) => `${data.rows[p.dataIndex]!.percentage}%` },
        },
      ],
    }),
    [data, look],
  );
  const table = useMemo(() => ({ columns: ['Reason', 'Denials', 'Share (%)'], rows: data.rows.map((r) => [r.label, r.count, r.percentage]) }), [data]);
  return (
    <>
      <EChart option={option} table={table} label="Denials distribution by reason" height={height} testId="denials-pie" onClick={(e) => onSelect(data.rows[e.dataIndex]!.code)} />
      <DenialLegend codes={data.rows.map((r) => r.code)} />
    </>
  );
}
