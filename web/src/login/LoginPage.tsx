import { useState } from 'react';
import type { ReactNode } from 'react';
import { Alert, Box, Button, Card, CardContent, TextField, Typography } from '@mui/material';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../api/client.js';
import { usePageTitle } from '../app/page-title.js';
import { useAuth } from '../api/auth.js';
import { PasswordField } from './PasswordField.js';

export interface LoginPageProps {
  /** The app's name, as the heading. */
  title: string;
  /** What logging in leads to, under the heading. */
  purpose: string;
  /** Shown above the form (the manager's server, say). */
  children?: ReactNode;
}

/** "30 minutes", "1 minute", "90 seconds": how long a session may idle. */
export function idleDuration(seconds: number): string {
  const minutes = seconds / 60;
  if (Number.isInteger(minutes)) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `${seconds} seconds`;
}

/** Log in; a one-time password (a new account, or after a reset) must be replaced first. */
export function LoginPage({ title, purpose, children }: LoginPageProps) {
  const auth = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  usePageTitle('Log in', title);
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [mustChange, setMustChange] = useState(false);
  const [error, setError] = useState<{ text: string; severity: 'info' | 'error' } | null>(null);
  // The API's reasons against a new password, shown under its field.
  const [newPasswordProblem, setNewPasswordProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (auth.session) return <Navigate to={from} replace />;

  const submit = async (event: { preventDefault(): void }) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setNewPasswordProblem(null);
    try {
      if (mustChange) await auth.changePassword(user, password, newPassword);
      else await auth.login(user, password);
      void navigate(from, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'PASSWORD_CHANGE_REQUIRED') {
        setMustChange(true);
        setError({ text: 'This password was set for you and works only once: choose a new password to continue.', severity: 'info' });
      } else if (e instanceof ApiError && e.details.some((d) => d.field === 'newPassword')) {
        setNewPasswordProblem(
          e.details
            .filter((d) => d.field === 'newPassword')
            .map((d) => d.message)
            .join('; '),
        );
      } else if (e instanceof ApiError && e.code === 'UNAUTHORIZED') {
        // The server does not say which: a locked account reads the same as a wrong password.
        setError({ text: `${e.message} An administrator's password reset also unlocks an account.`, severity: 'error' });
      } else {
        setError({ text: e instanceof Error ? e.message : String(e), severity: 'error' });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box component="main" sx={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', p: 2 }}>
      <Card sx={{ width: '100%', maxWidth: 380 }}>
        <CardContent>
          <Typography variant="h5" component="h1" gutterBottom>
            {title}
          </Typography>
          <Typography variant="body2" color="text.secondary" gutterBottom>
            {purpose}
          </Typography>
          {children}
          {auth.ended === 'expired' && !error && (
            <Alert severity="warning" sx={{ mt: 1 }} data-testid="session-ended">
              {auth.endedIdleSeconds
                ? `Your session ended after ${idleDuration(auth.endedIdleSeconds)} without activity.`
                : 'Your session ended after a time without activity.'}{' '}
              Log in again to go back to where you were.
            </Alert>
          )}
          <Box component="form" onSubmit={(e) => void submit(e)} sx={{ display: 'flex', flexDirection: 'column', gap: 2, mt: 2 }}>
            <TextField label="User" name="user" autoComplete="username" value={user} onChange={(e) => setUser(e.target.value)} required disabled={mustChange} autoFocus />
            <TextField label={mustChange ? 'One-time password' : 'Password'} name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
            {mustChange && (
              <PasswordField
                label="New password"
                name="newPassword"
                autoComplete="new-password"
                value={newPassword}
                onChange={setNewPassword}
                problem={newPasswordProblem && `The new password ${newPasswordProblem}.`}
              />
            )}
            {error && (
              <Alert severity={error.severity} data-testid="login-message">
                {error.text}
              </Alert>
            )}
            <Button type="submit" variant="contained" disabled={busy}>
              {mustChange ? 'Set password and log in' : 'Log in'}
            </Button>
          </Box>
        </CardContent>
      </Card>
    </Box>
  );
}
