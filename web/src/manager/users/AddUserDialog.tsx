import { useState } from 'react';
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, MenuItem, TextField } from '@mui/material';
import type { Role } from '../../../../src/auth/admin-security.js';
import { ApiError } from '../../api/client.js';
import { ACCOUNT_VIEWER_CHOICE, ROLE_CHOICES } from './roles.js';

export interface AddUserDialogProps {
  open: boolean;
  onClose: () => void;
  /** Adds the user; rejects with the API's refusal. */
  onAdd: (name: string, role: Role, account?: string) => Promise<void>;
  /** Offer the account-viewer role (a back office's users), which needs its account. */
  withAccountViewer?: boolean;
}

/** Add a user: a name and a role; the API makes its one-time password. */
export function AddUserDialog({ open, onClose, onAdd, withAccountViewer = false }: AddUserDialogProps) {
  const choices = withAccountViewer ? [...ROLE_CHOICES, ACCOUNT_VIEWER_CHOICE] : ROLE_CHOICES;
  const [name, setName] = useState('');
  const [account, setAccount] = useState('');
  const [accountProblem, setAccountProblem] = useState<string | null>(null);
  const [role, setRole] = useState<Role>('read-only');
  const bound = role === 'account-viewer';
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setName('');
    setRole('read-only');
    setAccount('');
    setProblem(null);
    setAccountProblem(null);
    onClose();
  };
  const submit = async (event: { preventDefault(): void }) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    setAccountProblem(null);
    try {
      await onAdd(name, role, bound ? account : undefined);
      close();
    } catch (e) {
      const onAccount = e instanceof ApiError ? e.details.find((d) => d.field.endsWith('account')) : undefined;
      if (onAccount) {
        setAccountProblem(`The account ${onAccount.message}.`);
        return;
      }
      const detail = e instanceof ApiError ? e.details.find((d) => d.field === 'name') : undefined;
      setProblem(detail && e instanceof ApiError && e.code === 'BAD_REQUEST' ? `The name ${detail.message}.` : e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onClose={close} aria-labelledby="add-user-title" maxWidth="xs" fullWidth>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <DialogTitle id="add-user-title">Add a user</DialogTitle>
        <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
          <DialogContentText>The new user gets a one-time password, shown once, to change at the first login.</DialogContentText>
          <TextField
            label="User name"
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            autoFocus
            error={problem !== null}
            helperText={problem ?? 'Letters, digits, dots, dashes, underscores or @; up to 64.'}
            slotProps={{ htmlInput: { maxLength: 64, autoComplete: 'off' } }}
          />
          <TextField select label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value as Role)} helperText={choices.find((c) => c.role === role)?.may}>
            {choices.map((c) => (
              <MenuItem key={c.role} value={c.role}>
                {c.label}
              </MenuItem>
            ))}
          </TextField>
          {bound && (
            <TextField
              label="Account"
              name="account"
              value={account}
              onChange={(e) => setAccount(e.target.value)}
              required
              error={accountProblem !== null}
              helperText={accountProblem ?? 'The account ID whose usage this user sees, e.g. acme.'}
              slotProps={{ htmlInput: { maxLength: 128, autoComplete: 'off' } }}
            />
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={busy || name.trim() === '' || (bound && account.trim() === '')}>
            Add user
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
