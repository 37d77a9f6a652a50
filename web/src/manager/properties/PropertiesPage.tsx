import { useState } from 'react';
import type { ReactNode } from 'react';
import { Accordion, AccordionDetails, AccordionSummary, Alert, Box, Button, Chip, Icon, Paper, Typography } from '@mui/material';
import type { PropertyGroupView, PropertyListing, PropertyView } from '../../../../src/server/properties/property-service.js';
import { useAuth } from '../../api/auth.js';
import { ApiError, instancePath } from '../../api/client.js';
import { QueryState } from '../../components/QueryState.js';
import { useFeedback } from '../../components/feedback.js';
import { useProperties, useResetProperty, useSaveProperties } from './hooks.js';
import { PropertyField } from './PropertyField.js';
import type { FormValue } from './property-values.js';
import { fromForm, isChanged, problemWith, showValue, toForm } from './property-values.js';

const without = <T,>(record: Record<string, T>, key: string): Record<string, T> => Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The License Server Properties view: every policy setting by group, edited and saved all at once. */
export default function PropertiesPage() {
  const query = useProperties();
  return (
    <Box sx={{ maxWidth: 1200 }}>
      <Typography variant="h5" component="h1" gutterBottom>
        License Server Properties
      </Typography>
      <Typography variant="body2" color="text.secondary" sx={{ mb: 2 }}>
        The policy settings this license server uses. Changes take effect when you click Save, without a restart.
      </Typography>
      <QueryState query={query} what="the properties" isEmpty={(d) => d.properties.length === 0} emptyText="This server lists no properties.">
        {(data) => <PropertiesForm data={data} />}
      </QueryState>
    </Box>
  );
}

function PropertiesForm({ data }: { data: PropertyListing }) {
  const auth = useAuth();
  const feedback = useFeedback();
  const save = useSaveProperties();
  const reset = useResetProperty();
  const canEdit = auth.may('PUT', instancePath('/properties'));
  const [drafts, setDrafts] = useState<Record<string, FormValue>>({});
  // What the server refused at the last Save, by property key; cleared as each is edited.
  const [refused, setRefused] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<string | null>(null);

  const formOf = (p: PropertyView) => drafts[p.key] ?? toForm(p, p.value);
  const changed = data.properties.filter((p) => p.editable && drafts[p.key] !== undefined && isChanged(p, drafts[p.key]!));
  const problemOf = (p: PropertyView) => refused[p.key] ?? (drafts[p.key] ? problemWith(p, drafts[p.key]!) : null);

  const edit = (key: string, form: FormValue) => {
    setDrafts((d) => ({ ...d, [key]: form }));
    setRefused((r) => without(r, key));
  };

  const onSave = async () => {
    const invalid = changed.filter((p) => problemWith(p, drafts[p.key]!) !== null);
    if (invalid.length > 0) {
      feedback.notify(`Nothing was saved: correct ${invalid.map((p) => p.label).join(', ')} first.`, 'error');
      document.getElementById(`property-${invalid[0]!.key.replace(/[^A-Za-z0-9-]/g, '-')}`)?.focus();
      return;
    }
    const body = Object.fromEntries(changed.map((p) => [p.key, fromForm(p, drafts[p.key]!)]));
    try {
      const result = await save.mutateAsync(body);
      setDrafts({});
      setRefused({});
      setRefusal(null);
      feedback.notify(`Saved ${plural(result.changed.length, 'change')}: ${result.changed.map((p) => `${p.label} is now ${showValue(p, p.value)}`).join('; ')}.`);
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError(0, 'UNKNOWN', String(e));
      const known = new Set(data.properties.map((p) => p.key));
      setRefused(Object.fromEntries(error.details.filter((d) => known.has(d.field)).map((d) => [d.field, d.message])));
      const elsewhere = error.details.filter((d) => !known.has(d.field));
      setRefusal(
        error.status === 403
          ? `Access denied: ${error.message}`
          : error.details.length > 0
            ? `Nothing was saved: the server refused ${plural(error.details.length, 'value')}${elsewhere.length > 0 ? ` (${elsewhere.map((d) => `${d.field} ${d.message}`).join('; ')})` : ', marked below'}. Correct them and save again.`
            : `Nothing was saved: ${error.message}`,
      );
      feedback.notify('Nothing was saved: the server refused the change.', 'error');
    }
  };

  const onDiscard = async () => {
    const yes = await feedback.confirm({ title: 'Discard your changes?', text: `${plural(changed.length, 'unsaved change')} will be lost; every field shows the saved value again.`, action: 'Discard changes' });
    if (!yes) return;
    setDrafts({});
    setRefused({});
    setRefusal(null);
    feedback.notify(`Discarded ${plural(changed.length, 'unsaved change')}.`, 'info');
  };

  const onReset = async (p: PropertyView) => {
    const yes = await feedback.confirm({
      title: `Reset ${p.label}?`,
      text: `The value set here (${showValue(p, p.value)}) is dropped and the value of the configuration applies again at once.`,
      action: 'Reset',
    });
    if (!yes) return;
    try {
      const after = await reset.mutateAsync(p.key);
      setDrafts((d) => without(d, p.key));
      setRefused((r) => without(r, p.key));
      feedback.notify(`${p.label} is back to its configured value: ${showValue(after, after.value)}.`);
    } catch (e) {
      feedback.notify(e instanceof ApiError && e.status === 403 ? `Access denied: ${e.message}` : `${p.label} was not reset: ${(e as Error).message}`, 'error');
    }
  };

  return (
    <>
      {!canEdit && (
        <Alert severity="info" icon={<Icon>visibility</Icon>} sx={{ mb: 2 }} data-testid="properties-read-only">
          You are logged in as {auth.session?.user ?? 'a user'} ({auth.session?.role ?? 'no role'}): you may see the properties, but only an administrator may change them.
        </Alert>
      )}
      {refusal && (
        <Alert severity="error" sx={{ mb: 2 }} data-testid="properties-refusal" onClose={() => setRefusal(null)}>
          {refusal}
        </Alert>
      )}
      {data.groups.map((g) => (
        <PropertyGroupSection
          key={g.group}
          group={g}
          properties={data.properties.filter((p) => p.group === g.group)}
          changedCount={changed.filter((p) => p.group === g.group).length}
          render={(p) => (
            <PropertyField
              key={p.key}
              property={p}
              form={formOf(p)}
              onChange={(f) => edit(p.key, f)}
              problem={problemOf(p)}
              changed={changed.includes(p)}
              canEdit={canEdit}
              onReset={() => void onReset(p)}
            />
          )}
        />
      ))}
      <Paper
        elevation={4}
        // Kept in view while there is something to save; a role that may not save has nothing to keep there.
        sx={{ position: canEdit ? 'sticky' : 'static', bottom: 0, mt: 2, p: { xs: 1, sm: 1.5 }, display: 'flex', alignItems: 'center', justifyContent: 'flex-end', gap: 1, flexWrap: 'wrap', zIndex: 2 }}
        data-testid="properties-actions"
      >
        <Typography variant="body2" sx={{ flexGrow: 1, flexBasis: { xs: '100%', sm: 'auto' } }} role="status">
          {canEdit ? (changed.length === 0 ? 'No unsaved changes.' : `${plural(changed.length, 'unsaved change')}.`) : 'Read-only: only an administrator may save.'}
        </Typography>
        <Button onClick={() => void onDiscard()} disabled={changed.length === 0 || save.isPending}>
          Discard changes
        </Button>
        <Button variant="contained" onClick={() => void onSave()} disabled={!canEdit || changed.length === 0 || save.isPending} startIcon={<Icon>save</Icon>}>
          {save.isPending ? 'Saving…' : 'Save'}
        </Button>
      </Paper>
    </>
  );
}

interface GroupSectionProps {
  group: PropertyGroupView;
  properties: PropertyView[];
  changedCount: number;
  render: (p: PropertyView) => ReactNode;
}

/** One of the guide's groups, folded open by default; its summary is a button, so the keyboard opens and closes it. */
function PropertyGroupSection({ group, properties, changedCount, render }: GroupSectionProps) {
  const headingId = `group-${group.group}`;
  return (
    <Accordion defaultExpanded disableGutters data-testid={headingId} slotProps={{ heading: { component: 'h2' } }}>
      <AccordionSummary expandIcon={<Icon>expand_more</Icon>} aria-controls={`${headingId}-content`} id={headingId}>
        <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 1.5, flexWrap: 'wrap', minWidth: 0 }}>
          <Typography variant="subtitle1" component="span" sx={{ fontWeight: 600 }} data-testid="group-label">
            {group.label}
          </Typography>
          <Typography variant="body2" component="span" color="text.secondary">
            {group.description}
          </Typography>
          {changedCount > 0 && <Chip size="small" color="primary" label={`${changedCount} changed`} />}
        </Box>
      </AccordionSummary>
      <AccordionDetails id={`${headingId}-content`} sx={{ pt: 0 }}>
        {properties.length === 0 ? (
          <Typography variant="body2" color="text.secondary">
            No property of this group applies to this server.
          </Typography>
        ) : (
          properties.map(render)
        )}
      </AccordionDetails>
    </Accordion>
  );
}
