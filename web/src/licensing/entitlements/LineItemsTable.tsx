import { Box, Link as MuiLink, Table, TableBody, TableCell, TableContainer, TableHead, TableRow } from '@mui/material';
import { Link } from 'react-router';
import { CopyButton } from '../CopyButton.js';
import type { LineItemView } from '../licensing-api.js';
import { formatExpiry } from '../licensing-text.js';

export const activationIdPath = (id: string) => `/licensing/activation-ids/${encodeURIComponent(id)}`;

/** An entitlement's line items: each activation ID (to copy, or open), its product and counts. */
export function LineItemsTable({ items }: { items: LineItemView[] }) {
  return (
    <TableContainer>
      <Table size="small" data-testid="line-items-table" sx={{ minWidth: 640 }}>
        <TableHead>
          <TableRow>
            <TableCell>Activation ID</TableCell>
            <TableCell>Product</TableCell>
            <TableCell align="right">Quantity</TableCell>
            <TableCell align="right">Activated</TableCell>
            <TableCell align="right">Remaining</TableCell>
            <TableCell>Start</TableCell>
            <TableCell>Expiry</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map((l) => (
            <TableRow key={l.activationId} data-testid="line-item">
              <TableCell>
                <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
                  <MuiLink component={Link} to={activationIdPath(l.activationId)} sx={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}>
                    {l.activationId}
                  </MuiLink>
                  <CopyButton text={l.activationId} what={`activation ID ${l.activationId}`} />
                </Box>
              </TableCell>
              <TableCell sx={{ overflowWrap: 'anywhere' }}>
                <MuiLink component={Link} to={`/licensing/products/${encodeURIComponent(l.productId)}`}>
                  {l.productName}
                </MuiLink>
              </TableCell>
              <TableCell align="right">{l.quantity}</TableCell>
              <TableCell align="right">{l.activated}</TableCell>
              <TableCell align="right">{l.remaining}</TableCell>
              <TableCell>{l.start ?? '—'}</TableCell>
              <TableCell>
                {formatExpiry(l.expiry)}
                {l.expired && ' (expired)'}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}
