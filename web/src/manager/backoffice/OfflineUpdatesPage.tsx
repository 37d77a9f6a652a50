import { Alert } from '@mui/material';

/** Not built yet. */
export default function OfflineUpdatesPage() {
  return <Alert severity="info">This view is being built.</Alert>;
}
