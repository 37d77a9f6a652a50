import { useState } from 'react';
import { Link, Route, Routes, useLocation } from 'react-router';
import { Box, Button, Icon, IconButton, Paper, Tab, Tabs, TextField, Tooltip, Typography } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { apiJson } from '../../api/client.js';
import { useFeedback } from '../../components/feedback.js';
import { activationProblems, AdminsOnly, BACK_OFFICE_ROUTES, BackOfficeHeading, OperationOutcome, useBackOfficeOperation } from './back-office-request.js';
import type { ExchangeAnswer } from './license-update-view.js';
import { ExchangeResult } from './license-update-view.js';
import { LicenseUpdateHistory, LicenseUpdatesStatusCard } from './license-updates-status.js';

const BASE = '/backoffice/online';

/** The Online Server Updates view: activate entitlements, and fetch license updates from the back office now. */
export default function OnlineUpdatesPage() {
  const tab = useLocation().pathname.endsWith('/update') ? 'update' : 'activations';
  return (
    <Box sx={{ maxWidth: 900 }}>
      <BackOfficeHeading title="Online Server Updates">
        Activate the entitlements of your welcome email, or fetch the license updates waiting at the back office, with this server talking to the back office directly.
      </BackOfficeHeading>
      <Tabs value={tab} aria-label="Online server updates" sx={{ borderBottom: 1, borderColor: 'divider', mb: 2 }} variant="scrollable" allowScrollButtonsMobile>
        <Tab value="activations" label="Online Activations" component={Link} to={BASE} />
        <Tab value="update" label="Update Licenses" component={Link} to={`${BASE}/update`} />
      </Tabs>
      <Routes>
        <Route index element={<OnlineActivations />} />
        <Route path="update" element={<UpdateLicenses />} />
      </Routes>
    </Box>
  );
}

interface ActivationRow {
  key: number;
  activationId: string;
  count: string;
}

let nextKey = 1;
const newRow = (): ActivationRow => ({ key: nextKey++, activationId: '', count: '1' });

type LineProblems = { activationId?: string; count?: string };

/** The server's refusals of the lines sent (`activations.N.activationId`), by the key of the line they name. */
function refusalsByLine(details: Array<{ field: string; message: string }>, sent: number[]): Map<number, LineProblems> {
  const byLine = new Map<number, LineProblems>();
  for (const d of details) {
    const match = /activations\.(\d+)(?:\.(activationId|count))?/.exec(d.field);
    const key = match ? sent[Number(match[1])] : undefined;
    if (key === undefined) continue;
    const field = match?.[2] === 'count' ? 'count' : 'activationId';
    const line = byLine.get(key) ?? {};
    line[field] = line[field] ? `${line[field]} ${d.message}` : d.message;
    byLine.set(key, line);
  }
  return byLine;
}

function OnlineActivations() {
  const { outcome, run, allowed } = useBackOfficeOperation();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const [rows, setRows] = useState<ActivationRow[]>(() => [newRow()]);
  const [checked, setChecked] = useState(false);
  const [answer, setAnswer] = useState<ExchangeAnswer | null>(null);
  const [sent, setSent] = useState<number[]>([]);
  // A line edited since the refusal is no longer the line refused.
  const [edited, setEdited] = useState<ReadonlySet<number>>(new Set());
  const route = BACK_OFFICE_ROUTES.activate;
  const disabled = !allowed(route);
  const refusals = outcome.state === 'failed' ? refusalsByLine(outcome.details, sent) : new Map<number, LineProblems>();

  const update = (key: number, change: Partial<ActivationRow>) => {
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...change } : r)));
    setEdited((keys) => new Set(keys).add(key));
  };
  const remove = async (row: ActivationRow, n: number) => {
    if (row.activationId.trim() !== '') {
      const yes = await feedback.confirm({ title: `Remove line ${n}?`, text: `The activation ID ${row.activationId} and its count are taken off this request.`, action: 'Remove' });
      if (!yes) return;
    }
    setRows((rs) => rs.filter((r) => r.key !== row.key));
    feedback.notify(`Removed line ${n}.`, 'info');
  };

  const activate = async () => {
    setChecked(true);
    if (rows.some((r) => Object.keys(activationProblems(r)).length > 0)) {
      feedback.notify('Nothing was sent: correct the lines marked first.', 'error');
      return;
    }
    const activations = rows.map((r) => ({ activationId: r.activationId.trim(), count: Number(r.count) }));
    setSent(rows.map((r) => r.key));
    setEdited(new Set());
    setAnswer(null);
    const answered = await run(
      route,
      (path) => apiJson<ExchangeAnswer>(path, { method: 'POST', body: JSON.stringify({ activations }) }),
      () => `The back office activated ${activations.length === 1 ? 'the activation ID' : `${activations.length} activation IDs`}: ${activations.map((a) => `${a.activationId} × ${a.count}`).join(', ')}.`,
    );
    if (answered) {
      setAnswer(answered);
      // The server's licenses changed: every view of features, devices, pools and reservations is stale.
      void queryClient.invalidateQueries();
    }
  };

  return (
    <Paper variant="outlined" sx={{ p: { xs: 1.5, sm: 2 } }}>
      <AdminsOnly allowed={!disabled} />
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Enter each activation ID you received with its count (+ adds a line), then click Activate: they are activated in one request.
      </Typography>
      <Box component="ol" sx={{ listStyle: 'none', p: 0, m: 0, display: 'grid', gap: 1.5 }} aria-label="Activation IDs to activate">
        {rows.map((row, i) => {
          const problems: LineProblems = { ...(edited.has(row.key) ? {} : refusals.get(row.key)), ...(checked ? activationProblems(row) : {}) };
          const n = i + 1;
          return (
            <Box component="li" key={row.key} sx={{ display: 'flex', gap: 1, alignItems: 'flex-start' }} data-testid={`activation-row-${n}`}>
              <TextField
                label="Activation ID"
                size="small"
                value={row.activationId}
                onChange={(e) => update(row.key, { activationId: e.target.value })}
                error={problems.activationId !== undefined}
                helperText={problems.activationId}
                disabled={disabled}
                sx={{ flex: 3, minWidth: 0 }}
                slotProps={{ htmlInput: { 'aria-label': `Activation ID, line ${n}` } }}
              />
              <TextField
                label="Count"
                size="small"
                value={row.count}
                onChange={(e) => update(row.key, { count: e.target.value })}
                error={problems.count !== undefined}
                helperText={problems.count}
                disabled={disabled}
                sx={{ flex: 1, minWidth: 72, maxWidth: 140 }}
                slotProps={{ htmlInput: { inputMode: 'numeric', 'aria-label': `Count, line ${n}` } }}
              />
              <Tooltip title="Remove this line">
                <span>
                  <IconButton aria-label={`Remove line ${n}`} onClick={() => void remove(row, n)} disabled={disabled || rows.length === 1}>
                    <Icon>delete</Icon>
                  </IconButton>
                </span>
              </Tooltip>
            </Box>
          );
        })}
      </Box>
      <Box sx={{ display: 'flex', gap: 1, mt: 2, flexWrap: 'wrap' }}>
        <Button startIcon={<Icon>add</Icon>} onClick={() => setRows((rs) => [...rs, newRow()])} disabled={disabled} aria-label="Add a line">
          Add a line
        </Button>
        <Box sx={{ flexGrow: 1 }} />
        <Button variant="contained" startIcon={<Icon>bolt</Icon>} onClick={() => void activate()} disabled={disabled || outcome.state === 'sending'}>
          {outcome.state === 'sending' ? 'Activating…' : 'Activate'}
        </Button>
      </Box>
      {outcome.state === 'done' && answer ? <ExchangeResult title={outcome.text} answer={answer} /> : <OperationOutcome outcome={outcome} />}
    </Paper>
  );
}

function UpdateLicenses() {
  const { outcome, run, allowed } = useBackOfficeOperation();
  const queryClient = useQueryClient();
  const [answer, setAnswer] = useState<ExchangeAnswer | null>(null);
  const route = BACK_OFFICE_ROUTES.poll;
  const disabled = !allowed(route);
  const refresh = async () => {
    setAnswer(null);
    const answered = await run(route, (path) => apiJson<ExchangeAnswer>(path, { method: 'POST' }), (a) => (a.update === null ? 'Refreshed: nothing changed.' : 'Refreshed: the licenses of this server are updated from the back office.'));
    if (answered) setAnswer(answered);
    // A failed poll is recorded in the status too; an update changes every view of the licenses.
    void queryClient.invalidateQueries(answered ? {} : { queryKey: ['license-updates'] });
  };
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 2 }}>
      <LicenseUpdatesStatusCard />
      <Paper variant="outlined" sx={{ p: { xs: 1.5, sm: 2 } }}>
        <AdminsOnly allowed={!disabled} />
        <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
          Click Refresh to have this server fetch, now, any license updates waiting for it at the back office, rather than at its next scheduled poll.
        </Typography>
        <Button variant="contained" startIcon={<Icon>refresh</Icon>} disabled={disabled || outcome.state === 'sending'} onClick={() => void refresh()}>
          {outcome.state === 'sending' ? 'Refreshing…' : 'Refresh'}
        </Button>
        {outcome.state === 'done' && answer ? <ExchangeResult title={outcome.text} answer={answer} /> : <OperationOutcome outcome={outcome} />}
      </Paper>
      <LicenseUpdateHistory />
    </Box>
  );
}
