import { Alert, Box, Button, Icon, Paper, Stack } from '@mui/material';
import { Link } from 'react-router';
import type { ModelSummary } from '../../../../src/server/allocation-service.js';
import { useAuth } from '../../api/auth.js';
import { instancePath } from '../../api/client.js';
import { QueryState } from '../../components/QueryState.js';
import { useFeedback } from '../../components/feedback.js';
import { DefinitionProblems } from './DefinitionProblems.js';
import { ModelEditor } from './ModelEditor.js';
import { useDefinitionWorkbench } from './use-definition-workbench.js';
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

function ModelWorkbench({ model }: { model: ActiveModel | null }) {
  const auth = useAuth();
  const feedback = useFeedback();
  const reservations = useReservationCount();
  const validate = useValidateModel();
  const activate = useActivateModel();
  const remove = useDeleteModel();
  const canChange = auth.may('PUT', instancePath('/model'));
  const reserved = (reservations.data ?? 0) > 0;
  const busy = validate.isPending || activate.isPending || remove.isPending;
  const bench = useDefinitionWorkbench<ModelSummary>({
    initialText: model?.text ?? '',
    problemCode: 'MODEL_REJECTED',
    describeProblems: (found) => `the model has ${found.length} ${found.length === 1 ? 'problem' : 'problems'}; the first is on line ${found[0]!.line}.`,
    conflictIsWarning: true,
    validate: async (text) => (await validate.mutateAsync(text)).model,
    describeValid: (summary) => `The model "${summary.name}" fits this server: ${describeSummary(summary)}.`,
    mayReplace: async (summary) =>
      !model || feedback.confirm({ title: `Replace the model "${model.name}"?`, text: `"${summary.name}" takes its place at once: ${describeSummary(summary)}. What devices hold is counted in the new pools.`, action: 'Activate' }),
    activate: async (text) => {
      const done = await activate.mutateAsync(text);
      return `Model "${done.model.name}" ${done.replaced ? 'replaced the previous one' : 'activated'}: ${describeSummary(done.model)}.`;
    },
    mayDelete: async () =>
      !!model && feedback.confirm({ title: `Delete the model "${model.name}"?`, text: 'Its named pools and rules of access end: every count returns to the default pool, served to any device.', action: 'Delete model' }),
    remove: async () => {
      await remove.mutateAsync();
      return `Model "${model!.name}" deleted: every count is back in the default pool.`;
    },
  });
  const { editor, file, text, problems, outcome } = bench;

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
        <input ref={file} type="file" accept=".txt,.model,.tally,text/plain" hidden aria-label="Model definition file" onChange={(e) => { void bench.onFile(e.target.files?.[0]); e.target.value = ''; }} />
        <Button variant="outlined" startIcon={<Icon aria-hidden>folder_open</Icon>} disabled={!canChange || busy} onClick={() => file.current?.click()}>
          Browse…
        </Button>
        <Button variant="outlined" startIcon={<Icon aria-hidden>rule</Icon>} disabled={!canChange || busy || text.trim() === ''} onClick={() => void bench.onValidate()}>
          Validate
        </Button>
        <Button variant="contained" startIcon={<Icon aria-hidden>upload</Icon>} disabled={!canChange || busy || reserved || text.trim() === ''} onClick={() => void bench.onActivate()}>
          Upload / Activate
        </Button>
        <Box sx={{ flexGrow: 1 }} />
        <Button color="error" startIcon={<Icon aria-hidden>delete</Icon>} disabled={!canChange || busy || !model} onClick={() => void bench.onDelete()}>
          Delete model
        </Button>
      </Box>
      {outcome && (
        <Alert severity={outcome.severity} data-testid="model-outcome" onClose={bench.clearOutcome}>
          {outcome.text}
        </Alert>
      )}
      {problems.length > 0 && (
        <DefinitionProblems heading={`The model was refused: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}. Choose one to go to it in the text.`} testId="model" problems={problems} onPick={bench.goTo} />
      )}
      <ModelEditor ref={editor} label="Model definition text" value={text} onChange={bench.setText} readOnly={!canChange} marks={problems} />
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
