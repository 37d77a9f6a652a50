import { useMemo, useRef } from 'react';
import { Alert, Box, Button, Card } from '@mui/material';
import { DataGrid } from '@mui/x-data-grid';
import type { GridColDef, GridColumnVisibilityModel, GridRenderCellParams, GridSortModel } from '@mui/x-data-grid';
import type { EventColumn, EventRow } from '../../../../src/warehouse/queries/get-events.js';
import { useFillHeight } from '../../components/fill-height.js';
import { useReportFilters } from '../filters.js';
import { useEvents } from '../hooks.js';
import { eventsRequest } from '../page-requests.js';
import { ConditionBar } from './ConditionBar.js';
import { formatWhere, parseWhere } from './conditions.js';
import { GRID_COLUMNS } from './event-columns.js';
import { FeatureInManager } from '../manager-link.js';
import { useUrlState } from '../url-state.js';

/** What the grid shows in a cell where it is not the value itself. */
const SHOWN: Partial<Record<EventColumn, Partial<GridColDef<EventRow>>>> = {
  ts: { valueFormatter: (v: string) => new Date(v).toLocaleString() },
  feature: { renderCell: (p: GridRenderCellParams<EventRow, string>) => <FeatureInManager feature={p.row.feature} tabIndex={p.hasFocus ? 0 : -1} /> },
  usagePercentage: { valueFormatter: (v: number | null) => (v === null ? '' : `${v}%`) },
  statusCode: { align: 'left', headerAlign: 'left', valueFormatter: (_v, row) => row.denialReason ?? '' },
  // The registry's name where it has one; the ID on hover.
  accountId: { valueFormatter: (_v, row) => row.accountName ?? row.accountId ?? '', renderCell: (p: GridRenderCellParams<EventRow>) => <span title={p.row.accountId ?? ''}>{p.formattedValue}</span> },
  instanceId: { valueFormatter: (_v, row) => row.instanceName ?? row.instanceId, renderCell: (p: GridRenderCellParams<EventRow>) => <span title={p.row.instanceId}>{p.formattedValue}</span> },
};
const COLUMNS = (Object.keys(GRID_COLUMNS) as EventColumn[]).map((field): GridColDef<EventRow> => {
  const { header, width, flex, numeric } = GRID_COLUMNS[field];
  // Numbers sort most first, times newest first: what a first click on their heading asks for.
  const kind = numeric ? { type: 'number' as const, sortingOrder: ['desc', 'asc'] as const } : field === 'ts' ? { sortingOrder: ['desc', 'asc'] as const } : {};
  const size = flex ? { flex: 1, minWidth: width } : { width };
  return { field, headerName: header, ...size, ...kind, ...SHOWN[field] };
});
const DEFAULT_HIDDEN = COLUMNS.map((c) => c.field).filter((field) => GRID_COLUMNS[field as EventColumn].hidden);

/**
 * Every event in the filters, paged, sorted and narrowed by column conditions on the server.
 * The report's search (in the filter row) is the page's only search box.
 */
export default function EventsPage() {
  const { filters } = useReportFilters();
  const { url, change } = useUrlState();
  const page = Math.max(1, Number(url.get('page') ?? 1) || 1);
  const pageSize = Number(url.get('size') ?? 50) || 50;
  const events = useEvents(eventsRequest(filters, url));
  const box = useRef<HTMLDivElement>(null);
  // Below the grid: the card's padding and the page's.
  const height = useFillHeight(box, { margin: 28 });

  const hideParam = url.get('hide');
  const visibility = useMemo<GridColumnVisibilityModel>(() => {
    const hidden = hideParam === null ? DEFAULT_HIDDEN : hideParam.split(',');
    return Object.fromEntries(COLUMNS.map((c) => [c.field, !hidden.includes(c.field)]));
  }, [hideParam]);
  const sortModel: GridSortModel = url.get('sort') ? [{ field: url.get('sort')!, sort: url.get('order') === 'asc' ? 'asc' : 'desc' }] : [];
  const conditions = useMemo(() => parseWhere(url.get('where')), [url]);

  return (
    <Card variant="outlined" data-testid="widget-events" data-state={events.isPending ? 'loading' : events.isError ? 'error' : 'ready'} sx={{ p: 1 }}>
      <ConditionBar conditions={conditions} onChange={(next) => change({ where: formatWhere(next) || null })} />
      {events.isError && (
        <Alert severity="error" action={<Button color="inherit" size="small" onClick={() => void events.refetch()}>Retry</Button>}>
          Could not load the events: {events.error.message}
        </Alert>
      )}
      <Box ref={box} sx={{ height, width: '100%' }}>
        <DataGrid
          label="All events"
          showToolbar
          slotProps={{ toolbar: { showQuickFilter: false, csvOptions: { disableToolbarButton: true }, printOptions: { disableToolbarButton: true } } }}
          columns={COLUMNS}
          rows={events.data?.rows ?? []}
          getRowId={(r) => r.eventId}
          rowCount={events.data?.total ?? 0}
          loading={events.isFetching}
          paginationMode="server"
          sortingMode="server"
          disableColumnFilter
          pageSizeOptions={[25, 50, 100]}
          paginationModel={{ page: page - 1, pageSize }}
          onPaginationModelChange={(m) => change({ page: m.page > 0 ? String(m.page + 1) : null, size: m.pageSize === 50 ? null : String(m.pageSize) }, null)}
          sortModel={sortModel}
          onSortModelChange={(m) => change({ sort: m[0]?.field ?? null, order: m[0]?.sort ?? null })}
          columnVisibilityModel={visibility}
          onColumnVisibilityModelChange={(m) => change({ hide: COLUMNS.filter((c) => m[c.field] === false).map((c) => c.field).join(',') || ',' }, null)}
          disableRowSelectionOnClick
          localeText={{ noRowsLabel: 'No events in this time range with these filters and conditions. Widen the time range or remove a filter or condition.' }}
        />
      </Box>
    </Card>
  );
}
