import { useState } from 'react';
import type { ReactNode } from 'react';
import { Box, Button, Icon, Paper, TextField, Typography } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { apiFetch, apiJson } from '../../api/client.js';
import { useFeedback } from '../../components/feedback.js';
import { FileChooser } from './FileChooser.js';
import type { ExchangeAnswer } from './license-update-view.js';
import { ExchangeResult } from './license-update-view.js';
import { activationProblems, AdminsOnly, BACK_OFFICE_ROUTES, BackOfficeHeading, OperationOutcome, saveDownload, useBackOfficeOperation } from './back-office-request.js';

/** A back office response is a small binary file; anything larger is not one. */
const RESPONSE_MAX_BYTES = 1024 * 1024;

/** The Offline Server Updates view: requests carried to the back office as files, and its response carried back. */
export default function OfflineUpdatesPage() {
  const { allowed } = useBackOfficeOperation();
  return (
    <Box sx={{ maxWidth: 900, display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 2 }}>
      <BackOfficeHeading title="Offline Server Updates">
        For a server that cannot reach the back office: download a request, take it to the back office by other means, then upload the response it gives you.
      </BackOfficeHeading>
      <AdminsOnly allowed={allowed(BACK_OFFICE_ROUTES.offlineResponse)} />
      <CapabilityRequestSection />
      <ActivationRequestSection />
      <ResponseUploadSection />
    </Box>
  );
}

function Section({ title, id, children }: { title: string; id: string; children: ReactNode }) {
  return (
    <Paper variant="outlined" component="section" aria-labelledby={id} sx={{ p: { xs: 1.5, sm: 2 } }} data-testid={id}>
      <Typography variant="h6" component="h2" id={id} gutterBottom>
        {title}
      </Typography>
      {children}
    </Paper>
  );
}

function CapabilityRequestSection() {
  const { outcome, run, allowed } = useBackOfficeOperation();
  const route = BACK_OFFICE_ROUTES.capabilityRequest;
  return (
    <Section title="Download capability request" id="capability-request">
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Poll for any license updates for this server: save a capability request to a file for the back office.
      </Typography>
      <Button
        variant="contained"
        startIcon={<Icon>download</Icon>}
        disabled={!allowed(route) || outcome.state === 'sending'}
        onClick={() => void run(route, async (path) => saveDownload(await apiFetch(path), 'capability-request.tally.json'), (name) => `Saved the capability request as ${name}: take it to the back office.`)}
      >
        Download
      </Button>
      <OperationOutcome outcome={outcome} />
    </Section>
  );
}

function ActivationRequestSection() {
  const { outcome, run, allowed } = useBackOfficeOperation();
  const feedback = useFeedback();
  const [row, setRow] = useState({ activationId: '', count: '1' });
  const [checked, setChecked] = useState(false);
  const route = BACK_OFFICE_ROUTES.activationRequest;
  const disabled = !allowed(route);
  const problems = checked ? activationProblems(row) : {};

  const download = async () => {
    setChecked(true);
    if (Object.keys(activationProblems(row)).length > 0) {
      feedback.notify('Nothing was generated: correct the fields marked first.', 'error');
      return;
    }
    const activations = [{ activationId: row.activationId.trim(), count: Number(row.count) }];
    await run(
      route,
      async (path) => saveDownload(await apiFetch(path, { method: 'POST', body: JSON.stringify({ activations }) }), 'activation-request.tally.json'),
      (name) => `Saved the activation request for ${activations[0]!.activationId} × ${activations[0]!.count} as ${name}: take it to the back office.`,
    );
  };

  return (
    <Section title="Generate offline activation request" id="activation-request">
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        Obtain license rights through an activation ID your producer gave you: enter it and its count, and download the request.
      </Typography>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start', flexWrap: { xs: 'wrap', sm: 'nowrap' } }}>
        <TextField
          label="Activation ID"
          size="small"
          value={row.activationId}
          onChange={(e) => setRow({ ...row, activationId: e.target.value })}
          error={problems.activationId !== undefined}
          helperText={problems.activationId}
          disabled={disabled}
          sx={{ flex: 3, minWidth: 200 }}
        />
        <TextField
          label="Count"
          size="small"
          value={row.count}
          onChange={(e) => setRow({ ...row, count: e.target.value })}
          error={problems.count !== undefined}
          helperText={problems.count}
          disabled={disabled}
          sx={{ flex: 1, minWidth: 80, maxWidth: 160 }}
          slotProps={{ htmlInput: { inputMode: 'numeric' } }}
        />
        <Button variant="contained" startIcon={<Icon>download</Icon>} onClick={() => void download()} disabled={disabled || outcome.state === 'sending'} sx={{ mt: 0.25 }}>
          Download
        </Button>
      </Box>
      <OperationOutcome outcome={outcome} />
    </Section>
  );
}

function ResponseUploadSection() {
  const { outcome, run, allowed } = useBackOfficeOperation();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [answer, setAnswer] = useState<ExchangeAnswer | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const route = BACK_OFFICE_ROUTES.offlineResponse;
  const disabled = !allowed(route);

  const choose = (f: File | null) => {
    setFile(f);
    setProblem(f === null ? null : f.size === 0 ? 'This file is empty: choose the response file the back office gave you.' : f.size > RESPONSE_MAX_BYTES ? 'This file is larger than 1 MB: it is not a back office response.' : null);
  };
  const upload = async () => {
    if (!file) {
      setProblem('Choose the response file first.');
      feedback.notify('Nothing was uploaded: choose the response file first.', 'error');
      return;
    }
    if (problem) return;
    setAnswer(null);
    const answered = await run(
      route,
      (path) => apiJson<ExchangeAnswer>(path, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: file }),
      () => `The server applied ${file.name}: its licenses are updated.`,
    );
    if (answered) {
      setAnswer(answered);
      // The server's licenses changed: every view of features, devices, pools and reservations is stale.
      void queryClient.invalidateQueries();
    }
  };

  return (
    <Section title="Upload response" id="response-upload">
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        When the back office has given you a response file, choose it and click Upload: the server processes it and updates its trusted storage.
      </Typography>
      <Box sx={{ display: 'flex', gap: 1.5, alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <Box sx={{ flexGrow: 1 }}>
          <FileChooser id="response-file" label="Choose response file" file={file} onChange={choose} problem={problem} disabled={disabled} />
        </Box>
        <Button variant="contained" startIcon={<Icon>upload</Icon>} onClick={() => void upload()} disabled={disabled || outcome.state === 'sending' || problem !== null}>
          Upload
        </Button>
      </Box>
      {outcome.state === 'done' && answer ? <ExchangeResult title={outcome.text} answer={answer} /> : <OperationOutcome outcome={outcome} />}
    </Section>
  );
}
