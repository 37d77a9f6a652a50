import type { ReactNode } from 'react';
import { Alert, Box, Card, CardContent, Chip, LinearProgress, Typography } from '@mui/material';
import type { HealthBody } from '../../../../src/server/http/health/routes.js';
import { useServerHealth } from '../ManagerShell.js';
import { useBranding } from '../branding.js';
import { describeTarget, useConnection } from '../connection.js';
import { failoverRoleText, failoverStateText, peerText } from './failover.js';

/** "3 d 4 h", "3 h 12 min", "12 min", "45 s": an uptime as a person reads it. */
export function durationText(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

const SYNC_STATES: Record<HealthBody['sync']['state'], string> = {
  off: 'off: usage is not sent to a back office',
  ok: 'sending usage to the back office',
  quarantining: 'sending; the back office set some events aside',
  stalled: 'stalled: the last attempts failed',
};

/** About: the manager, the server it manages, and this browser. Needs no login (health is public). */
export default function AboutPage() {
  const branding = useBranding();
  const connection = useConnection();
  const health = useServerHealth();
  const server = health.data;
  return (
    <Box sx={{ maxWidth: 820 }}>
      <Typography variant="h5" component="h1" gutterBottom>
        About
      </Typography>
      <Section title="The manager">
        <Fact name="Product">{branding.productName}</Fact>
        <Fact name="Manager version" testId="manager-version">
          {__TALLY_VERSION__}
        </Fact>
        <Fact name="Browser">{navigator.userAgent}</Fact>
      </Section>
      <Section title="The server managed">
        <Fact name="Server" testId="about-server">
          {describeTarget(connection)}
        </Fact>
        {health.isPending && <LinearProgress data-state="loading" aria-label="Asking the server" sx={{ my: 1, gridColumn: '1 / -1' }} />}
        {health.isError && (
          <Alert severity="error" data-testid="about-unreachable" sx={{ my: 1, gridColumn: '1 / -1' }}>
            The server cannot be reached: its version, instance and uptime are unknown until it answers.
          </Alert>
        )}
        {server && (
          <>
            <Fact name="Status">
              <Chip size="small" color={server.status === 'ok' ? 'success' : 'warning'} label={server.status === 'ok' ? 'healthy' : 'degraded'} />
            </Fact>
            <Fact name="Server version" testId="server-version">
              {server.version}
            </Fact>
            <Fact name="Instance ID">{server.instanceId}</Fact>
            <Fact name="Started at">{new Date(server.startedAt).toLocaleString()}</Fact>
            <Fact name="Uptime" testId="uptime">
              {durationText(server.uptimeSeconds)}
            </Fact>
            <Fact name="Licenses served">
              {server.licenses.served}
              {server.licenses.setAside.length > 0 && ` (${server.licenses.setAside.length} set aside: their files no longer verify)`}
            </Fact>
            <Fact name="Usage sync">
              {SYNC_STATES[server.sync.state]}
              {server.sync.enabled && server.sync.backlog > 0 && `, ${server.sync.backlog} ${server.sync.backlog === 1 ? 'event' : 'events'} waiting`}
            </Fact>
          </>
        )}
      </Section>
      {server && server.failover.role !== 'off' && (
        <Section title="Failover pair">
          <Fact name="Role" testId="failover-role-fact">
            {failoverRoleText(server.failover)}
          </Fact>
          <Fact name="State" testId="failover-state">
            {failoverStateText(server.failover)}, since {new Date(server.failover.since).toLocaleString()}
          </Fact>
          <Fact name={server.failover.role === 'main' ? 'Backup' : 'Main'} testId="failover-peer">
            {server.failover.peerUrl}: {peerText(server.failover)}
          </Fact>
          <Fact name="Last contact">{server.failover.lastContactAt ? new Date(server.failover.lastContactAt).toLocaleString() : 'never'}</Fact>
          <Fact name="Last change held">{server.failover.position}</Fact>
          {server.failover.failoverEndsAt && (
            <Fact name="Failover period ends" testId="failover-ends">
              {new Date(server.failover.failoverEndsAt).toLocaleString()}
            </Fact>
          )}
        </Section>
      )}
    </Box>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card variant="outlined" sx={{ mb: 2 }}>
      <CardContent>
        <Typography variant="h6" component="h2" gutterBottom>
          {title}
        </Typography>
        <Box component="dl" sx={{ display: 'grid', gridTemplateColumns: { xs: '1fr', sm: '180px 1fr' }, columnGap: 2, rowGap: { xs: 0, sm: 1 }, m: 0 }}>
          {children}
        </Box>
      </CardContent>
    </Card>
  );
}

/** One line of facts: its name and its value (shown as text, whatever the server sends). */
function Fact({ name, testId, children }: { name: string; testId?: string; children: ReactNode }) {
  return (
    <>
      <Typography component="dt" variant="body2" color="text.secondary" sx={{ mt: { xs: 1, sm: 0 } }}>
        {name}
      </Typography>
      <Typography component="dd" variant="body2" data-testid={testId} sx={{ m: 0, overflowWrap: 'anywhere' }}>
        {children}
      </Typography>
    </>
  );
}
