import { Box, Button, Typography } from '@mui/material';
import type { GridColDef } from '@mui/x-data-grid';
import { Link, useNavigate } from 'react-router';
import { useAuth } from '../../api/auth.js';
import { CellLink, PagedGrid, usePageParam } from '../../components/PagedGrid.js';
import { ListSearch, useListParam } from '../ListSearch.js';
import type { ProductView } from '../licensing-api.js';
import { LICENSING_PAGE_SIZE, LICENSING_ROUTES, useProducts } from '../licensing-api.js';
import { formatTime } from '../licensing-text.js';

const productPath = (id: string) => `/licensing/products/${encodeURIComponent(id)}`;

const COLUMNS: Array<GridColDef<ProductView>> = [
  {
    field: 'id',
    headerName: 'Product ID',
    minWidth: 160,
    flex: 1,
    renderCell: (p) => (
      <CellLink params={p} to={productPath(p.row.id)}>
        {p.row.id}
      </CellLink>
    ),
  },
  { field: 'name', headerName: 'Name', minWidth: 160, flex: 1.2 },
  { field: 'version', headerName: 'Version', width: 100, valueGetter: (_v, row) => row.version ?? '—' },
  { field: 'term', headerName: 'Term', width: 110 },
  { field: 'features', headerName: 'Features', minWidth: 200, flex: 2, valueGetter: (_v, row) => row.features.map((f) => `${f.name} ${f.version}`).join(', ') },
  { field: 'updatedAt', headerName: 'Updated', width: 170, valueGetter: (_v, row) => formatTime(row.updatedAt) },
];

/** The products a producer sells: searchable by ID, name or feature, paged. */
export default function ProductsPage() {
  const [q] = useListParam('q');
  const [page, setPage] = usePageParam();
  const query = useProducts(q, page);
  const navigate = useNavigate();
  const auth = useAuth();
  const canAdd = auth.may(...LICENSING_ROUTES.addProduct);
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
        <Typography variant="h5" component="h1" sx={{ flexGrow: { xs: 1, sm: 0 } }}>
          Products
        </Typography>
        <ListSearch label="Search products" placeholder="ID, name or feature" />
        {canAdd && (
          <Button variant="contained" component={Link} to="/licensing/products/new" sx={{ ml: { sm: 'auto' } }}>
            Add product
          </Button>
        )}
      </Box>
      <PagedGrid
        label="Products"
        tableKey="licensing-products"
        columns={COLUMNS}
        query={query}
        getRowId={(row) => row.id}
        page={page}
        pageSize={LICENSING_PAGE_SIZE}
        onPageChange={setPage}
        emptyText={q ? `No product matches “${q}”.` : 'No products yet: add one to entitle accounts to it.'}
        hiddenByDefault={[]}
        height={520}
        onRowClick={(row) => void navigate(productPath(row.id))}
      />
    </Box>
  );
}
