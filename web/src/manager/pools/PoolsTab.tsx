import { Alert, Box, Button, Pagination, Stack, Typography } from '@mui/material';
import { Link } from 'react-router';
import { QueryState } from '../../components/QueryState.js';
import { usePageParam } from '../../components/PagedGrid.js';
import { useConnection } from '../connection.js';
import { usePools } from './hooks.js';
import { PoolList } from './PoolList.js';

/** The Named License Pools tab: each pool of the active model, expandable to its features. */
export function PoolsTab() {
  const { pageSize } = useConnection();
  const [page, setPage] = usePageParam();
  const pools = usePools(page, pageSize);
  return (
    <QueryState query={pools} what="the pools">
      {(p) =>
        p.model === null ? (
          <Alert
            severity="info"
            data-state="empty"
            data-testid="no-pools"
            action={
              <Button color="inherit" size="small" component={Link} to="/pools/model">
                Open the Model tab
              </Button>
            }
          >
            No model definition is active, so every count is in the default pool and any device may draw it. To divide counts into named pools, upload a model in the Model tab.
          </Alert>
        ) : (
        <Stack spacing={2}>
          <Box sx={{ display: 'flex', flexWrap: 'wrap', alignItems: 'baseline', gap: 1 }}>
            <Typography variant="body2" color="text.secondary">
              Pools of the model <strong>{p.model}</strong>, named pools in model order and the default pool last. Open a pool to see its features.
            </Typography>
          </Box>
          {p.items.length === 0 ? <Alert severity="info">No pools on this page.</Alert> : <PoolList pools={p.items} />}
          {p.total > p.pageSize && <Pagination count={Math.ceil(p.total / p.pageSize)} page={p.page} onChange={(_e, n) => setPage(n)} aria-label="Pages of pools" />}
        </Stack>
        )
      }
    </QueryState>
  );
}
