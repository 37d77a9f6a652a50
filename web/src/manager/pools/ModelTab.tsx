import { useRef, useState } from 'react';
import { Alert, Box, Button, Icon, List, ListItemButton, ListItemIcon, ListItemText, Paper, Stack, Typography } from '@mui/material';
import { Link } from 'react-router';
import type { ModelSummary } from '../../../../src/server/allocation-service.js';
import { useAuth } from '../../api/auth.js';
import { ApiError, instancePath } from '../../api/client.js';
import { QueryState } from '../../components/QueryState.js';
import { useFeedback } from '../../components/feedback.js';
import type { ModelEditorHandle, TextMark } from './ModelEditor.js';
import { ModelEditor } from './ModelEditor.js';
import { modelProblems } from './model-problems.js';
import type { ActiveModel } from './hooks.js';
import { useActivateModel, useActiveModel, useDeleteModel, useReservationCount, useValidateModel } from './hooks.js';

const describeSummary = (m: ModelSummary) => {
  const named = m.pools.filter((p) => p.name !== 'default');
  const pools = named.map((p) => `${p.name} (${p.allocated} ${p.allocated === 1 ? 'count' : 'counts'})`).join(', ');
  return `${named.length} named ${named.length === 1 ? 'pool' : 'pools'}${pools ? `: ${pools}` : ''}; ${m.rules} ${m.rules === 1 ? 'rule' : 'rules'} of access`;
};

/** The active model's name, who activated it and when. */
function ModelFacts({ model, canChange }: { model: ActiveModel | null; canChange: boolean }) {
  if (!model) {
    return (
      <Alert severity="info" data-testid="no-model">
        No model definition is active: every count is in the default pool.{canChange ? ' Browse for a model file or write one below, then Validate and Activate.' : ''}
      </Alert>
    );
  }
  return (
    <Paper variant="outlined" sx={{ p: 2 }} data-testid="model-facts">
      <Box component="dl" sx={{ m: 0, display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.5, '& dt': { color: 'text.secondary' }, '& dd': { m: 0, overflowWrap: 'anywhere' } }}>
        <dt>Active model</dt>
        <dd>{model.name}</dd>
        <dt>Activated by</dt>
        <dd>{model.activatedBy}</dd>
        <dt>Activated at</dt>
        <dd>{new Date(model.activatedAt).toLocaleString()}</dd>
      </Box>
    </Paper>
  );
}

/** Each problem with its line and column; choosing one puts the caret there. */
function ModelProblems({ problems, onPick }: { problems: TextMark[]; onPick: (p: TextMark) => void }) {
  return (
    <Alert severity="error" data-testid="model-problems" sx={{ '& .MuiAlert-message': { width: '100%' } }}>
      <Typography variant="body2" sx={{ fontWeight: 600 }}>
        The model was refused: {problems.length} {problems.length === 1 ? 'problem' : 'problems'}. Choose one to go to it in the text.
      </Typography>
      <List dense disablePadding>
        {problems.map((p, i) => (
          <ListItemButton key={i} onClick={() => onPick(p)} sx={{ px: 1, borderRadius: 1 }} data-testid="model-problem">
            <ListItemIcon sx={{ minWidth: 32 }}>
              <Icon aria-hidden color="error">
                error_outline
              </Icon>
            </ListItemIcon>
            <ListItemText primary={`Line ${p.line}, column ${p.column}`} secondary={p.message} slotProps={{ secondary: { sx: { overflowWrap: 'anywhere' } } }} />
          </ListItemButton>
        ))}
      </List>
    </Alert>
  );
}

function ModelWorkbench({ model }: { model: ActiveModel | null }) {
  const auth = useAuth();
  const feedback = useFeedback();
  const reservations = useReservationCount();
  const validate = useValidateModel();
  const activate = useActivateModel();
  const remove = useDeleteModel();
  const editor = useRef<ModelEditorHandle>(null);
  const file = useRef<HTMLInputElement>(null);
  const [text, setText] = useState(model?.text ?? '');
  const [problems, setProblems] = useState<TextMark[]>([]);
  const [outcome, setOutcome] = useState<{ severity: 'success' | 'error' | 'warning'; text: string } | null>(null);

  const canChange = auth.may('PUT', instancePath('/model'));
  const reserved = (reservations.data ?? 0) > 0;
  const busy = validate.isPending || activate.isPending || remove.isPending;

  const refused = (error: unknown, what: string) => {
    const found = modelProblems(error);
    if (found) {
      setProblems(found);
      setOutcome(null);
      editor.current?.goTo(found[0]!.line, found[0]!.column);
      feedback.notify(`${what}: the model has ${found.length} ${found.length === 1 ? 'problem' : 'problems'}; the first is on line ${found[0]!.line}.`, 'error');
      return;
    }
    setProblems([]);
    const message = error instanceof ApiError && error.status === 403 ? `Access denied. ${error.message}` : error instanceof Error ? error.message : String(error);
    setOutcome({ severity: error instanceof ApiError && error.status === 409 ? 'warning' : 'error', text: message });
    feedback.notify(`${what}: ${message}`, 'error');
  };

  const check = async (): Promise<ModelSummary | null> => {
    try {
      const { model: summary } = await validate.mutateAsync(text);
      setProblems([]);
      return summary;
    } catch (error) {
      refused(error, 'Not valid');
      return null;
    }
  };

  const onValidate = async () => {
    const summary = await check();
    if (!summary) return;
    const said = `The model "${summary.name}" fits this server: ${describeSummary(summary)}.`;
    setOutcome({ severity: 'success', text: said });
    feedback.notify(said);
  };

  const onActivate = async () => {
    const summary = await check();
    if (!summary) return;
    if (model && !(await feedback.confirm({ title: `Replace the model "${model.name}"?`, text: `"${summary.name}" takes its place at once: ${describeSummary(summary)}. What devices hold is counted in the new pools.`, action: 'Activate' }))) return;
    try {
      const done = await activate.mutateAsync(text);
      const said = `Model "${done.model.name}" ${done.replaced ? 'replaced the previous one' : 'activated'}: ${describeSummary(done.model)}.`;
      setOutcome({ severity: 'success', text: said });
      feedback.notify(said);
    } catch (error) {
      refused(error, 'Not activated');
    }
  };

  const onDelete = async () => {
    if (!model) return;
    if (!(await feedback.confirm({ title: `Delete the model "${model.name}"?`, text: 'Its named pools and rules of access end: every count returns to the default pool, served to any device.', action: 'Delete model' }))) return;
    try {
      await remove.mutateAsync();
      setProblems([]);
      setOutcome(null);
      feedback.notify(`Model "${model.name}" deleted: every count is back in the default pool.`);
    } catch (error) {
      refused(error, 'Not deleted');
    }
  };

  const onFile = async (f: File | undefined) => {
    if (!f) return;
    const content = await f.text();
    setText(content);
    setProblems([]);
    setOutcome(null);
    feedback.notify(`Loaded ${f.name} (${content.split('\n').length} lines): Validate or Activate it.`, 'info');
  };

  return (
    <Stack spacing={2}>
      <ModelFacts model={model} canChange={canChange} />
      {!canChange && (
        <Alert severity="info" data-testid="read-only-note">
          Your role ({auth.session?.role}) may read the model but not change it: Browse, Validate, Activate and Delete need the admin or reservations role.
        </Alert>
      )}
      {canChange && reserved && (
        <Alert severity="warning" action={<Button color="inherit" size="small" component={Link} to="/reservations">Open Reservations</Button>}>
          Reservations are in use, and pools and reservations never coexist: delete every reservation group before activating a model. You can still validate one.
        </Alert>
      )}
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1 }}>
        <input ref={file} type="file" accept=".txt,.model,.tally,text/plain" hidden aria-label="Model definition file" onChange={(e) => { void onFile(e.target.files?.[0]); e.target.value = ''; }} />
        <Button variant="outlined" startIcon={<Icon aria-hidden>folder_open</Icon>} disabled={!canChange || busy} onClick={() => file.current?.click()}>
          Browse…
        </Button>
        <Button variant="outlined" startIcon={<Icon aria-hidden>rule</Icon>} disabled={!canChange || busy || text.trim() === ''} onClick={() => void onValidate()}>
          Validate
        </Button>
        <Button variant="contained" startIcon={<Icon aria-hidden>upload</Icon>} disabled={!canChange || busy || reserved || text.trim() === ''} onClick={() => void onActivate()}>
          Upload / Activate
        </Button>
        <Box sx={{ flexGrow: 1 }} />
        <Button color="error" startIcon={<Icon aria-hidden>delete</Icon>} disabled={!canChange || busy || !model} onClick={() => void onDelete()}>
          Delete model
        </Button>
      </Box>
      {outcome && (
        <Alert severity={outcome.severity} data-testid="model-outcome" onClose={() => setOutcome(null)}>
          {outcome.text}
        </Alert>
      )}
      {problems.length > 0 && <ModelProblems problems={problems} onPick={(p) => editor.current?.goTo(p.line, p.column)} />}
      <ModelEditor ref={editor} label="Model definition text" value={text} onChange={(t) => setText(t)} readOnly={!canChange} marks={problems} />
    </Stack>
  );
}

/** The Model tab: the active model definition, and uploading (validated first) or deleting one. */
export function ModelTab() {
  const model = useActiveModel();
  return (
    <QueryState query={model} what="the model definition">
      {/* A new active model (or none) starts the editor afresh from its text. */}
      {(m) => <ModelWorkbench key={m?.activatedAt ?? 'none'} model={m} />}
    </QueryState>
  );
}
