import { Box, Card, CardContent, Skeleton, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import { useNavigate } from 'react-router';
import { RankingBarChart } from '../../charts/RankingBarChart.js';
import { WidgetCard } from '../../components/WidgetCard.js';
import { DenialsDistributionChart } from '../denials/DenialsDistributionChart.js';
import { apiParams, useReportFilters, writeFilters } from '../filters.js';
import { ignoredFilters } from '../ignored-filters.js';
import type { LicenseModel } from '../filters.js';
import { overviewModel } from '../page-requests.js';
import { useActiveAccounts, useActiveInstances, useConcurrentUsage, useDenialsDistribution, useMeteredUsage, useUniqueClients } from '../hooks.js';
import { UniqueClientsChart } from './UniqueClientsChart.js';
import { ConcurrentUsageChart, MeteredUsageChart } from './UsageOverTimeChart.js';
import { concurrentTotals, meteredTotals } from './usage-series.js';

function Figure({ label, value, testId, note, failed }: Figure) {
  return (
    <Card variant="outlined" sx={{ flex: '1 1 150px' }}>
      <CardContent>
        <Typography variant="caption" color="text.secondary">
          {label}
        </Typography>
        <Typography variant="h5" component="p" data-testid={testId}>
          {value ?? (failed ? '–' : <Skeleton width={60} />)}
        </Typography>
        {note && (
          <Typography variant="caption" color="text.secondary" data-testid={`${testId}-note`}>
            {note}
          </Typography>
        )}
      </CardContent>
    </Card>
  );
}

interface Figure {
  label: string;
  value: string | null;
  testId: string;
  /** What the figure leaves out or adds, in a line under it. */
  note?: string | null;
  /** Its request failed (the widget below says why and offers a retry): no value, and no longer loading. */
  failed?: boolean;
}

/** The report's overview: headline figures, usage over time, the most active, clients, denials. */
export default function OverviewPage() {
  const { filters, update, drill } = useReportFilters();
  const navigate = useNavigate();
  const model = overviewModel(filters);
  const usageParams = apiParams(filters, { model });
  const concurrent = useConcurrentUsage(usageParams, model === 'concurrent');
  const metered = useMeteredUsage(usageParams, model === 'metered');
  const accounts = useActiveAccounts(usageParams);
  const instances = useActiveInstances(usageParams);
  const clients = useUniqueClients(usageParams);
  // The switch above is the model filter: the denials follow it like every widget of the page.
  const denials = useDenialsDistribution(usageParams);
  const ignores = (widget: Parameters<typeof ignoredFilters>[0]) => ignoredFilters(widget, filters);
  const fmt = (n: number | null | undefined) => (n === null || n === undefined ? '–' : n.toLocaleString());

  let figures: Figure[];
  if (model === 'concurrent') {
    const t = concurrent.data ? concurrentTotals(concurrent.data) : null;
    figures = [
      { label: 'Licenses in use', value: t && fmt(t.inUse), testId: 'figure-in-use', note: t && t.uncounted > 0 ? `and ${fmt(t.uncounted)} of uncounted features` : null },
      { label: 'Available', value: t && fmt(t.available), testId: 'figure-available' },
      { label: 'Utilization', value: t && (t.utilization === null ? '–' : `${t.utilization}%`), testId: 'figure-utilization', note: t && t.utilization === null && t.uncounted > 0 ? 'only uncounted features in use' : null },
      { label: 'Overdraft in use', value: t && fmt(t.overdraft), testId: 'figure-overdraft' },
      { label: 'Peak in use', value: t && fmt(t.peak), testId: 'figure-peak' },
    ];
  } else {
    const t = metered.data ? meteredTotals(metered.data) : null;
    figures = [
      { label: 'Units consumed', value: t && fmt(t.consumed), testId: 'figure-consumed', note: t && t.features > 1 ? `over ${t.features} features` : null },
      { label: 'Cap', value: t && fmt(t.cap), testId: 'figure-cap', note: t && t.features > 1 ? 'per feature: choose one feature' : null },
      { label: 'Utilization', value: t && (t.utilization === null ? '–' : `${t.utilization}%`), testId: 'figure-utilization', note: t && t.features > 1 && t.utilizationFeature ? `highest: ${t.utilizationFeature}` : null },
      { label: 'Overage', value: t && fmt(t.overage), testId: 'figure-overage' },
    ];
  }
  const usageFailed = model === 'concurrent' ? concurrent.isError : metered.isError;
  figures = figures.map((f) => ({ ...f, failed: usageFailed }));
  figures.push({ label: 'Denials in range', value: denials.data ? fmt(denials.data.total) : null, testId: 'figure-denials', failed: denials.isError });

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
        <Typography variant="body2" color="text.secondary" id="model-switch-label">
          License model
        </Typography>
        <ToggleButtonGroup exclusive size="small" value={model} onChange={(_e, value: LicenseModel | null) => value && update({ model: value })} aria-labelledby="model-switch-label">
          <ToggleButton value="concurrent">Concurrent</ToggleButton>
          <ToggleButton value="metered">Metered</ToggleButton>
        </ToggleButtonGroup>
      </Box>
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
        {figures.map((f) => (
          <Figure key={f.testId} {...f} />
        ))}
      </Box>
      <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'repeat(2, minmax(0, 1fr))' } }}>
        <Box sx={{ gridColumn: { md: 'span 2' } }}>
          {model === 'concurrent' ? (
            <WidgetCard title="Concurrent usage over time" subtitle="Counted licenses in use at the end of each period, the period's peak and capacity; overdraft and uncounted use apart" query={concurrent} isEmpty={(d) => d.rows.length === 0} testId="widget-usage" ignores={ignores('concurrent-usage')}>
              {(d) => <ConcurrentUsageChart data={d} />}
            </WidgetCard>
          ) : (
            <WidgetCard title="Metered usage over time" subtitle="Units consumed per period against the cap; overage in red" query={metered} isEmpty={(d) => d.rows.length === 0} testId="widget-usage" ignores={ignores('metered-usage')}>
              {(d) => <MeteredUsageChart data={d} />}
            </WidgetCard>
          )}
        </Box>
        <WidgetCard title="Most active accounts" subtitle="Counts checked out or consumed · click a bar to drill down" query={accounts} isEmpty={(d) => d.rows.length === 0} testId="widget-accounts" ignores={ignores('active-accounts')}>
          {(d) => <RankingBarChart rows={d.rows.map((r) => ({ name: r.name ?? r.id ?? '(no account)', id: r.id ?? '(no account)', value: r.usage }))} valueLabel="Usage" rowLabel="Account" label="Most active accounts" onSelect={(id) => drill('accounts', id)} testId="accounts-chart" />}
        </WidgetCard>
        <WidgetCard title="Most active cloud server instances" subtitle="Counts checked out or consumed · click a bar to drill down" query={instances} isEmpty={(d) => d.rows.length === 0} testId="widget-instances" ignores={ignores('active-instances')}>
          {(d) => <RankingBarChart rows={d.rows.map((r) => ({ name: r.name ?? r.id ?? '(none)', id: r.id ?? '(none)', value: r.usage }))} valueLabel="Usage" rowLabel="Instance" label="Most active instances" onSelect={(id) => drill('instances', id)} testId="instances-chart" />}
        </WidgetCard>
        <WidgetCard title="Unique served clients per feature" subtitle="Distinct devices and users served · click a feature to drill down" query={clients} isEmpty={(d) => d.rows.length === 0} testId="widget-clients" ignores={ignores('unique-clients')}>
          {(d) => <UniqueClientsChart data={d} onSelect={(feature) => drill('features', feature)} />}
        </WidgetCard>
        <WidgetCard title="Denials distribution" subtitle="Denials by status code · click a slice to open the denials" query={denials} isEmpty={(d) => d.total === 0} emptyText="No denials in this time range with these filters." testId="widget-denials" ignores={ignores('denials-distribution')}>
          {(d) => (
            <DenialsDistributionChart
              data={d}
              onSelect={(code) => void navigate({ pathname: '/denials', search: `?${writeFilters({ ...filters, codes: [String(code)] }).toString()}` })}
            />
          )}
        </WidgetCard>
      </Box>
    </Box>
  );
}
