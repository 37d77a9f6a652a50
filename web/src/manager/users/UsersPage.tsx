import { Alert } from '@mui/material';

/** Not built yet. */
export default function UsersPage() {
  return <Alert severity="info">This view is being built.</Alert>;
}
