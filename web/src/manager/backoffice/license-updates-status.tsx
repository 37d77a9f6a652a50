import { useMemo, useState } from 'react';
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, Link as MuiLink, Paper, Typography } from '@mui/material';
import type { GridColDef, GridRenderCellParams } from '@mui/x-data-grid';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { Page } from '../../../../src/http/paging.js';
import type { LicenseUpdate } from '../../../../src/licensing/license-update.js';
import type { LicenseUpdatesStatus } from '../../../../src/server/exchange/license-updates.js';
import { apiJson, instancePath } from '../../api/client.js';
import { FieldList } from '../../components/FieldList.js';
import { PagedGrid, usePageParam } from '../../components/PagedGrid.js';
import { QueryState } from '../../components/QueryState.js';
import { describeTarget, useConnection } from '../connection.js';
import { shownDate, shownSeconds } from '../display.js';
import { isMissingRoute } from './back-office-request.js';
import { LicenseUpdateDetails, SOURCE_WORDS } from './license-update-view.js';

/** How the last poll went, in words. */
function lastPoll(polling: LicenseUpdatesStatus['polling']): string {
  if (polling.lastAttemptAt === null) return 'never polled since the server started';
  if (polling.lastError !== null) return `${shownDate(polling.lastAttemptAt)}: failed — ${polling.lastError}`;
  return `${shownDate(polling.lastAttemptAt)}: succeeded`;
}

/** Whether the server is activated and where capability polling stands. */
export function LicenseUpdatesStatusCard() {
  const connection = useConnection();
  const status = useQuery({
    queryKey: ['license-updates', 'status', describeTarget(connection)],
    queryFn: ({ signal }) => apiJson<LicenseUpdatesStatus>(instancePath('/license-updates/status'), { signal }),
    retry: (n, e) => !isMissingRoute(e) && n < 2,
  });
  // An older server has no status to show; the Refresh below says so when used.
  if (status.isError && isMissingRoute(status.error)) return null;
  return (
    <Paper variant="outlined" component="section" aria-labelledby="license-status-title" sx={{ p: { xs: 1.5, sm: 2 } }} data-testid="license-status">
      <Typography variant="h6" component="h2" id="license-status-title" gutterBottom>
        License status
      </Typography>
      <QueryState query={status} what="the license status">
        {(s) => (
          <FieldList
            testId="license-status-fields"
            fields={[
              { label: 'Activated', value: s.activated ? `yes, for account ${s.accountId ?? '–'}` : 'no', note: s.activated ? (s.rightsIssuedAt ? `Rights issued ${shownDate(s.rightsIssuedAt)}` : undefined) : 'Activate an activation ID (Online Activations), or carry an activation request to the back office (Offline Server Updates).' },
              { label: 'Back office', value: s.backOfficeUrl ?? 'none configured', note: s.backOfficeUrl ? undefined : 'Set Capability Polling’s back office URL in the properties to talk to it online.' },
              { label: 'Capability polling', value: s.polling.enabled ? `on, every ${shownSeconds(s.polling.interval)}; after a failure, again in ${shownSeconds(s.polling.retryInterval)}` : 'off' },
              { label: 'Last poll', value: lastPoll(s.polling), note: s.polling.lastSuccessAt && s.polling.lastError ? `Last success ${shownDate(s.polling.lastSuccessAt)}` : undefined },
              { label: 'Next poll', value: s.polling.nextPollAt ? shownDate(s.polling.nextPollAt) : 'none scheduled' },
              { label: 'Response lifetime', value: shownSeconds(s.responseLifetime), note: 'How long an answer of the back office may be applied after it was issued.' },
              { label: 'Pending offline requests', value: s.pendingRequests.toLocaleString(), note: 'Requests made and not yet answered.' },
            ]}
          />
        )}
      </QueryState>
    </Paper>
  );
}

/** Every change of this server's licenses, newest first; a row opens what it did. */
export function LicenseUpdateHistory() {
  const connection = useConnection();
  const [page, setPage] = usePageParam();
  const [open, setOpen] = useState<LicenseUpdate | null>(null);
  const params = new URLSearchParams({ page: String(page), pageSize: String(connection.pageSize) });
  const history = useQuery({
    queryKey: ['license-updates', 'history', describeTarget(connection), params.toString()],
    queryFn: ({ signal }) => apiJson<Page<LicenseUpdate>>(instancePath(`/license-updates?${params.toString()}`), { signal }),
    placeholderData: keepPreviousData,
    retry: (n, e) => !isMissingRoute(e) && n < 2,
  });
  const columns = useMemo<Array<GridColDef<LicenseUpdate>>>(
    () => [
      {
        field: 'at',
        headerName: 'When',
        width: 190,
        renderCell: (p: GridRenderCellParams<LicenseUpdate>) => (
          <MuiLink component="button" type="button" tabIndex={p.hasFocus ? 0 : -1} onClick={(e) => { e.stopPropagation(); setOpen(p.row); }} sx={{ verticalAlign: 'baseline' }}>
            {shownDate(p.row.at)}
          </MuiLink>
        ),
      },
      { field: 'source', headerName: 'Source', width: 250, valueFormatter: (v: LicenseUpdate['source']) => SOURCE_WORDS[v] },
      { field: 'summary', headerName: 'What changed', flex: 1, minWidth: 280 },
    ],
    [],
  );
  if (history.isError && isMissingRoute(history.error)) return null;
  return (
    <Paper variant="outlined" component="section" aria-labelledby="license-history-title" sx={{ p: { xs: 1.5, sm: 2 } }}>
      <Typography variant="h6" component="h2" id="license-history-title" gutterBottom>
        History of license updates
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 1.5 }}>
        Every change of this server&apos;s licenses, newest first. Click a row for the records it added, changed or removed and the leases it ended.
      </Typography>
      {/* Rows grow with long summaries; the padding keeps short ones from being cramped. */}
      <Box sx={{ '& .MuiDataGrid-root .MuiDataGrid-cell': { py: 1 } }}>
        <PagedGrid<LicenseUpdate>
          label="History of license updates"
          tableKey="manager-license-updates"
          columns={columns}
          query={history}
          getRowId={(u) => u.id}
          page={page}
          pageSize={connection.pageSize}
          onPageChange={setPage}
          emptyText="No license update yet: licenses loaded, activated or updated from the back office show here."
          autoRowHeight
          height={360}
          onRowClick={setOpen}
        />
      </Box>
      <Dialog open={open !== null} onClose={() => setOpen(null)} fullWidth maxWidth="md" aria-labelledby="license-update-title">
        {open && (
          <>
            <DialogTitle id="license-update-title">
              {SOURCE_WORDS[open.source]}, {shownDate(open.at)}
            </DialogTitle>
            <DialogContent dividers>
              <LicenseUpdateDetails update={open} />
              {open.added.length + open.changed.length + open.removed.length + open.endedLeases.length === 0 && (
                <Alert severity="info" sx={{ mt: 2 }}>
                  This update changed no record and ended no lease.
                </Alert>
              )}
            </DialogContent>
            <DialogActions>
              <Box sx={{ flexGrow: 1 }} />
              <Button onClick={() => setOpen(null)}>Close</Button>
            </DialogActions>
          </>
        )}
      </Dialog>
    </Paper>
  );
}
