import { useState } from 'react';
import { Alert, Box, Button, Card, CardContent, TextField, Typography } from '@mui/material';
import { Link } from 'react-router';
import { ApiError } from '../../api/client.js';
import { PasswordField } from '../../login/PasswordField.js';
import { useAuth } from '../../api/auth.js';
import { useFeedback } from '../../components/feedback.js';
import { idleDuration } from '../../login/LoginPage.js';

type Field = 'user' | 'currentPassword' | 'newPassword' | 'confirm';

/** The API's reasons, per field it named; a refusal without fields goes to the form. */
function problemsOf(error: unknown): { fields: Partial<Record<Field, string>>; form: string | null } {
  if (error instanceof ApiError && error.details.length > 0) {
    const fields: Partial<Record<Field, string>> = {};
    for (const d of error.details) {
      const field: Field | null = d.field === 'newPassword' || d.field === 'currentPassword' ? d.field : null;
      if (field) fields[field] = fields[field] ? `${fields[field]}; ${d.message}` : d.message;
    }
    if (Object.keys(fields).length > 0) return { fields, form: null };
  }
  return { fields: {}, form: error instanceof Error ? error.message : String(error) };
}

/**
 * Reset Password: while logged in, a new password twice; otherwise (a first login, or after the
 * session ended) the user name and current password too, and setting it logs in.
 */
export default function ResetPasswordPage() {
  const auth = useAuth();
  const feedback = useFeedback();
  const loggedIn = auth.session !== null;
  const [user, setUser] = useState('');
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problems, setProblems] = useState<{ fields: Partial<Record<Field, string>>; form: string | null }>({ fields: {}, form: null });
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const mismatch = confirm !== '' && confirm !== newPassword;

  const submit = async (event: { preventDefault(): void }) => {
    event.preventDefault();
    if (newPassword !== confirm) {
      setProblems({ fields: { confirm: 'does not match the new password' }, form: null });
      return;
    }
    setBusy(true);
    setProblems({ fields: {}, form: null });
    setDone(null);
    try {
      let text: string;
      if (loggedIn) {
        await auth.changeOwnPassword(newPassword);
        text = 'Your password was changed. Your other sessions have ended; this one goes on.';
      } else {
        await auth.changePassword(user, currentPassword, newPassword);
        text = `Your password was changed and you are logged in as ${user}.`;
      }
      setCurrentPassword('');
      setNewPassword('');
      setConfirm('');
      setDone(text);
      feedback.notify(text);
    } catch (e) {
      setProblems(problemsOf(e));
    } finally {
      setBusy(false);
    }
  };

  const helper = (field: Field) => problems.fields[field];
  return (
    <Box sx={{ maxWidth: 480 }}>
      <Typography variant="h5" component="h1" gutterBottom>
        Reset Password
      </Typography>
      <Card>
        <CardContent>
          {loggedIn ? (
            <Typography variant="body2" color="text.secondary">
              Logged in as <b>{auth.session!.user}</b>: choose a new password. Your current one is not asked while you are logged in.
            </Typography>
          ) : (
            <Typography variant="body2" color="text.secondary">
              Give your user name and current password (the one-time password at a first login), then a new one. Setting it logs you in.
            </Typography>
          )}
          {!loggedIn && auth.ended === 'expired' && (
            <Alert severity="warning" sx={{ mt: 1 }}>
              Your session ended{auth.endedIdleSeconds ? ` after ${idleDuration(auth.endedIdleSeconds)} without activity` : ''}: your current password is needed again.
            </Alert>
          )}
          <Box component="form" onSubmit={(e) => void submit(e)} sx={{ display: 'flex', flexDirection: 'column', gap: 2, mt: 2 }} noValidate>
            {!loggedIn && (
              <>
                <TextField label="User name" name="user" autoComplete="username" value={user} onChange={(e) => setUser(e.target.value)} required />
                <PasswordField
                  label="Current password"
                  name="currentPassword"
                  autoComplete="current-password"
                  value={currentPassword}
                  onChange={setCurrentPassword}
                  problem={helper('currentPassword') && `The current password ${helper('currentPassword')}.`}
                />
              </>
            )}
            <PasswordField
              label="New password"
              name="newPassword"
              autoComplete="new-password"
              value={newPassword}
              onChange={setNewPassword}
              problem={helper('newPassword') && `The new password ${helper('newPassword')}.`}
            />
            <PasswordField
              label="Confirm new password"
              name="confirmPassword"
              autoComplete="new-password"
              value={confirm}
              onChange={setConfirm}
              problem={mismatch || helper('confirm') ? 'Does not match the new password.' : null}
            />
            {problems.form && (
              <Alert severity="error" data-testid="reset-problem">
                {problems.form}
              </Alert>
            )}
            {done && (
              <Alert
                severity="success"
                data-testid="reset-done"
                action={
                  <Button color="inherit" size="small" component={Link} to="/features">
                    Features
                  </Button>
                }
              >
                {done}
              </Alert>
            )}
            <Button type="submit" variant="contained" disabled={busy || newPassword === '' || (!loggedIn && (user === '' || currentPassword === ''))}>
              Reset Password
            </Button>
          </Box>
        </CardContent>
      </Card>
    </Box>
  );
}
