import { useMemo } from 'react';
import type { UniqueClients } from '../../../../src/warehouse/queries/get-active-clients.js';
import { EChart } from '../../charts/EChart.js';
import { escapeHtml } from '../../charts/escape-html.js';

/** Distinct devices and users per feature, with clients per license in the tooltip. */
export function UniqueClientsChart({ data, onSelect }: { data: UniqueClients; onSelect: (feature: string) => void }) {
  const option = useMemo(
    () => ({
      tooltip: {
        trigger: 'axis',
        formatter: (items: Array<{ dataIndex: number }>) => {
          const r = data.rows[items[0]!.dataIndex]!;
          const perLicense = r.clientsPerLicense === null ? '' : `<br/>Clients per license: ${r.clientsPerLicense}`;
          return `<b>${escapeHtml(r.feature)}</b><br/>Devices: ${r.devices}<br/>Users: ${r.users}<br/>Licenses: ${r.capacity ?? '–'}${perLicense}`;
        },
      },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: data.rows.map((r) => r.feature), axisLabel: { interval: 0, rotate: data.rows.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { type: 'bar', name: 'Devices', data: data.rows.map((r) => r.devices), label: { show: true, position: 'top' } },
        { type: 'bar', name: 'Users', data: data.rows.map((r) => r.users), label: { show: true, position: 'top' } },
      ],
    }),
    [data],
  );
  return <EChart option={option} label="Unique served clients per feature" testId="clients-chart" onClick={(e) => onSelect(e.name)} />;
}
