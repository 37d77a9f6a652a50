import { useState } from 'react';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, MenuItem, TextField } from '@mui/material';
import type { Role, UserView } from '../../../../src/auth/admin-security.js';
import { ROLE_CHOICES } from './roles.js';

export interface ChangeRoleDialogProps {
  user: UserView | null;
  /** The user is the only administrator: the server refuses any other role for it. */
  lastAdmin: boolean;
  /** The user is the one logged in. */
  isYou: boolean;
  onClose: () => void;
  /** Changes the role; rejects with the API's refusal. */
  onChange: (user: UserView, role: Role) => Promise<void>;
}

/** Change a user's role; the last administrator's rule is said before anyone tries. */
export function ChangeRoleDialog({ user, lastAdmin, isYou, onClose, onChange }: ChangeRoleDialogProps) {
  // Mounted afresh for each user (keyed by name), so it starts from that user's role.
  const [role, setRole] = useState<Role>(user?.role ?? 'read-only');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: { preventDefault(): void }) => {
    event.preventDefault();
    if (!user) return;
    setBusy(true);
    setProblem(null);
    try {
      await onChange(user, role);
      onClose();
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={user !== null} onClose={onClose} aria-labelledby="role-title" maxWidth="xs" fullWidth>
      <form onSubmit={(e) => void submit(e)}>
        <DialogTitle id="role-title">Change the role of {user?.name}</DialogTitle>
        <DialogContent sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
          <DialogContentText>A new role applies to the next request {user?.name} makes.</DialogContentText>
          {lastAdmin && (
            <Alert severity="info" data-testid="last-admin">
              {user?.name} is the last administrator: the server needs one, so make another user administrator first.
            </Alert>
          )}
          <TextField
            select
            label="Role"
            name="role"
            value={role}
            onChange={(e) => setRole(e.target.value as Role)}
            helperText={problem ?? ROLE_CHOICES.find((c) => c.role === role)?.may}
            error={problem !== null}
          >
            {ROLE_CHOICES.map((c) => (
              <MenuItem key={c.role} value={c.role} disabled={lastAdmin && c.role !== 'admin'}>
                {c.label}
              </MenuItem>
            ))}
          </TextField>
          {isYou && role !== 'admin' && user?.role === 'admin' && !lastAdmin && (
            <Alert severity="warning">This is you: you will be logged out to log in again with the new role, and without the administrator role you can no longer manage users or properties.</Alert>
          )}
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={busy || role === user?.role}>
            Change role
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
