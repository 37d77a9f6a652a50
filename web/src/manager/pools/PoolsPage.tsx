import { Alert } from '@mui/material';

/** Not built yet. */
export default function PoolsPage() {
  return <Alert severity="info">This view is being built.</Alert>;
}
