import { Alert, Box, Button, Card, Typography } from '@mui/material';
import { DataGrid } from '@mui/x-data-grid';
import type { GridColDef, GridSortModel } from '@mui/x-data-grid';
import { useSearchParams } from 'react-router';
import type { Sessions } from '../../../../src/warehouse/queries/get-sessions.js';
import { RankingBarChart } from '../../charts/RankingBarChart.js';
import { WidgetCard } from '../../components/WidgetCard.js';
import { apiParams, useReportFilters } from '../filters.js';
import { useSessionHours, useSessions } from '../hooks.js';
import { FeatureInManager } from '../manager-link.js';
import { sessionsRequest } from '../page-requests.js';
import { formatDuration, hoursBy } from './duration.js';

type Session = Sessions['rows'][number];
const time = (v: string | null) => (v === null ? '' : new Date(v).toLocaleString());
const NUMBER = { type: 'number' as const, sortingOrder: ['desc', 'asc'] as const };

const COLUMNS: Array<GridColDef<Session>> = [
  { field: 'start', headerName: 'Start', width: 190, sortingOrder: ['desc', 'asc'], valueFormatter: time },
  { field: 'end', headerName: 'End', width: 190, sortingOrder: ['desc', 'asc'], valueFormatter: (v: string | null) => (v === null ? 'still held' : time(v)) },
  { field: 'minutes', headerName: 'Duration', width: 130, ...NUMBER, valueFormatter: (v: number) => formatDuration(v) },
  { field: 'feature', headerName: 'Feature', flex: 1, minWidth: 100, renderCell: (p) => <FeatureInManager feature={p.row.feature} tabIndex={p.hasFocus ? 0 : -1} /> },
  { field: 'deviceId', headerName: 'Device', flex: 1, minWidth: 120 },
  { field: 'user', headerName: 'User', flex: 1, minWidth: 100 },
  { field: 'accountId', headerName: 'Account', flex: 1, minWidth: 100 },
  { field: 'instanceId', headerName: 'Instance', flex: 1, minWidth: 110 },
  { field: 'peakCount', headerName: 'Most held', width: 110, ...NUMBER },
  { field: 'endedBy', headerName: 'Ended by', width: 100, sortable: false },
];

/** How long devices held concurrent features: the hours per feature and account, and each session. */
export default function SessionsPage() {
  const { filters, drill } = useReportFilters();
  const [url, setUrl] = useSearchParams();
  const page = Math.max(1, Number(url.get('page') ?? 1) || 1);
  const pageSize = Number(url.get('size') ?? 25) || 25;
  const sessions = useSessions(sessionsRequest(filters, url));
  const hours = useSessionHours(apiParams(filters));
  const sortModel: GridSortModel = url.get('sort') ? [{ field: url.get('sort')!, sort: url.get('order') === 'asc' ? 'asc' : 'desc' }] : [];
  const change = (set: Record<string, string | null>, resetPage = true) =>
    setUrl((current) => {
      const next = new URLSearchParams(current);
      for (const [k, v] of Object.entries(set)) {
        if (v) next.set(k, v);
        else next.delete(k);
      }
      if (resetPage) next.delete('page');
      return next;
    });
  const none = 'No checkout sessions in this time range with these filters. Widen the time range or remove a filter.';
  const totals = sessions.data;

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: 'minmax(0, 1fr)', md: 'repeat(2, minmax(0, 1fr))' } }}>
        <WidgetCard title="Hours used per feature" subtitle="Checkout sessions within the range · click a bar to narrow the report to the feature" query={hours} isEmpty={(d) => d.rows.length === 0} emptyText={none} testId="widget-hours-by-feature" minHeight={160}>
          {(d) => <RankingBarChart rows={hoursBy(d.rows, (r) => r.feature, (r) => r.hours)} valueLabel="Hours" label="Hours used per feature" onSelect={(name) => drill('features', name)} testId="hours-by-feature-chart" />}
        </WidgetCard>
        <WidgetCard title="Hours used per account" subtitle="Click a bar to drill down" query={hours} isEmpty={(d) => d.rows.length === 0} emptyText={none} testId="widget-hours-by-account" minHeight={160}>
          {(d) => (
            <RankingBarChart
              rows={hoursBy(d.rows, (r) => r.accountId ?? '(no account)', (r) => r.hours)}
              valueLabel="Hours"
              label="Hours used per account"
              onSelect={(name) => name !== '(no account)' && drill('accounts', name)}
              testId="hours-by-account-chart"
            />
          )}
        </WidgetCard>
      </Box>
      <Card variant="outlined" data-testid="widget-sessions" data-state={sessions.isPending ? 'loading' : sessions.isError ? 'error' : 'ready'} sx={{ p: 2 }}>
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
        <Box sx={{ height: 620, width: '100%' }}>
          <DataGrid
            label="Checkout sessions"
            density="compact"
            columns={COLUMNS}
            rows={sessions.data?.rows ?? []}
            getRowId={(r) => `${r.instanceId} ${r.deviceId} ${r.feature} ${r.start}`}
            rowCount={sessions.data?.total ?? 0}
            loading={sessions.isFetching}
            paginationMode="server"
            sortingMode="server"
            disableColumnFilter
            pageSizeOptions={[25, 50, 100]}
            paginationModel={{ page: page - 1, pageSize }}
            onPaginationModelChange={(m) => change({ page: m.page > 0 ? String(m.page + 1) : null, size: m.pageSize === 25 ? null : String(m.pageSize) }, false)}
            sortModel={sortModel}
            onSortModelChange={(m) => change({ sort: m[0]?.field ?? null, order: m[0]?.sort ?? null })}
            disableRowSelectionOnClick
            localeText={{ noRowsLabel: none }}
          />
        </Box>
      </Card>
    </Box>
  );
}
