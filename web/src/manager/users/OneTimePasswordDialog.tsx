import { useState } from 'react';
import { Alert, Box, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Icon, IconButton, Tooltip } from '@mui/material';

export interface OneTimePassword {
  user: string;
  password: string;
  /** What led to it: "added", "reset". */
  why: 'added' | 'reset';
}

/** Shows a one-time password the only time the API answers it, with a Copy button. */
export function OneTimePasswordDialog({ value, onClose }: { value: OneTimePassword | null; onClose: () => void }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    if (!value) return;
    try {
      await navigator.clipboard.writeText(value.password);
      setCopied(true);
    } catch {
      // No clipboard (an insecure origin): the text is selectable instead.
      document.getSelection()?.selectAllChildren(document.getElementById('one-time-password')!);
    }
  };
  const close = () => {
    setCopied(false);
    onClose();
  };
  return (
    <Dialog open={value !== null} onClose={close} aria-labelledby="otp-title" maxWidth="sm" fullWidth>
      <DialogTitle id="otp-title">{value?.why === 'reset' ? `New one-time password of ${value?.user}` : `${value?.user} was added`}</DialogTitle>
      <DialogContent>
        <DialogContentText>The one-time password of {value?.user}:</DialogContentText>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, my: 1.5, p: 1, bgcolor: 'action.hover', borderRadius: 1 }}>
          <Box component="code" id="one-time-password" data-testid="one-time-password" sx={{ flexGrow: 1, fontSize: '1.1rem', wordBreak: 'break-all', userSelect: 'all' }}>
            {value?.password}
          </Box>
          <Tooltip title={copied ? 'Copied' : 'Copy'}>
            <IconButton aria-label="Copy the one-time password" onClick={() => void copy()}>
              <Icon>{copied ? 'check' : 'content_copy'}</Icon>
            </IconButton>
          </Tooltip>
        </Box>
        <Alert severity="info">
          It is shown only now: give it to {value?.user} by a safe way. It works once — at the first login {value?.user} must set a new password.
        </Alert>
      </DialogContent>
      <DialogActions>
        <Button onClick={close} variant="contained" autoFocus>
          Done
        </Button>
      </DialogActions>
    </Dialog>
  );
}
