import { useState } from 'react';
import { Alert, Link as MuiLink, Typography } from '@mui/material';
import { Link } from 'react-router';
import { describeTarget, useConnection } from '../connection.js';
import { takeSwitch } from './server-switch.js';

/** On the login page: which server the login is for, the way to another, and what Settings just changed. */
export function ManagedServerNote() {
  const connection = useConnection();
  const [switched] = useState(takeSwitch);
  return (
    <>
      {switched && (
        <Alert severity="success" role="status" data-testid="server-switched" sx={{ my: 1 }}>
          {switched} Log in to it.
        </Alert>
      )}
      {connection.kind === 'cloud' && (
        <Typography variant="subtitle1" component="p" sx={{ overflowWrap: 'anywhere', mt: 1 }}>
          Cloud instance <strong data-testid="login-instance">{connection.instanceId || '(none set)'}</strong>
        </Typography>
      )}
      <Typography variant="body2" color="text.secondary" sx={{ overflowWrap: 'anywhere' }}>
        Server: <span data-testid="login-server">{describeTarget(connection)}</span> ·{' '}
        <MuiLink component={Link} to="/settings">
          Settings
        </MuiLink>
      </Typography>
    </>
  );
}
