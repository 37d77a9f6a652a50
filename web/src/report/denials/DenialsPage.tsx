import { useState } from 'react';
import { Box, FormControlLabel, Switch, Table, TableBody, TableCell, TableContainer, TableHead, TablePagination, TableRow, Tooltip } from '@mui/material';
import { RankingBarChart } from '../../charts/RankingBarChart.js';
import { WidgetCard } from '../../components/WidgetCard.js';
import { apiParams, useReportFilters } from '../filters.js';
import { SUMMARY_PAGE_SIZE, summaryRequest } from '../page-requests.js';
import { useDenialsByAccount, useDenialsDistribution, useDenialsOverTime, useDenialsSummary } from '../hooks.js';
import { DenialsDistributionChart } from './DenialsDistributionChart.js';
import { DenialsOverTimeChart } from './DenialsOverTimeChart.js';
import { FeatureInManager } from '../manager-link.js';
import { ignoredFilters } from '../ignored-filters.js';


/** Why requests were refused: by code, by account, over time, and one by one. */
export default function DenialsPage() {
  const { filters, update, drill } = useReportFilters();
  const params = apiParams(filters);
  const key = params.toString();
  // The summary's page belongs to the filters it was turned for: new filters start at page one.
  const [paging, setPaging] = useState({ key, page: 0 });
  const page = paging.key === key ? paging.page : 0;
  const setPage = (p: number) => setPaging({ key, page: p });
  const summaryParams = summaryRequest(filters, page);
  const distribution = useDenialsDistribution(params);
  const byAccount = useDenialsByAccount(params);
  const overTime = useDenialsOverTime(params);
  const summary = useDenialsSummary(summaryParams);
  const none = 'No denials in this time range with these filters. Widen the time range or remove a filter.';

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <FormControlLabel
        control={<Switch checked={filters.trueDenials} onChange={(e) => update({ trueDenials: e.target.checked })} />}
        label="True denials only (leave out a denial when the same device or user got the feature within 5 minutes before or after)"
      />
      <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'repeat(2, minmax(0, 1fr))' } }}>
        <WidgetCard title="Denials distribution" subtitle="By status code · hover a slice for details, click it to filter" query={distribution} isEmpty={(d) => d.total === 0} emptyText={none} testId="widget-denials" ignores={ignoredFilters('denials-distribution', filters)}>
          {(d) => <DenialsDistributionChart data={d} onSelect={(code) => drill('codes', String(code))} height={340} />}
        </WidgetCard>
        <WidgetCard title="Denials by account" subtitle="Click a bar to drill down" query={byAccount} isEmpty={(d) => d.total === 0} emptyText={none} testId="widget-denials-by-account" ignores={ignoredFilters('denials-by-account', filters)}>
          {(d) => <RankingBarChart rows={d.rows.map((r) => ({ name: r.accountId ?? '(no account)', value: r.count }))} valueLabel="Denials" label="Denials by account" onSelect={(name) => drill('accounts', name)} testId="denials-by-account-chart" />}
        </WidgetCard>
        <Box sx={{ gridColumn: { md: 'span 2' } }}>
          <WidgetCard title="Denials over time" subtitle="Per status code" query={overTime} isEmpty={(d) => d.rows.length === 0} emptyText={none} testId="widget-denials-over-time" ignores={ignoredFilters('denials-over-time', filters)}>
            {(d) => <DenialsOverTimeChart data={d} />}
          </WidgetCard>
        </Box>
        <Box sx={{ gridColumn: { md: 'span 2' } }}>
          <WidgetCard title="Denials summary" subtitle="Each denial: who, what, when and why" query={summary} isEmpty={(d) => d.total === 0} emptyText={none} testId="widget-denials-summary" ignores={ignoredFilters('denials-summary', filters)} minHeight={120}>
            {(d) => (
              <>
                <TableContainer>
                  <Table size="small" aria-label="Denials summary">
                    <TableHead>
                      <TableRow>
                        <TableCell>Time</TableCell>
                        <TableCell>Account</TableCell>
                        <TableCell>User</TableCell>
                        <TableCell>Client (device)</TableCell>
                        <TableCell>Feature</TableCell>
                        <TableCell>Reason</TableCell>
                      </TableRow>
                    </TableHead>
                    <TableBody>
                      {d.rows.map((r) => (
                        <TableRow key={r.eventId} data-testid="denial-row">
                          <TableCell sx={{ whiteSpace: 'nowrap' }}>{new Date(r.ts).toLocaleString()}</TableCell>
                          <TableCell>{r.accountId ?? '–'}</TableCell>
                          <TableCell>{r.user ?? '–'}</TableCell>
                          <TableCell>{r.alias ? `${r.alias} (${r.deviceId})` : r.deviceId}</TableCell>
                          <TableCell>
                            <FeatureInManager feature={r.feature} /> {r.version}
                          </TableCell>
                          <TableCell>
                            <Tooltip title={r.denialDescription ?? ''}>
                              <span>
                                {r.statusCode} {r.denialName}
                              </span>
                            </Tooltip>
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </TableContainer>
                <TablePagination component="div" count={d.total} page={page} rowsPerPage={SUMMARY_PAGE_SIZE} rowsPerPageOptions={[SUMMARY_PAGE_SIZE]} onPageChange={(_e, p) => setPage(p)} />
              </>
            )}
          </WidgetCard>
        </Box>
      </Box>
    </Box>
  );
}
