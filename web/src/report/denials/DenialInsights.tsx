import { Box, Link, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from '@mui/material';
import type { DenialsInsights } from '../../../../src/warehouse/queries/get-denials-insights.js';

/**
 * What each denial reason means and what to do about it, the accounts that would buy more
 * first: they are where denials turn into sales.
 */
export function DenialInsights({ data, onAccount, onCode }: { data: DenialsInsights; onAccount: (id: string) => void; onCode: (code: number) => void }) {
  const { buyers } = data;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Box data-testid="buyers">
        <Typography variant="subtitle2" component="h3">
          Accounts that would buy more
        </Typography>
        <Typography variant="caption" color="text.secondary" component="p" sx={{ mb: 1 }}>
          At least {buyers.minDenials} true insufficient-count (7) denials — the same device or user did not get the feature within 5 minutes — made while the feature's
          server had {buyers.threshold} % or more of its licenses in use.
        </Typography>
        {buyers.rows.length === 0 ? (
          <Typography variant="body2">No account in this range: no feature ran short while in heavy use.</Typography>
        ) : (
          <Table size="small" aria-label="Accounts that would buy more" sx={{ maxWidth: 640 }}>
            <TableHead>
              <TableRow>
                <TableCell>Account</TableCell>
                <TableCell align="right">Denials at {buyers.threshold} % or more</TableCell>
                <TableCell>Features</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {buyers.rows.map((b) => (
                <TableRow key={b.accountId ?? ''} data-testid="buyer-row">
                  <TableCell>
                    {b.accountId === null ? (
                      '(no account)'
                    ) : (
                      <Link component="button" type="button" onClick={() => onAccount(b.accountId!)} sx={{ textAlign: 'left' }} title={`Account ID ${b.accountId}`}>
                        {b.accountName ?? b.accountId}
                      </Link>
                    )}
                  </TableCell>
                  <TableCell align="right">{b.denials.toLocaleString()}</TableCell>
                  <TableCell>{b.features.join(', ')}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </Box>
      <TableContainer>
        <Table size="small" aria-label="Denial reasons: what they mean and what to do">
          <TableHead>
            <TableRow>
              <TableCell>Reason</TableCell>
              <TableCell align="right">Denials</TableCell>
              <TableCell align="right" title="Denials of this reason / (checkouts + denials)">
                Denial rate
              </TableCell>
              <TableCell sx={{ minWidth: 200, display: { xs: 'none', md: 'table-cell' } }}>What it means</TableCell>
              <TableCell sx={{ minWidth: { md: 220 } }}>What to do</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {data.rows.map((r) => (
              <TableRow key={r.code} data-testid="insight-row" sx={{ verticalAlign: 'top' }}>
                <TableCell sx={{ whiteSpace: { md: 'nowrap' }, wordBreak: { xs: 'break-word', md: 'normal' } }}>
                  <Link component="button" type="button" onClick={() => onCode(r.code)} title={r.description} sx={{ textAlign: 'left' }}>
                    {r.label}
                  </Link>
                </TableCell>
                <TableCell align="right">{r.count.toLocaleString()}</TableCell>
                <TableCell align="right">{r.denialRate} %</TableCell>
                <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>{r.meaning}</TableCell>
                <TableCell>{r.action}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
      <Typography variant="caption" color="text.secondary">
        Denial rate: the reason's denials over all requests answered in the range ({data.checkouts.toLocaleString()} checkouts and {data.denials.toLocaleString()} denials).
      </Typography>
    </Box>
  );
}
