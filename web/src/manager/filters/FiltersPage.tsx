import { Alert, Box, Button, Chip, Icon, Paper, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useAuth } from '../../api/auth.js';
import { instancePath } from '../../api/client.js';
import { QueryState } from '../../components/QueryState.js';
import { useFeedback } from '../../components/feedback.js';
import { DefinitionProblems } from '../pools/DefinitionProblems.js';
import { ModelEditor } from '../pools/ModelEditor.js';
import { useDefinitionWorkbench } from '../pools/use-definition-workbench.js';
import type { ActiveFilter, FilterSummary } from './hooks.js';
import { useActivateFilter, useActiveFilter, useDeleteFilter, useValidateFilter } from './hooks.js';

/** What a new filter starts from: the shape of the language, every line a working example. */
const STARTER = `filter "site rules" {
  timezone "UTC"
  // Rules are tried top to bottom for each feature asked for; the first that matches decides.
  deny feature("*") and devicetype(VIRTUAL) because "Licenses are for physical machines"
  default allow
}
`;

const describeSummary = (f: FilterSummary) =>
  `${f.rules.length} ${f.rules.length === 1 ? 'rule' : 'rules'}, default ${f.defaultAction}, times in ${f.timeZone}`;

/** The active filter's name, who activated it and when, and its rules in the order they are tried. */
function FilterFacts({ active, canChange }: { active: ActiveFilter | null; canChange: boolean }) {
  if (!active) {
    return (
      <Alert severity="info" data-testid="no-filter">
        No checkout filter is active: every device may check out every feature its licenses allow.{canChange ? ' Write a filter below (or browse for a file), then Validate and Activate.' : ''}
      </Alert>
    );
  }
  const f = active.filter;
  return (
    <Paper variant="outlined" sx={{ p: 2 }} data-testid="filter-facts">
      <Box component="dl" sx={{ m: 0, mb: 2, display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.5, '& dt': { color: 'text.secondary' }, '& dd': { m: 0, overflowWrap: 'anywhere' } }}>
        <dt>Active filter</dt>
        <dd>{active.name}</dd>
        <dt>Activated by</dt>
        <dd>{active.activatedBy}</dd>
        <dt>Activated at</dt>
        <dd>{new Date(active.activatedAt).toLocaleString()}</dd>
        <dt>Days and hours in</dt>
        <dd>{f.timeZone}</dd>
      </Box>
      {/* On a phone the rules scroll sideways rather than break a word a letter at a time. */}
      <Box sx={{ overflowX: 'auto' }}>
        <Table size="small" aria-label="Rules of the active filter, in the order they are tried" data-testid="filter-rules" sx={{ minWidth: 640 }}>
          <TableHead>
            <TableRow>
              <TableCell>Line</TableCell>
              <TableCell>Does</TableCell>
              <TableCell>Rule</TableCell>
              <TableCell>Reason shown to the client</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {f.rules.map((r) => (
              <TableRow key={r.line}>
                <TableCell>{r.line}</TableCell>
                <TableCell>
                  <Chip size="small" label={r.action} color={r.action === 'deny' ? 'error' : 'success'} variant="outlined" />
                </TableCell>
                <TableCell sx={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}>{r.text}</TableCell>
                <TableCell sx={{ overflowWrap: 'anywhere' }}>{r.reason ?? '—'}</TableCell>
              </TableRow>
            ))}
            <TableRow>
              <TableCell />
              <TableCell>
                <Chip size="small" label={f.defaultAction} color={f.defaultAction === 'deny' ? 'error' : 'success'} />
              </TableCell>
              <TableCell colSpan={2}>Every request no rule matches (default)</TableCell>
            </TableRow>
          </TableBody>
        </Table>
      </Box>
    </Paper>
  );
}

function FilterWorkbench({ active }: { active: ActiveFilter | null }) {
  const auth = useAuth();
  const feedback = useFeedback();
  const validate = useValidateFilter();
  const activate = useActivateFilter();
  const remove = useDeleteFilter();
  const canChange = auth.may('PUT', instancePath('/filters'));
  const busy = validate.isPending || activate.isPending || remove.isPending;
  const bench = useDefinitionWorkbench<FilterSummary>({
    initialText: active?.text ?? (canChange ? STARTER : ''),
    problemCode: 'FILTER_REJECTED',
    describeProblems: (found) => `the filter has a problem on line ${found[0]!.line}.`,
    validate: async (text) => (await validate.mutateAsync(text)).filter,
    describeValid: (summary) => `The filter "${summary.name}" is valid: ${describeSummary(summary)}.`,
    mayReplace: async (summary) =>
      !active ||
      feedback.confirm({ title: `Replace the filter "${active.name}"?`, text: `"${summary.name}" decides every checkout from now on: ${describeSummary(summary)}. Leases already granted run on until their renewal.`, action: 'Activate' }),
    activate: async (text) => {
      const done = await activate.mutateAsync(text);
      return `Filter "${done.filter.name}" ${done.replaced ? 'replaced the previous one' : 'activated'}: ${describeSummary(done.filter)}.`;
    },
    mayDelete: async () => !!active && feedback.confirm({ title: `Delete the filter "${active.name}"?`, text: 'Every device may then check out every feature its licenses allow.', action: 'Delete filter' }),
    remove: async () => {
      await remove.mutateAsync();
      return `Filter "${active!.name}" deleted: checkouts are no longer filtered.`;
    },
  });
  const { editor, file, text, problems, outcome } = bench;

  return (
    <Stack spacing={2}>
      <FilterFacts active={active} canChange={canChange} />
      {!canChange && (
        <Alert severity="info" data-testid="read-only-note">
          Your role ({auth.session?.role}) may read the checkout filter but not change it: changing it needs the admin role.
        </Alert>
      )}
      {canChange && (
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1 }}>
          <input ref={file} type="file" accept=".txt,.filter,text/plain" hidden aria-label="Checkout filter file" onChange={(e) => { void bench.onFile(e.target.files?.[0]); e.target.value = ''; }} />
          <Button variant="outlined" startIcon={<Icon aria-hidden>folder_open</Icon>} disabled={busy} onClick={() => file.current?.click()}>
            Browse…
          </Button>
          <Button variant="outlined" startIcon={<Icon aria-hidden>rule</Icon>} disabled={busy || text.trim() === ''} onClick={() => void bench.onValidate()}>
            Validate
          </Button>
          <Button variant="contained" startIcon={<Icon aria-hidden>upload</Icon>} disabled={busy || text.trim() === ''} onClick={() => void bench.onActivate()}>
            Activate
          </Button>
          <Box sx={{ flexGrow: 1 }} />
          <Button color="error" startIcon={<Icon aria-hidden>delete</Icon>} disabled={busy || !active} onClick={() => void bench.onDelete()}>
            Delete filter
          </Button>
        </Box>
      )}
      {outcome && (
        <Alert severity={outcome.severity} data-testid="filter-outcome" onClose={bench.clearOutcome}>
          {outcome.text}
        </Alert>
      )}
      {problems.length > 0 && <DefinitionProblems heading="The filter was refused. Choose the problem to go to it in the text." testId="filter" problems={problems} onPick={bench.goTo} />}
      {(canChange || active) && <ModelEditor ref={editor} label="Checkout filter text" value={text} onChange={bench.setText} readOnly={!canChange} marks={problems} />}
    </Stack>
  );
}

/** Checkout Filters: which devices may check out which features at all, decided before pools and reservations. */
export default function FiltersPage() {
  const active = useActiveFilter();
  return (
    <Box>
      <Typography variant="h5" component="h1" gutterBottom>
        Checkout Filters
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        A refused feature is denied with 67 FILTER_REJECTION and shows in the usage report as such. Returns are never filtered.
      </Typography>
      <QueryState query={active} what="the checkout filter">
        {/* A new active filter (or none) starts the editor afresh from its text. */}
        {(f) => <FilterWorkbench key={f?.activatedAt ?? 'none'} active={f} />}
      </QueryState>
    </Box>
  );
}
