import { useState } from 'react';
import { Alert, Box, Button, Link as MuiLink } from '@mui/material';
import { DataGrid } from '@mui/x-data-grid';
import type { GridColDef, GridColumnVisibilityModel, GridRenderCellParams, GridRowSelectionModel, GridValidRowModel } from '@mui/x-data-grid';
import type { UseQueryResult } from '@tanstack/react-query';
import { Link as RouterLink, useSearchParams } from 'react-router';
import type { Page } from '../../../src/http/paging.js';
import { ApiError } from '../api/client.js';
import { AccessDenied } from './QueryState.js';

/** The page the URL asks for (`?page=`, counted from 1): Back returns to it, and links share it. */
export function usePageParam(): [number, (page: number) => void] {
  const [url, setUrl] = useSearchParams();
  const page = Math.max(1, Number(url.get('page') ?? 1) || 1);
  const set = (next: number) =>
    setUrl((current) => {
      const params = new URLSearchParams(current);
      if (next > 1) params.set('page', String(next));
      else params.delete('page');
      return params;
    });
  return [page, set];
}

/** Which columns a user hid in one table, kept in this browser. */
function useVisibility(key: string, hiddenByDefault: string[]): [GridColumnVisibilityModel, (m: GridColumnVisibilityModel) => void] {
  const storageKey = `tally.columns:${key}`;
  const [model, setModel] = useState<GridColumnVisibilityModel>(() => {
    const stored = localStorage.getItem(storageKey);
    if (stored) {
      try {
        return JSON.parse(stored) as GridColumnVisibilityModel;
      } catch {
        // A damaged entry: the defaults again.
      }
    }
    return Object.fromEntries(hiddenByDefault.map((f) => [f, false]));
  });
  return [
    model,
    (m) => {
      localStorage.setItem(storageKey, JSON.stringify(m));
      setModel(m);
    },
  ];
}

export interface PagedGridProps<T extends GridValidRowModel> {
  /** Names the table for screen readers and keeps its column choice apart from other tables'. */
  label: string;
  tableKey: string;
  columns: Array<GridColDef<T>>;
  query: UseQueryResult<Page<T>>;
  getRowId: (row: T) => string;
  page: number;
  pageSize: number;
  onPageChange: (page: number) => void;
  /** Shown when there are no rows: what that means and what to do. */
  emptyText: string;
  hiddenByDefault?: string[];
  selection?: { model: string[]; onChange: (ids: string[]) => void };
  height?: number;
  /** Rows grow to fit cells that wrap (long reasons), rather than cutting them off. */
  autoRowHeight?: boolean;
  /** Opens a row (its details page); a link in the row's first cell does the same from the keyboard. */
  onRowClick?: (row: T) => void;
}

/**
 * A table of one paged API listing: the server pages (with the page size of Settings), the
 * View Columns chooser is the grid's column menu and remembers its choice, and the loading,
 * error and empty states say what happened.
 */
export function PagedGrid<T extends GridValidRowModel>({ label, tableKey, columns, query, getRowId, page, pageSize, onPageChange, emptyText, hiddenByDefault = [], selection, height = 560, autoRowHeight = false, onRowClick }: PagedGridProps<T>) {
  const [visibility, setVisibility] = useVisibility(tableKey, hiddenByDefault);
  if (query.isError && query.error instanceof ApiError && query.error.status === 403) return <AccessDenied message={query.error.message} />;
  const selectionModel: GridRowSelectionModel | undefined = selection ? { type: 'include', ids: new Set(selection.model) } : undefined;
  return (
    <Box data-testid={`table-${tableKey}`} data-state={query.isPending ? 'loading' : query.isError ? 'error' : 'ready'}>
      {query.isError && (
        <Alert severity="error" sx={{ mb: 1 }} action={<Button color="inherit" size="small" onClick={() => void query.refetch()}>Retry</Button>}>
          Could not load this table: {query.error.message}
        </Alert>
      )}
      <Box sx={{ height, width: '100%' }}>
        <DataGrid
          label={label}
          showToolbar
          slotProps={{ toolbar: { csvOptions: { disableToolbarButton: true }, printOptions: { disableToolbarButton: true }, showQuickFilter: false } }}
          columns={columns}
          rows={query.data?.items ?? []}
          getRowId={getRowId}
          rowCount={query.data?.total ?? 0}
          loading={query.isFetching}
          paginationMode="server"
          pageSizeOptions={[pageSize]}
          paginationModel={{ page: page - 1, pageSize }}
          // The grid also reports the page it is already on (when the row count changes): only a move is a change, lest it overwrite the URL being set.
          onPaginationModelChange={(m) => m.page + 1 !== page && onPageChange(m.page + 1)}
          columnVisibilityModel={visibility}
          onColumnVisibilityModelChange={setVisibility}
          disableColumnFilter
          disableColumnSorting
          disableRowSelectionOnClick
          {...(autoRowHeight ? { getRowHeight: () => 'auto' as const } : {})}
          {...(onRowClick ? { onRowClick: (p: { row: T }) => onRowClick(p.row), sx: { '& .MuiDataGrid-row': { cursor: 'pointer' } } } : {})}
          {...(selection
            ? { checkboxSelection: true, rowSelectionModel: selectionModel, onRowSelectionModelChange: (m: GridRowSelectionModel) => selection.onChange([...m.ids].map(String)) }
            : {})}
          localeText={{ noRowsLabel: emptyText, footerTotalRows: 'Total number of records:' }}
        />
      </Box>
    </Box>
  );
}

/** A link inside a grid cell: reachable by Tab only while its cell has the focus, as the grid wants; a click on it is not also a row click. */
export function CellLink({ params, to, state, children }: { params: GridRenderCellParams; to: string; state?: unknown; children: string }) {
  return (
    <MuiLink component={RouterLink} to={to} state={state} tabIndex={params.hasFocus ? 0 : -1} onClick={(e) => e.stopPropagation()}>
      {children}
    </MuiLink>
  );
}
