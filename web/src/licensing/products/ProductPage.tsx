import { Box, Button, Paper, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from '@mui/material';
import { Link, useParams } from 'react-router';
import { FieldList } from '../../components/FieldList.js';
import { QueryState } from '../../components/QueryState.js';
import type { ProductView } from '../licensing-api.js';
import { useProduct } from '../licensing-api.js';
import { formatDuration, formatTime } from '../licensing-text.js';

/** One product: what it is and the features each unit activated gives. */
export default function ProductPage() {
  const { productId = '' } = useParams();
  const query = useProduct(productId);
  return (
    <QueryState query={query} what={`product ${productId}`}>
      {(product) => (
        <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 2 }}>
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
            <Typography variant="h5" component="h1" sx={{ flexGrow: 1, overflowWrap: 'anywhere' }}>
              Product {product.name}
            </Typography>
            <Button component={Link} to={`/licensing/entitlements?q=${encodeURIComponent(product.id)}`}>
              Entitlements to it
            </Button>
          </Box>
          <Paper variant="outlined" sx={{ p: 2 }}>
            <FieldList
              testId="product-fields"
              fields={[
                { label: 'Product ID', value: product.id },
                { label: 'Name', value: product.name },
                { label: 'Version', value: product.version ?? '—' },
                { label: 'Term', value: product.term, note: 'how long activated rights last when a line item sets no expiry' },
                { label: 'Created', value: formatTime(product.createdAt) },
                { label: 'Updated', value: formatTime(product.updatedAt) },
              ]}
            />
          </Paper>
          <ProductFeaturesTable product={product} />
        </Box>
      )}
    </QueryState>
  );
}

function ProductFeaturesTable({ product }: { product: ProductView }) {
  return (
    <Paper variant="outlined" component="section" aria-labelledby="product-features">
      <Typography variant="h6" component="h2" id="product-features" sx={{ px: 2, pt: 1.5 }}>
        Features
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ px: 2 }}>
        Counts and overdraft are per unit activated: a server with 3 units of this product has three times these counts.
      </Typography>
      <TableContainer>
        <Table size="small" data-testid="product-features-table" sx={{ minWidth: 640 }}>
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Version</TableCell>
              <TableCell>Model</TableCell>
              <TableCell align="right">Counts per unit</TableCell>
              <TableCell align="right">Overdraft</TableCell>
              <TableCell>Borrow interval</TableCell>
              <TableCell>Term</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {product.features.map((f) => (
              <TableRow key={`${f.name}\u0000${f.version}`}>
                <TableCell sx={{ overflowWrap: 'anywhere' }}>{f.name}</TableCell>
                <TableCell>{f.version}</TableCell>
                <TableCell>{f.model}</TableCell>
                <TableCell align="right">{f.counted ? f.count : 'uncounted'}</TableCell>
                <TableCell align="right">{f.overdraft}</TableCell>
                <TableCell>{f.borrowInterval ? formatDuration(f.borrowInterval) : 'no borrowing'}</TableCell>
                <TableCell>{product.term}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    </Paper>
  );
}
