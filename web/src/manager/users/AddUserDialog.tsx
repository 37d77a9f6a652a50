import { useState } from 'react';
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, MenuItem, TextField } from '@mui/material';
import type { Role } from '../../../../src/auth/admin-security.js';
import { ApiError } from '../../api/client.js';
import { ROLE_CHOICES } from './roles.js';

export interface AddUserDialogProps {
  open: boolean;
  onClose: () => void;
  /** Adds the user; rejects with the API's refusal. */
  onAdd: (name: string, role: Role) => Promise<void>;
}

/** Add a user: a name and a role; the API makes its one-time password. */
export function AddUserDialog({ open, onClose, onAdd }: AddUserDialogProps) {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('read-only');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => {
    setName('');
    setRole('read-only');
    setProblem(null);
    onClose();
  };
  const submit = async (event: { preventDefault(): void }) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await onAdd(name, role);
      close();
    } catch (e) {
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
          <TextField select label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value as Role)} helperText={ROLE_CHOICES.find((c) => c.role === role)?.may}>
            {ROLE_CHOICES.map((c) => (
              <MenuItem key={c.role} value={c.role}>
                {c.label}
              </MenuItem>
            ))}
          </TextField>
        </DialogContent>
        <DialogActions>
          <Button onClick={close}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={busy || name.trim() === ''}>
            Add user
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
