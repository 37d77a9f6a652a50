import { Accordion, AccordionDetails, AccordionSummary, Box, Chip, Icon, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from '@mui/material';
import type { PoolListing } from '../../../../src/licensing/pool.js';
import { PoolFeatureStatus } from './PoolFeatureStatus.js';

/** One pool as an expandable row (Enter or Space on its header opens it): its features and their counts. */
function PoolRow({ pool }: { pool: PoolListing }) {
  const allocated = pool.features.reduce((n, f) => n + f.allocated, 0);
  const used = pool.features.reduce((n, f) => n + f.used, 0);
  const overUsed = pool.features.filter((f) => f.status === 'over-used').length;
  const headerId = `pool-${pool.id}-header`;
  return (
    <Accordion disableGutters slotProps={{ transition: { unmountOnExit: true } }} data-testid={`pool-${pool.name}`}>
      <AccordionSummary expandIcon={<Icon aria-hidden>expand_more</Icon>} id={headerId} aria-controls={`pool-${pool.id}-features`}>
        <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', columnGap: 2, rowGap: 0.5, width: '100%' }}>
          <Typography component="span" sx={{ fontWeight: 600, minWidth: { sm: 200 } }}>
            {pool.id} · {pool.name}
          </Typography>
          <Typography component="span" variant="body2" color="text.secondary">
            {pool.features.length} {pool.features.length === 1 ? 'feature' : 'features'} · {allocated} allocated · {used} used
          </Typography>
          {overUsed > 0 && <Chip size="small" color="error" variant="outlined" icon={<Icon aria-hidden>error</Icon>} label={`${overUsed} over-used`} />}
        </Box>
      </AccordionSummary>
      <AccordionDetails id={`pool-${pool.id}-features`} sx={{ p: 0 }}>
        {pool.features.length === 0 ? (
          <Typography variant="body2" color="text.secondary" sx={{ px: 2, pb: 2 }}>
            This pool holds no counts: the model gives it none that this server has.
          </Typography>
        ) : (
          <TableContainer sx={{ overflowX: 'auto' }}>
            <Table size="small" aria-labelledby={headerId} sx={{ '& td, & th': { whiteSpace: 'nowrap' } }}>
              <TableHead>
                <TableRow>
                  <TableCell>Feature</TableCell>
                  <TableCell>Version</TableCell>
                  <TableCell>Expiration</TableCell>
                  <TableCell align="right">Allocated</TableCell>
                  <TableCell align="right">Used</TableCell>
                  <TableCell>Status</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {pool.features.map((f) => (
                  <TableRow key={`${f.feature}\u0000${f.version}`}>
                    <TableCell>{f.feature}</TableCell>
                    <TableCell>{f.version}</TableCell>
                    <TableCell>{f.expiration}</TableCell>
                    <TableCell align="right">{f.allocated}</TableCell>
                    <TableCell align="right">{f.used}</TableCell>
                    <TableCell>
                      <PoolFeatureStatus status={f.status} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </AccordionDetails>
    </Accordion>
  );
}

/** The pools of the active model, named ones in model order and the default pool last. */
export function PoolList({ pools }: { pools: PoolListing[] }) {
  return (
    <Box>
      {pools.map((p) => (
        <PoolRow key={p.id} pool={p} />
      ))}
    </Box>
  );
}
