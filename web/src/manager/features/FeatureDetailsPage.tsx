import { Alert } from '@mui/material';

/** Not built yet. */
export default function FeatureDetailsPage() {
  return <Alert severity="info">This view is being built.</Alert>;
}
