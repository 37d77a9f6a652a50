import { Alert } from '@mui/material';

/** Not built yet. */
export default function AboutPage() {
  return <Alert severity="info">This view is being built.</Alert>;
}
