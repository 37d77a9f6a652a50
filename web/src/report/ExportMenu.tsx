import { useState } from 'react';
import { Alert, Button, Menu, MenuItem, Snackbar } from '@mui/material';
import { apiFetch } from '../api/client.js';
import { REPORT_API } from './hooks.js';
import { apiParams, useReportFilters } from './filters.js';
import type { ReportPageName } from './page-requests.js';
import { eventsRequest, overviewModel } from './page-requests.js';
import type { EventColumn } from '../../../src/warehouse/queries/get-events.js';
import { GRID_COLUMNS } from './events/event-columns.js';

/**
 * The events grid's visible columns in its order, as the export's `columns`: its `hide`
 * parameter, or the columns it hides by default. The grid shows the denial's name in the code's
 * column, so the export follows the code with the name.
 */
export function visibleColumns(hide: string | null): string[] {
  const hidden = hide === null ? (Object.keys(GRID_COLUMNS) as EventColumn[]).filter((c) => GRID_COLUMNS[c].hidden) : hide.split(',');
  return (Object.keys(GRID_COLUMNS) as EventColumn[]).filter((c) => !hidden.includes(c)).flatMap((c) => (c === 'statusCode' ? [c, 'denialName'] : [c]));
}


/** Fetches a file with the session's token and hands it to the browser as a download. */
async function download(path: string, fallbackName: string): Promise<void> {
  const res = await apiFetch(path);
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Export the page as it is filtered: CSV of its main table, an Excel workbook, a PDF with charts. */
export function ExportMenu({ page }: { page: ReportPageName }) {
  const { filters, params } = useReportFilters();
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [message, setMessage] = useState<{ text: string; severity: 'info' | 'error' } | null>(null);
  const query = page === 'events' ? eventsRequest(filters, params) : apiParams(filters, page === 'overview' ? { model: overviewModel(filters) } : {});
  // An export has every row, not one page of them.
  query.delete('page');
  query.delete('pageSize');
  if (page === 'events') {
    const columns = visibleColumns(params.get('hide'));
    if (columns.length > 0) query.set('columns', columns.join(','));
  }
  const csv = { overview: `${overviewModel(filters)}-usage`, denials: 'denials-summary', events: 'events', sessions: 'sessions', utilization: 'account-utilization' }[page];
  const files = [
    { label: 'CSV (table)', file: `${csv}.csv` },
    { label: 'Excel workbook', file: `${page}.xlsx` },
    // The events page has no chart: its PDF is the listing as a table.
    { label: page === 'events' ? 'PDF (table)' : 'PDF with charts', file: `${page}.pdf` },
  ];
  const start = (file: string) => {
    setAnchor(null);
    setMessage({ text: `Preparing ${file}…`, severity: 'info' });
    download(`${REPORT_API}/${file}?${query.toString()}`, file).then(
      () => setMessage(null),
      (e: unknown) => setMessage({ text: `Export failed: ${e instanceof Error ? e.message : String(e)}`, severity: 'error' }),
    );
  };
  return (
    <>
      <Button variant="outlined" size="small" onClick={(e) => setAnchor(e.currentTarget)} aria-haspopup="menu">
        Export
      </Button>
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        {files.map((f) => (
          <MenuItem key={f.file} onClick={() => start(f.file)}>
            {f.label}
          </MenuItem>
        ))}
      </Menu>
      <Snackbar open={message !== null} autoHideDuration={message?.severity === 'error' ? 8000 : null} onClose={() => setMessage(null)}>
        <Alert severity={message?.severity ?? 'info'}>{message?.text}</Alert>
      </Snackbar>
    </>
  );
}
