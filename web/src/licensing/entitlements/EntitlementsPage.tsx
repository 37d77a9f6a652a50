import { Box, Button, MenuItem, TextField, Typography } from '@mui/material';
import type { GridColDef } from '@mui/x-data-grid';
import { Link, useNavigate } from 'react-router';
import { useAuth } from '../../api/auth.js';
import { CellLink, PagedGrid, usePageParam } from '../../components/PagedGrid.js';
import { ListSearch, useListParam } from '../ListSearch.js';
import type { EntitlementView } from '../licensing-api.js';
import { LICENSING_PAGE_SIZE, LICENSING_ROUTES, useAccounts, useEntitlements } from '../licensing-api.js';
import { formatTime } from '../licensing-text.js';

export const entitlementPath = (id: string) => `/licensing/entitlements/${encodeURIComponent(id)}`;

const COLUMNS: Array<GridColDef<EntitlementView>> = [
  {
    field: 'id',
    headerName: 'Entitlement ID',
    minWidth: 150,
    flex: 1,
    renderCell: (p) => (
      <CellLink params={p} to={entitlementPath(p.row.id)}>
        {p.row.id}
      </CellLink>
    ),
  },
  { field: 'name', headerName: 'Name', minWidth: 150, flex: 1, valueGetter: (_v, row) => row.name ?? '—' },
  { field: 'accountId', headerName: 'Account', minWidth: 160, flex: 1, valueGetter: (_v, row) => `${row.accountName} (${row.accountId})` },
  { field: 'activationIds', headerName: 'Activation IDs', minWidth: 200, flex: 1.5, valueGetter: (_v, row) => row.lineItems.map((l) => l.activationId).join(', ') },
  { field: 'products', headerName: 'Products', minWidth: 200, flex: 1.5, valueGetter: (_v, row) => row.lineItems.map((l) => `${l.productName} × ${l.quantity}`).join(', ') },
  { field: 'createdAt', headerName: 'Created', width: 170, valueGetter: (_v, row) => formatTime(row.createdAt) },
];

/** Entitlements: searchable by ID, name, account, activation ID or product, filtered by account, paged. */
export default function EntitlementsPage() {
  const [q] = useListParam('q');
  const [accountId, setAccountId] = useListParam('account');
  const [page, setPage] = usePageParam();
  const query = useEntitlements({ q, accountId }, page);
  const accounts = useAccounts();
  const navigate = useNavigate();
  const auth = useAuth();
  const choices = accounts.data?.items ?? [];
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
        <Typography variant="h5" component="h1" sx={{ flexGrow: { xs: 1, sm: 0 } }}>
          Entitlements
        </Typography>
        <ListSearch label="Search entitlements" placeholder="ID, name, account, activation ID or product" />
        <TextField
          select
          size="small"
          label="Account"
          value={choices.some((a) => a.id === accountId) || accountId === '' ? accountId : ''}
          onChange={(e) => setAccountId(e.target.value)}
          sx={{ minWidth: { xs: '100%', sm: 200 } }}
          helperText={accounts.isError ? `Could not load the accounts: ${accounts.error.message}` : undefined}
          error={accounts.isError}
        >
          <MenuItem value="">Every account</MenuItem>
          {choices.map((a) => (
            <MenuItem key={a.id} value={a.id}>
              {a.name} ({a.id})
            </MenuItem>
          ))}
        </TextField>
        {auth.may(...LICENSING_ROUTES.addEntitlement) && (
          <Button variant="contained" component={Link} to="/licensing/entitlements/new" sx={{ ml: { sm: 'auto' } }}>
            New entitlement
          </Button>
        )}
      </Box>
      <PagedGrid
        label="Entitlements"
        tableKey="licensing-entitlements"
        columns={COLUMNS}
        query={query}
        getRowId={(row) => row.id}
        page={page}
        pageSize={LICENSING_PAGE_SIZE}
        onPageChange={setPage}
        emptyText={q || accountId ? 'No entitlement matches this search: change it or choose every account.' : 'No entitlements yet: entitle an account to a product.'}
        height={520}
        onRowClick={(row) => void navigate(entitlementPath(row.id))}
      />
    </Box>
  );
}
