import { Alert } from '@mui/material';

/** Not built yet. */
export default function FeaturesPage() {
  return <Alert severity="info">This view is being built.</Alert>;
}
