import type { ReactNode } from 'react';
import { Alert, Box, Button, Card, Table, TableBody, TableCell, TableContainer, TableHead, TablePagination, TableRow, TableSortLabel, Typography } from '@mui/material';
import type { SessionSort, Sessions } from '../../../../src/warehouse/queries/get-sessions.js';
import { RankingBarChart } from '../../charts/RankingBarChart.js';
import { WidgetCard } from '../../components/WidgetCard.js';
import { ignoredFilters } from '../ignored-filters.js';
import { apiParams, useReportFilters } from '../filters.js';
import { useSessionHours, useSessions } from '../hooks.js';
import { FeatureInManager } from '../manager-link.js';
import { sessionsRequest } from '../page-requests.js';
import { formatDuration, hoursBy } from './duration.js';
import { useUrlState } from '../url-state.js';

type Session = Sessions['rows'][number];
const time = (v: string | null) => (v === null ? 'still held' : new Date(v).toLocaleString());

/** The listing's columns; those with a `sort` sort on the server. A plain table: the data grid would double the page's code. */
const COLUMNS: Array<{ label: string; sort?: SessionSort; numeric?: true; cell: (s: Session) => ReactNode }> = [
  { label: 'Start', sort: 'start', cell: (s) => time(s.start) },
  { label: 'End', sort: 'end', cell: (s) => time(s.end) },
  { label: 'Duration', sort: 'minutes', numeric: true, cell: (s) => formatDuration(s.minutes) },
  { label: 'Feature', sort: 'feature', cell: (s) => <FeatureInManager feature={s.feature} /> },
  { label: 'Device', sort: 'deviceId', cell: (s) => s.deviceId },
  { label: 'User', sort: 'user', cell: (s) => s.user ?? '–' },
  { label: 'Account', sort: 'accountId', cell: (s) => (s.accountId === null ? '–' : <span title={`Account ID ${s.accountId}`}>{s.accountName ?? s.accountId}</span>) },
  { label: 'Instance', sort: 'instanceId', cell: (s) => <span title={`Instance ID ${s.instanceId}`}>{s.instanceName ?? s.instanceId}</span> },
  { label: 'Most held', sort: 'peakCount', numeric: true, cell: (s) => s.peakCount },
  { label: 'Ended by', cell: (s) => s.endedBy ?? '' },
];

/** How long devices held concurrent features: the hours per feature and account, and each session. */
export default function SessionsPage() {
  const { filters, drill } = useReportFilters();
  const { url, change } = useUrlState();
  const page = Math.max(1, Number(url.get('page') ?? 1) || 1);
  const pageSize = Number(url.get('size') ?? 25) || 25;
  const sessions = useSessions(sessionsRequest(filters, url));
  const hours = useSessionHours(apiParams(filters));
  const sort = url.get('sort') ?? 'start';
  const order = url.get('order') === 'asc' ? 'asc' : 'desc';
  const none = 'No checkout sessions in this time range with these filters. Widen the time range or remove a filter.';
  const totals = sessions.data;

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'repeat(2, minmax(0, 1fr))' } }}>
        <WidgetCard title="Hours used per feature" subtitle="Checkout sessions within the range · click a bar to narrow the report to the feature" query={hours} isEmpty={(d) => d.rows.length === 0} emptyText={none} testId="widget-hours-by-feature" ignores={ignoredFilters('session-hours', filters)} minHeight={160}>
          {(d) => <RankingBarChart rows={hoursBy(d.rows, (r) => r.feature, (r) => r.hours)} valueLabel="Hours" label="Hours used per feature" onSelect={(name) => drill('features', name)} testId="hours-by-feature-chart" />}
        </WidgetCard>
        <WidgetCard title="Hours used per account" subtitle="Click a bar to drill down" query={hours} isEmpty={(d) => d.rows.length === 0} emptyText={none} testId="widget-hours-by-account" ignores={ignoredFilters('session-hours', filters)} minHeight={160}>
          {(d) => (
            <RankingBarChart
              rows={hoursBy(d.rows, (r) => r.accountId ?? '(no account)', (r) => r.hours, (r) => r.accountName ?? r.accountId ?? '(no account)')}
              valueLabel="Hours"
              label="Hours used per account"
              onSelect={(name) => name !== '(no account)' && drill('accounts', name)}
              testId="hours-by-account-chart"
            />
          )}
        </WidgetCard>
      </Box>
      <Card variant="outlined" data-testid="widget-sessions" data-state={sessions.isPending || sessions.isFetching ? 'loading' : sessions.isError ? 'error' : 'ready'} sx={{ p: 2 }}>
        <Typography variant="subtitle1" component="h2" sx={{ fontWeight: 600 }}>
          Checkout sessions
        </Typography>
        <Typography variant="caption" color="text.secondary" component="p" sx={{ mb: 1 }} data-testid="sessions-totals">
          A session is the time a device held a concurrent feature on a server, from the checkout that took it to the return or expiry that gave it all back; its duration counts within
          the range.
          {totals && ` ${totals.total.toLocaleString()} sessions · ${totals.totalHours.toLocaleString()} hours${totals.medianMinutes === null ? '' : ` · median ${formatDuration(totals.medianMinutes)}`}.`}
        </Typography>
        {sessions.isError && (
          <Alert severity="error" action={<Button color="inherit" size="small" onClick={() => void sessions.refetch()}>Retry</Button>}>
            Could not load the sessions: {sessions.error.message}
          </Alert>
        )}
        {sessions.data && (
          <>
            <TableContainer>
              <Table size="small" aria-label="Checkout sessions">
                <TableHead>
                  <TableRow>
                    {COLUMNS.map((c) => (
                      <TableCell key={c.label} align={c.numeric ? 'right' : 'left'} sortDirection={c.sort === sort ? order : false} sx={{ whiteSpace: 'nowrap' }}>
                        {c.sort ? (
                          // Most first at the first click: the longest, the latest, the last in the alphabet.
                          <TableSortLabel active={c.sort === sort} direction={c.sort === sort ? order : 'desc'} onClick={() => change({ sort: c.sort === 'start' && c.sort === sort && order === 'asc' ? null : c.sort!, order: c.sort === sort && order === 'desc' ? 'asc' : null })}>
                            {c.label}
                          </TableSortLabel>
                        ) : (
                          c.label
                        )}
                      </TableCell>
                    ))}
                  </TableRow>
                </TableHead>
                <TableBody>
                  {sessions.data.rows.map((r) => (
                    <TableRow key={`${r.instanceId} ${r.deviceId} ${r.feature} ${r.start}`} data-testid="session-row">
                      {COLUMNS.map((c) => (
                        <TableCell key={c.label} align={c.numeric ? 'right' : 'left'} data-field={c.sort ?? 'endedBy'} sx={{ whiteSpace: 'nowrap' }}>
                          {c.cell(r)}
                        </TableCell>
                      ))}
                    </TableRow>
                  ))}
                  {sessions.data.rows.length === 0 && (
                    <TableRow>
                      <TableCell colSpan={COLUMNS.length}>{none}</TableCell>
                    </TableRow>
                  )}
                </TableBody>
              </Table>
            </TableContainer>
            <TablePagination
              component="div"
              count={sessions.data.total}
              page={page - 1}
              rowsPerPage={pageSize}
              rowsPerPageOptions={[25, 50, 100]}
              onPageChange={(_e, p) => change({ page: p > 0 ? String(p + 1) : null }, null)}
              onRowsPerPageChange={(e) => change({ size: e.target.value === '25' ? null : e.target.value })}
            />
          </>
        )}
      </Card>
    </Box>
  );
}
