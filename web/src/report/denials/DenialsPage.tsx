import { Box, FormControlLabel, Switch } from '@mui/material';
import { RankingBarChart } from '../../charts/RankingBarChart.js';
import { WidgetCard } from '../../components/WidgetCard.js';
import { apiParams, useReportFilters } from '../filters.js';
import { summaryRequest } from '../page-requests.js';
import { useDenialsByAccount, useDenialsByFeature, useDenialsDistribution, useDenialsInsights, useDenialsOverTime, useDenialsSummary } from '../hooks.js';
import { DenialInsights } from './DenialInsights.js';
import { DenialsDistributionChart } from './DenialsDistributionChart.js';
import { DenialsOverTimeChart } from './DenialsOverTimeChart.js';
import { DenialsSummary } from './DenialsSummary.js';
import { ignoredFilters } from '../ignored-filters.js';

/** Why requests were refused and what to do about it: by reason, account, feature, over time, and one by one. */
export default function DenialsPage() {
  const { filters, update, drill, params: url } = useReportFilters();
  const params = apiParams(filters);
  const insights = useDenialsInsights(params);
  const distribution = useDenialsDistribution(params);
  const byAccount = useDenialsByAccount(params);
  const byFeature = useDenialsByFeature(params);
  const overTime = useDenialsOverTime(params);
  const summary = useDenialsSummary(summaryRequest(filters, url));
  const none = 'No denials in this time range with these filters. Widen the time range or remove a filter.';

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <FormControlLabel
        control={<Switch checked={filters.trueDenials} onChange={(e) => update({ trueDenials: e.target.checked })} />}
        label="True denials only (leave out a denial when the same device or user got the feature within 5 minutes before or after)"
      />
      <WidgetCard
        title="Denial reasons: what they mean and what to do"
        subtitle="Click an account to see its usage, a reason to narrow the report to it"
        query={insights}
        isEmpty={(d) => d.denials === 0}
        emptyText={none}
        testId="widget-denials-insights"
        ignores={ignoredFilters('denials-insights', filters)}
        minHeight={120}
      >
        {(d) => <DenialInsights data={d} onAccount={(id) => drill('accounts', id)} onCode={(code) => drill('codes', String(code))} />}
      </WidgetCard>
      <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'repeat(2, minmax(0, 1fr))' } }}>
        <WidgetCard title="Denials distribution" subtitle="By status code · hover a slice for details, click it to filter" query={distribution} isEmpty={(d) => d.total === 0} emptyText={none} testId="widget-denials" ignores={ignoredFilters('denials-distribution', filters)}>
          {(d) => <DenialsDistributionChart data={d} onSelect={(code) => drill('codes', String(code))} height={340} />}
        </WidgetCard>
        <WidgetCard title="Denials by account" subtitle="Click a bar to drill down" query={byAccount} isEmpty={(d) => d.total === 0} emptyText={none} testId="widget-denials-by-account" ignores={ignoredFilters('denials-by-account', filters)}>
          {(d) => <RankingBarChart rows={d.rows.map((r) => ({ name: r.accountName ?? r.accountId ?? '(no account)', id: r.accountId ?? '(no account)', value: r.count }))} valueLabel="Denials" rowLabel="Account" label="Denials by account" onSelect={(id) => drill('accounts', id)} testId="denials-by-account-chart" />}
        </WidgetCard>
        <WidgetCard title="Denials by feature" subtitle="Click a bar to narrow the report to the feature" query={byFeature} isEmpty={(d) => d.total === 0} emptyText={none} testId="widget-denials-by-feature" ignores={ignoredFilters('denials-by-feature', filters)}>
          {(d) => (
            <RankingBarChart
              rows={d.rows.map((r) => ({ name: r.feature, value: r.count }))}
              valueLabel="Denials"
              label={`Denials by feature: ${d.rows.map((r) => `${r.feature} ${r.count} (${r.percentage} %)`).join(', ')}`}
              onSelect={(name) => drill('features', name)}
              testId="denials-by-feature-chart"
            />
          )}
        </WidgetCard>
        <WidgetCard title="Denials over time" subtitle="Per status code" query={overTime} isEmpty={(d) => d.rows.length === 0} emptyText={none} testId="widget-denials-over-time" ignores={ignoredFilters('denials-over-time', filters)}>
          {(d) => <DenialsOverTimeChart data={d} />}
        </WidgetCard>
        <Box sx={{ gridColumn: { md: 'span 2' } }}>
          <WidgetCard title="Denials summary" subtitle="Each denial: who, what, when and why · click a heading to sort" query={summary} isEmpty={(d) => d.total === 0} emptyText={none} testId="widget-denials-summary" ignores={ignoredFilters('denials-summary', filters)} minHeight={120}>
            {(d) => <DenialsSummary data={d} />}
          </WidgetCard>
        </Box>
      </Box>
    </Box>
  );
}
