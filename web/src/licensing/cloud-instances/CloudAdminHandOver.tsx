import { Alert, AlertTitle, Box, Button, Typography } from '@mui/material';
import { CopyButton } from '../CopyButton.js';
import type { OneTimeAdmin } from './cloud-instances-api.js';
import { managerLink } from './cloud-instances-api.js';

/** What the customer needs to log in: where, as whom, with which password. */
function handOverText(instanceId: string, admin: OneTimeAdmin): string {
  return [
    `License Server Manager: ${window.location.origin}${managerLink(instanceId)}`,
    `Cloud instance: ${instanceId}`,
    `User: ${admin.user}`,
    `One-time password: ${admin.oneTimePassword}`,
    'At the first login you choose your own password.',
  ].join('\n');
}

/**
 * The first administrator of a cloud instance and its one-time password, shown this once: the
 * back office keeps only its hash. Copied into the message to the customer.
 */
export function CloudAdminHandOver({ instanceId, admin, title }: { instanceId: string; admin: OneTimeAdmin; title: string }) {
  const text = handOverText(instanceId, admin);
  return (
    <Alert severity="success" data-testid="cloud-admin-hand-over" action={<CopyButton text={text} label="Copy" what="the login for the customer" />}>
      <AlertTitle>{title}</AlertTitle>
      <Typography variant="body2">
        Give this to the customer: the password is shown only now and works once; at their first login they choose their own. If it is lost, reset the admin
        password.
      </Typography>
      <Box component="pre" data-testid="cloud-admin-login" sx={{ m: 0, my: 1, fontFamily: 'monospace', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
        {text}
      </Box>
      <Button size="small" variant="outlined" href={managerLink(instanceId)} target="_blank" rel="noopener">
        Open in License Server Manager
      </Button>
    </Alert>
  );
}
