import { Box, Chip, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from '@mui/material';
import { alpha } from '@mui/material/styles';
import { useNavigate } from 'react-router';
import { WidgetCard } from '../../components/WidgetCard.js';
import { ignoredFilters } from '../ignored-filters.js';
import { apiParams, useReportFilters, writeFilters } from '../filters.js';
import { useAccountUtilization } from '../hooks.js';

function Percentage({ value, high }: { value: number; high: boolean }) {
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, justifyContent: 'flex-end' }}>
      {/* A bar, not a progress indicator: nothing is loading. */}
      <Box aria-hidden sx={{ width: 60, height: 6, borderRadius: 3, bgcolor: 'action.hover', display: { xs: 'none', sm: 'block' } }}>
        <Box sx={{ width: `${Math.min(100, value)}%`, height: '100%', borderRadius: 3, bgcolor: high ? 'warning.main' : 'primary.main' }} />
      </Box>
      <Box component="span" sx={{ whiteSpace: 'nowrap' }}>{value} %</Box>
    </Box>
  );
}

/** Which accounts are at 80 % or more of their concurrent licenses: ranked by peak, with the average, drillable. */
export default function UtilizationPage() {
  const { filters } = useReportFilters();
  const navigate = useNavigate();
  const utilization = useAccountUtilization(apiParams(filters));
  // Drill down: the account's overview, the other filters kept.
  const open = (accountId: string) => void navigate({ pathname: '/', search: `?${writeFilters({ ...filters, accounts: [accountId] }).toString()}` });

  return (
    <WidgetCard
      title="Accounts by utilization of their concurrent licenses"
      subtitle="Highest peak first · click an account to see its overview"
      query={utilization}
      isEmpty={(d) => d.rows.length === 0}
      emptyText="No concurrent use of counted licenses in this time range with these filters. Widen the time range or remove a filter."
      testId="widget-account-utilization"
      ignores={ignoredFilters('account-utilization', filters)}
      minHeight={160}
    >
      {(d) => (
        <>
          <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>
            Utilization is what a server has in use of a feature over its capacity, as each checkout, return or expiry leaves it. Peak: the highest it reached. Average: weighted by time —
            the license-hours in use over the license-hours available, for each feature from its first event in the range to the range's end. Accounts at {d.threshold} % or more are
            highlighted: they are close to needing more.
          </Typography>
          <TableContainer>
            <Table size="small" aria-label="Accounts by utilization">
              <TableHead>
                <TableRow>
                  <TableCell>Account</TableCell>
                  <TableCell align="right">Peak</TableCell>
                  <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>Feature at peak</TableCell>
                  <TableCell sx={{ display: { xs: 'none', md: 'table-cell' } }}>Peak first reached</TableCell>
                  <TableCell align="right">Average</TableCell>
                  <TableCell align="right" sx={{ display: { xs: 'none', sm: 'table-cell' } }}>Licenses</TableCell>
                  <TableCell align="right">Denials</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {d.rows.map((r) => {
                  const high = r.peakPercentage >= d.threshold;
                  const name = r.accountName ?? r.accountId ?? '(no account)';
                  return (
                    <TableRow
                      key={r.accountId ?? name}
                      hover
                      data-testid="utilization-row"
                      data-high={high ? 'true' : 'false'}
                      tabIndex={r.accountId === null ? -1 : 0}
                      onClick={() => r.accountId !== null && open(r.accountId)}
                      onKeyDown={(e) => e.key === 'Enter' && r.accountId !== null && open(r.accountId)}
                      sx={{ cursor: r.accountId === null ? 'default' : 'pointer', ...(high ? { bgcolor: (t) => alpha(t.palette.warning.main, 0.12) } : {}) }}
                    >
                      <TableCell>
                        <span title={r.accountId === null ? undefined : `Account ID ${r.accountId}`}>{name}</span> {high && <Chip size="small" color="warning" label={`≥ ${d.threshold} %`} sx={{ ml: 0.5 }} />}
                      </TableCell>
                      <TableCell align="right">
                        <Percentage value={r.peakPercentage} high={high} />
                      </TableCell>
                      <TableCell sx={{ display: { xs: 'none', sm: 'table-cell' } }}>{r.peakFeature}</TableCell>
                      <TableCell sx={{ display: { xs: 'none', md: 'table-cell' }, whiteSpace: 'nowrap' }}>{new Date(r.peakAt).toLocaleString()}</TableCell>
                      <TableCell align="right">
                        <Percentage value={r.averagePercentage} high={r.averagePercentage >= d.threshold} />
                      </TableCell>
                      <TableCell align="right" sx={{ display: { xs: 'none', sm: 'table-cell' } }}>{r.capacity.toLocaleString()}</TableCell>
                      <TableCell align="right">{r.denials.toLocaleString()}</TableCell>
                    </TableRow>
                  );
                })}
              </TableBody>
            </Table>
          </TableContainer>
        </>
      )}
    </WidgetCard>
  );
}
