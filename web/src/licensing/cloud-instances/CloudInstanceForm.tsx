import { useState } from 'react';
import { Box, Button, MenuItem, Paper, TextField, Typography } from '@mui/material';
import { Link } from 'react-router';
import { useAuth } from '../../api/auth.js';
import { AccessDenied } from '../../components/QueryState.js';
import { useFeedback } from '../../components/feedback.js';
import { FormRefusal, fieldProblem, problemsOf } from '../form-problems.js';
import type { Problems } from '../form-problems.js';
import { useAccounts } from '../licensing-api.js';
import { CloudAdminHandOver } from './CloudAdminHandOver.js';
import type { CreatedCloudInstance } from './cloud-instances-api.js';
import { CLOUD_INSTANCE_ROUTES, useCreateCloudInstance } from './cloud-instances-api.js';

interface CloudInstanceDraft {
  accountId: string;
  name: string;
  id: string;
}

/** What the form can tell before sending, by the field names the API uses. */
function checkCloudInstance(d: CloudInstanceDraft): Problems {
  const p: Problems = {};
  if (d.accountId === '') p.accountId = 'choose the account it serves';
  if (d.name.trim() === '') p.name = 'must not be empty';
  const id = d.id.trim();
  if (id !== '' && !/^[A-Za-z0-9._-]{1,64}$/.test(id)) p.id = 'must be 1-64 letters, digits, dots, dashes or underscores';
  return p;
}

/** New cloud instance: an account, a name and maybe an ID; then its administrator's one-time password, once. */
export default function CloudInstanceForm() {
  const auth = useAuth();
  const feedback = useFeedback();
  const accounts = useAccounts();
  const create = useCreateCloudInstance();
  const [created, setCreated] = useState<CreatedCloudInstance | null>(null);
  const [draft, setDraft] = useState<CloudInstanceDraft>({ accountId: '', name: '', id: '' });
  const [problems, setProblems] = useState<Problems>({});
  const field = (name: keyof CloudInstanceDraft) => fieldProblem(problems, name);
  // A field edited is no longer marked: it is checked again on sending.
  const set = (change: Partial<CloudInstanceDraft>) => {
    setDraft((d) => ({ ...d, ...change }));
    setProblems((p) => Object.fromEntries(Object.entries(p).filter(([k]) => !(k in change))));
  };
  if (!auth.may(...CLOUD_INSTANCE_ROUTES.create)) return <AccessDenied message="Only an administrator may create cloud instances." />;

  if (created) {
    const { instance, admin } = created;
    return (
      <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 2, maxWidth: 900 }}>
        <Typography variant="h5" component="h1" sx={{ overflowWrap: 'anywhere' }}>
          Cloud instance {instance.name}
        </Typography>
        <CloudAdminHandOver instanceId={instance.id} admin={admin} title={`Cloud instance ${instance.id} was created for account ${instance.accountId}`} />
        <Typography variant="body2" color="text.secondary">
          Its license clients ask {window.location.origin}
          {instance.apiBase}/capability. Its administrator activates the account&apos;s activation IDs in the License Server Manager.
        </Typography>
        <Box>
          <Button component={Link} to="/licensing/cloud-instances" variant="contained">
            Done
          </Button>
        </Box>
      </Box>
    );
  }

  const submit = async () => {
    create.reset();
    const found = checkCloudInstance(draft);
    setProblems(found);
    if (Object.keys(found).length > 0) {
      feedback.notify('Nothing was created: correct the fields marked first.', 'error');
      return;
    }
    try {
      const made = await create.mutateAsync({ accountId: draft.accountId, name: draft.name.trim(), ...(draft.id.trim() === '' ? {} : { id: draft.id.trim() }) });
      feedback.notify(`Created cloud instance ${made.instance.id}.`);
      setCreated(made);
    } catch (e) {
      setProblems(problemsOf(e));
    }
  };

  const choices = accounts.data?.items ?? [];
  return (
    <Paper
      variant="outlined"
      component="form"
      noValidate
      aria-labelledby="cloud-instance-form-title"
      sx={{ p: { xs: 1.5, sm: 2 }, display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 2, maxWidth: 900 }}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <Typography variant="h5" component="h1" id="cloud-instance-form-title">
        New cloud instance
      </Typography>
      <Typography variant="body2" color="text.secondary">
        A license server this back office runs for an account that runs none: it gets its own licenses, devices, users and properties, and its first
        administrator a one-time password.
      </Typography>
      <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr 1fr' } }}>
        <TextField
          select
          required
          label="Account"
          size="small"
          value={draft.accountId}
          onChange={(e) => set({ accountId: e.target.value })}
          {...(accounts.isError ? { error: true, helperText: `Could not load the accounts: ${accounts.error.message}` } : field('accountId'))}
        >
          {choices.length === 0 && (
            <MenuItem value="" disabled>
              {accounts.isPending ? 'Loading…' : 'No accounts yet: add one first (tally backoffice account add)'}
            </MenuItem>
          )}
          {choices.map((a) => (
            <MenuItem key={a.id} value={a.id}>
              {a.name} ({a.id})
            </MenuItem>
          ))}
        </TextField>
        <TextField required label="Name" placeholder="e.g. Acme production" size="small" value={draft.name} onChange={(e) => set({ name: e.target.value })} {...field('name')} />
        <TextField
          label="Instance ID"
          placeholder="made when empty"
          size="small"
          value={draft.id}
          onChange={(e) => set({ id: e.target.value })}
          {...(field('id').error ? field('id') : { helperText: 'part of its address; made when empty' })}
        />
      </Box>
      <FormRefusal error={create.error} title="The cloud instance was not created" />
      <Box sx={{ display: 'flex', gap: 1, justifyContent: 'flex-end', flexWrap: 'wrap' }}>
        <Button component={Link} to="/licensing/cloud-instances">
          Cancel
        </Button>
        <Button type="submit" variant="contained" disabled={create.isPending}>
          Create cloud instance
        </Button>
      </Box>
    </Paper>
  );
}
