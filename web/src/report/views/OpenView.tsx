import { Alert, Box, Button, LinearProgress } from '@mui/material';
import { Link, Navigate, useParams } from 'react-router';
import { pagePath, useView } from './views-api.js';

/** A view's link: opens the page it saved with its query, or says why it cannot. */
export default function OpenView() {
  const { viewId = '' } = useParams();
  const view = useView(viewId);
  if (view.isPending) return <LinearProgress aria-label="Opening the view" />;
  if (view.isError) {
    return (
      <Box sx={{ p: 3, maxWidth: 640, mx: 'auto' }}>
        <Alert severity="warning" action={<Button component={Link} to="/">Open the report</Button>}>
          This view cannot be opened: {view.error.message} It may have been deleted, or not be shared with you.
        </Alert>
      </Box>
    );
  }
  return <Navigate replace to={{ pathname: pagePath(view.data.page), search: view.data.query ? `?${view.data.query}` : '' }} />;
}
