import { useState } from 'react';
import {
  Alert,
  Box,
  Button,
  Card,
  CardContent,
  FormControl,
  FormControlLabel,
  FormHelperText,
  FormLabel,
  MenuItem,
  Radio,
  RadioGroup,
  Stack,
  Switch,
  TextField,
  Typography,
} from '@mui/material';
import { useFeedback } from '../../components/feedback.js';
import { PAGE_SIZES, defaultConnection, describeTarget, saveConnection, useConnection } from '../connection.js';
import type { ConnectionDraft, ConnectionTest } from './connection-form.js';
import { connectionOf, draftErrors, draftOf, testConnection } from './connection-form.js';
import { rememberSwitch } from './server-switch.js';

/** Settings: which server the manager manages and how many rows a list shows. Works while no server answers. */
export default function SettingsPage() {
  const saved = useConnection();
  const feedback = useFeedback();
  const [draft, setDraft] = useState<ConnectionDraft>(() => draftOf(saved));
  const [shown, setShown] = useState(false);
  const [test, setTest] = useState<ConnectionTest | 'running' | null>(null);
  const errors = draftErrors(draft);
  const invalid = Object.keys(errors).length > 0;
  const set = (patch: Partial<ConnectionDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setTest(null);
  };
  const error = (field: keyof typeof errors) => (shown ? errors[field] : undefined);
  const cloud = draft.kind === 'cloud';

  const save = (event: { preventDefault(): void }) => {
    event.preventDefault();
    setShown(true);
    if (invalid) {
      feedback.notify('Nothing was saved: correct the fields marked in red.', 'error');
      return;
    }
    const next = connectionOf(draft);
    const switching = describeTarget(next) !== describeTarget(saved);
    saveConnection(next);
    if (switching) {
      // A session belongs to one server: reload, so that the new one's login (or session) applies.
      rememberSwitch(`Settings saved: the manager now manages ${describeTarget(next)}.`);
      window.location.assign(`${window.location.pathname.startsWith('/manager') ? '/manager/' : '/'}login`);
      return;
    }
    setDraft(draftOf(next));
    feedback.notify(`Settings saved: ${next.pageSize} rows per page, managing ${describeTarget(next)}.`);
  };

  const runTest = async () => {
    setShown(true);
    if (invalid) return;
    setTest('running');
    setTest(await testConnection(connectionOf(draft)));
  };

  return (
    <Box sx={{ maxWidth: 720 }}>
      <Typography variant="h5" component="h1" gutterBottom>
        Settings
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Which license server this manager manages, and how it shows lists. Kept in this browser; they can be changed while the server cannot be reached.
      </Typography>
      <Card variant="outlined">
        <CardContent>
          <Stack component="form" noValidate spacing={2.5} onSubmit={save} aria-label="Settings">
            <FormControl>
              <FormLabel id="kind-label">Server type</FormLabel>
              <RadioGroup row aria-labelledby="kind-label" name="kind" value={draft.kind} onChange={(e) => set({ kind: e.target.value as ConnectionDraft['kind'] })}>
                <FormControlLabel value="local" control={<Radio />} label="Local license server" />
                <FormControlLabel value="cloud" control={<Radio />} label="Cloud license server" />
              </RadioGroup>
              <FormHelperText>A cloud license server is an instance hosted by a back office; a local one runs on a machine of your site.</FormHelperText>
            </FormControl>
            <TextField
              label="License server host name"
              name="host"
              value={draft.host}
              onChange={(e) => set({ host: e.target.value })}
              error={Boolean(error('host'))}
              helperText={error('host') ?? (cloud ? 'The back office hosting the instance, such as licenses.example.com.' : 'The network name or IP address of the machine the license server runs on.')}
              required
              fullWidth
            />
            {cloud ? (
              <TextField
                label="Cloud license server instance ID"
                name="instanceId"
                value={draft.instanceId}
                onChange={(e) => set({ instanceId: e.target.value })}
                error={Boolean(error('instanceId'))}
                helperText={error('instanceId') ?? 'The ID that identifies the instance; your producer gives it.'}
                required
                fullWidth
              />
            ) : (
              <TextField
                label="License server listen port"
                name="port"
                value={draft.port}
                onChange={(e) => set({ port: e.target.value })}
                error={Boolean(error('port'))}
                helperText={error('port') ?? 'A license server listens on 7070 unless told otherwise.'}
                slotProps={{ htmlInput: { inputMode: 'numeric' } }}
                required
                sx={{ maxWidth: 260 }}
              />
            )}
            <FormControl>
              <FormControlLabel
                control={<Switch name="https" checked={cloud || draft.https} disabled={cloud} onChange={(e) => set({ https: e.target.checked })} />}
                label="Connect using HTTPS"
              />
              <FormHelperText>{cloud ? 'A cloud license server is always reached over HTTPS.' : 'On when the license server has a certificate (server.https).'}</FormHelperText>
            </FormControl>
            <TextField select label="Page size" name="pageSize" value={draft.pageSize} onChange={(e) => set({ pageSize: Number(e.target.value) })} helperText="Rows per page of every list." sx={{ maxWidth: 260 }}>
              {PAGE_SIZES.map((size) => (
                <MenuItem key={size} value={size}>
                  {size}
                </MenuItem>
              ))}
            </TextField>
            <Alert severity="info" variant="outlined">
              This page was served by {window.location.origin}. To manage another server, that server must list {window.location.origin} in its{' '}
              <code>security.corsOrigins</code> property (License Server Setup › Properties), or the browser refuses its answers.
            </Alert>
            {test && <ConnectionTestResult test={test} />}
            <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1.5}>
              <Button type="submit" variant="contained">
                Save
              </Button>
              <Button variant="outlined" onClick={() => void runTest()} disabled={test === 'running'}>
                Test connection
              </Button>
              <Button onClick={() => set(draftOf({ ...defaultConnection(), pageSize: draft.pageSize }))}>Use this page&apos;s server</Button>
            </Stack>
            <Typography variant="body2" color="text.secondary">
              Managing now: <span data-testid="managed-server">{describeTarget(saved)}</span>
            </Typography>
          </Stack>
        </CardContent>
      </Card>
    </Box>
  );
}

/** What Test connection found, with the URL it tried. */
function ConnectionTestResult({ test }: { test: ConnectionTest | 'running' }) {
  if (test === 'running') return <Alert severity="info">Testing the connection…</Alert>;
  if (test.ok) {
    if (!test.health) {
      return (
        <Alert severity="success" data-testid="connection-test" role="status">
          Reached the cloud instance at {test.url}; its users see its health once logged in.
        </Alert>
      );
    }
    return (
      <Alert severity="success" data-testid="connection-test" role="status">
        Reached Tally license server {test.health.version} (instance {test.health.instanceId}, {test.health.status === 'ok' ? 'healthy' : 'degraded'}) at {test.url}.
      </Alert>
    );
  }
  return (
    <Alert severity="error" data-testid="connection-test" role="alert">
      Could not reach the server at {test.url}: {test.problem}
    </Alert>
  );
}
