import { useMemo, useState } from 'react';
import { Alert, Box, Button, Card } from '@mui/material';
import { DataGrid, getGridNumericOperators, getGridStringOperators } from '@mui/x-data-grid';
import type { GridColDef, GridColumnVisibilityModel, GridFilterModel, GridRenderCellParams, GridSortModel } from '@mui/x-data-grid';
import { useSearchParams } from 'react-router';
import type { EventColumn, EventRow } from '../../../../src/warehouse/queries/get-events.js';
import { useReportFilters } from '../filters.js';
import { useEvents } from '../hooks.js';
import { eventsRequest } from '../page-requests.js';
import { GRID_COLUMNS } from './event-columns.js';
import { FeatureInManager } from '../manager-link.js';

/** Operators the API's column conditions know, by the grid's names. */
const NUMBER_OPS: Record<string, string> = { '=': '=', '!=': '!=', '>': '>', '>=': '>=', '<': '<', '<=': '<=' };
const numberOperators = getGridNumericOperators().filter((op) => op.value in NUMBER_OPS);
const textOperators = getGridStringOperators().filter((op) => op.value === 'equals');
const OPS_FROM_API: Record<string, string> = { ...NUMBER_OPS };

/** What the grid shows in a cell where it is not the value itself. */
const SHOWN: Partial<Record<EventColumn, Partial<GridColDef<EventRow>>>> = {
  ts: { filterable: false, valueFormatter: (v: string) => new Date(v).toLocaleString() },
  feature: { renderCell: (p: GridRenderCellParams<EventRow, string>) => <FeatureInManager feature={p.row.feature} tabIndex={p.hasFocus ? 0 : -1} /> },
  usagePercentage: { valueFormatter: (v: number | null) => (v === null ? '' : `${v}%`) },
  statusCode: { valueFormatter: (_v, row) => row.denialReason ?? '' },
  // The registry's name where it has one; the ID on hover.
  accountId: { valueFormatter: (_v, row) => row.accountName ?? row.accountId ?? '', renderCell: (p: GridRenderCellParams<EventRow>) => <span title={p.row.accountId ?? ''}>{p.formattedValue}</span> },
  instanceId: { valueFormatter: (_v, row) => row.instanceName ?? row.instanceId, renderCell: (p: GridRenderCellParams<EventRow>) => <span title={p.row.instanceId}>{p.formattedValue}</span> },
};
const COLUMNS = (Object.keys(GRID_COLUMNS) as EventColumn[]).map((field): GridColDef<EventRow> => {
  const { header, width, numeric } = GRID_COLUMNS[field];
  const kind = numeric ? { type: 'number' as const, filterOperators: numberOperators } : { filterOperators: textOperators };
  return { field, headerName: header, width: width ?? (numeric ? 110 : 140), ...kind, ...SHOWN[field] };
});
const DEFAULT_HIDDEN = COLUMNS.map((c) => c.field).filter((field) => GRID_COLUMNS[field as EventColumn].hidden);

/** `usagePercentage>=80` → the grid's filter model, and back. */
function toFilterModel(where: string | null): GridFilterModel {
  const items = (where ?? '')
    .split(',')
    .map((part) => /^\s*([A-Za-z]+)\s*(>=|<=|!=|=|>|<)\s*(.*?)\s*$/.exec(part))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m, id) => {
      const numeric = COLUMNS.find((c) => c.field === m[1])?.type === 'number';
      return { id, field: m[1]!, operator: numeric ? OPS_FROM_API[m[2]!]! : 'equals', value: m[3] };
    });
  return { items: items.slice(0, 1) };
}
function toWhere(model: GridFilterModel): string {
  return model.items
    .filter((i) => i.value !== undefined && i.value !== null && String(i.value) !== '')
    .map((i) => `${i.field}${i.operator === 'equals' ? '=' : (NUMBER_OPS[i.operator] ?? '=')}${String(i.value)}`)
    .join(',');
}

/** Every event in the filters, paged, sorted and filtered by the server. */
export default function EventsPage() {
  const { filters } = useReportFilters();
  const [url, setUrl] = useSearchParams();
  const page = Math.max(1, Number(url.get('page') ?? 1) || 1);
  const pageSize = Number(url.get('size') ?? 50) || 50;
  const events = useEvents(eventsRequest(filters, url));

  const hideParam = url.get('hide');
  const visibility = useMemo<GridColumnVisibilityModel>(() => {
    const hidden = hideParam === null ? DEFAULT_HIDDEN : hideParam.split(',');
    return Object.fromEntries(COLUMNS.map((c) => [c.field, !hidden.includes(c.field)]));
  }, [hideParam]);
  const sortModel: GridSortModel = url.get('sort') ? [{ field: url.get('sort')!, sort: url.get('order') === 'asc' ? 'asc' : 'desc' }] : [];
  const whereParam = url.get('where');
  // The grid's filter as being edited: an item without a value yet is no condition for the URL,
  // but the panel must keep showing it; the URL wins when it changes (Back, a shared link).
  const [draft, setDraft] = useState<{ where: string | null; model: GridFilterModel }>(() => ({ where: whereParam, model: toFilterModel(whereParam) }));
  const filterModel = useMemo(() => (draft.where === whereParam ? draft.model : toFilterModel(whereParam)), [draft, whereParam]);
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

  return (
    <Card variant="outlined" data-testid="widget-events" data-state={events.isPending ? 'loading' : events.isError ? 'error' : 'ready'}>
      {events.isError && (
        <Alert severity="error" action={<Button color="inherit" size="small" onClick={() => void events.refetch()}>Retry</Button>}>
          Could not load the events: {events.error.message}
        </Alert>
      )}
      <Box sx={{ height: { xs: 520, md: 640 }, width: '100%' }}>
        <DataGrid
          label="All events"
          showToolbar
          slotProps={{ toolbar: { csvOptions: { disableToolbarButton: true }, printOptions: { disableToolbarButton: true } } }}
          columns={COLUMNS}
          rows={events.data?.rows ?? []}
          getRowId={(r) => r.eventId}
          rowCount={events.data?.total ?? 0}
          loading={events.isFetching}
          paginationMode="server"
          sortingMode="server"
          filterMode="server"
          pageSizeOptions={[25, 50, 100]}
          paginationModel={{ page: page - 1, pageSize }}
          onPaginationModelChange={(m) => change({ page: m.page > 0 ? String(m.page + 1) : null, size: m.pageSize === 50 ? null : String(m.pageSize) }, false)}
          sortModel={sortModel}
          onSortModelChange={(m) => change({ sort: m[0]?.field ?? null, order: m[0]?.sort ?? null })}
          filterModel={filterModel}
          onFilterModelChange={(m) => {
            const where = toWhere(m) || null;
            setDraft({ where, model: m });
            if (where !== whereParam) change({ where });
          }}
          columnVisibilityModel={visibility}
          onColumnVisibilityModelChange={(m) => change({ hide: COLUMNS.filter((c) => m[c.field] === false).map((c) => c.field).join(',') || ',' }, false)}
          disableRowSelectionOnClick
          localeText={{ noRowsLabel: 'No events in this time range with these filters. Widen the time range or remove a filter.' }}
        />
      </Box>
    </Card>
  );
}
