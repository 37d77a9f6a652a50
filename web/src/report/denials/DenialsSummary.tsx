import { Table, TableBody, TableCell, TableContainer, TableHead, TablePagination, TableRow, TableSortLabel, Tooltip } from '@mui/material';
import type { EventsPage } from '../../../../src/warehouse/queries/get-events.js';
import { FeatureInManager } from '../manager-link.js';
import type { SummarySort } from '../page-requests.js';
import { SUMMARY_PAGE_SIZE, summaryState } from '../page-requests.js';
import { useUrlState } from '../url-state.js';

const COLUMNS: Array<{ sort: SummarySort; label: string }> = [
  { sort: 'ts', label: 'Time' },
  { sort: 'accountId', label: 'Account' },
  { sort: 'user', label: 'User' },
  { sort: 'deviceId', label: 'Client (device)' },
  { sort: 'feature', label: 'Feature' },
  { sort: 'statusCode', label: 'Reason' },
];

/** The denials one by one; its page and sort live in the URL, so Back and a shared link restore them. */
export function DenialsSummary({ data }: { data: EventsPage }) {
  const { url, change } = useUrlState();
  const { page, sort, order } = summaryState(url);
  const sortBy = (column: SummarySort) => {
    // A new column starts with the most recent, the most, or the last in the alphabet first: like the events grid's numbers.
    const nextOrder = column === sort && order === 'desc' ? 'asc' : 'desc';
    change({ dsort: column === 'ts' && nextOrder === 'desc' ? null : column, dorder: nextOrder === 'desc' ? null : 'asc', dpage: null }, null);
  };
  return (
    <>
      <TableContainer>
        <Table size="small" aria-label="Denials summary">
          <TableHead>
            <TableRow>
              {COLUMNS.map((c) => (
                <TableCell key={c.sort} sortDirection={sort === c.sort ? order : false}>
                  <TableSortLabel active={sort === c.sort} direction={sort === c.sort ? order : 'desc'} onClick={() => sortBy(c.sort)}>
                    {c.label}
                  </TableSortLabel>
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {data.rows.map((r) => (
              <TableRow key={r.eventId} data-testid="denial-row">
                <TableCell sx={{ whiteSpace: 'nowrap' }}>{new Date(r.ts).toLocaleString()}</TableCell>
                <TableCell>{r.accountId === null ? '–' : <span title={`Account ID ${r.accountId}`}>{r.accountName ?? r.accountId}</span>}</TableCell>
                <TableCell>{r.user ?? '–'}</TableCell>
                <TableCell>{r.alias ? `${r.alias} (${r.deviceId})` : r.deviceId}</TableCell>
                <TableCell>
                  <FeatureInManager feature={r.feature} /> {r.version}
                </TableCell>
                <TableCell>
                  <Tooltip title={r.denialDescription ?? ''}>
                    <span>{r.denialReason}</span>
                  </Tooltip>
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      <TablePagination
        component="div"
        count={data.total}
        page={page - 1}
        rowsPerPage={SUMMARY_PAGE_SIZE}
        rowsPerPageOptions={[SUMMARY_PAGE_SIZE]}
        onPageChange={(_e, p) => change({ dpage: p > 0 ? String(p + 1) : null }, null)}
      />
    </>
  );
}
