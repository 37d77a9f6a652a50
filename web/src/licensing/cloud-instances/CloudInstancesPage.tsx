import { useState } from 'react';
import { Box, Button, Dialog, DialogActions, DialogContent, DialogTitle, MenuItem, TextField, Typography } from '@mui/material';
import type { GridColDef } from '@mui/x-data-grid';
import { Link } from 'react-router';
import { useAuth } from '../../api/auth.js';
import { PagedGrid, usePageParam } from '../../components/PagedGrid.js';
import { useFeedback } from '../../components/feedback.js';
import { ListSearch, useListParam } from '../ListSearch.js';
import { LICENSING_PAGE_SIZE, useAccounts } from '../licensing-api.js';
import { formatTime } from '../licensing-text.js';
import { CloudAdminHandOver } from './CloudAdminHandOver.js';
import type { CloudInstance, OneTimeAdmin } from './cloud-instances-api.js';
import { CLOUD_INSTANCE_ROUTES, managerLink, useCloudInstances, useDeleteCloudInstance, useResetCloudAdmin } from './cloud-instances-api.js';

/** What an administrator may do to an instance: reset its admin password, or delete it; each asks first. */
function CloudInstanceActions({ instance, onReset }: { instance: CloudInstance; onReset: (admin: OneTimeAdmin) => void }) {
  const auth = useAuth();
  const feedback = useFeedback();
  const remove = useDeleteCloudInstance();
  const reset = useResetCloudAdmin();
  const mayReset = auth.may(...CLOUD_INSTANCE_ROUTES.resetAdmin);
  const mayDelete = auth.may(...CLOUD_INSTANCE_ROUTES.remove);
  const label = `${instance.name} (${instance.id})`;

  const resetAdmin = async () => {
    const yes = await feedback.confirm({
      title: `Reset the admin password of ${label}?`,
      text: 'The admin user gets a new one-time password, shown once; its current password stops working and its sessions end. The other users of the instance keep theirs.',
      action: 'Reset password',
    });
    if (!yes) return;
    try {
      onReset(await reset.mutateAsync(instance.id));
    } catch (e) {
      feedback.notify(`The password was not reset: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  };

  const deleteInstance = async () => {
    const yes = await feedback.confirm({
      title: `Delete cloud instance ${label}?`,
      text: `Its licenses, devices, users and properties are removed, and its license clients are refused from now on. The counts it activated go back to their activation IDs, free to activate elsewhere. Its usage history stays in the report.`,
      action: 'Delete instance',
    });
    if (!yes) return;
    try {
      await remove.mutateAsync(instance.id);
      feedback.notify(`Deleted cloud instance ${instance.id}; its activated counts went back to their activation IDs.`);
    } catch (e) {
      feedback.notify(`The instance was not deleted: ${e instanceof Error ? e.message : String(e)}`, 'error');
    }
  };

  return (
    <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', height: '100%', '& .MuiButton-root': { whiteSpace: 'nowrap', flexShrink: 0 } }}>
      <Button size="small" href={managerLink(instance.id)} target="_blank" rel="noopener" aria-label={`Open ${label} in License Server Manager`}>
        Open in manager
      </Button>
      {mayReset && (
        <Button size="small" onClick={() => void resetAdmin()} disabled={reset.isPending} aria-label={`Reset the admin password of ${label}`}>
          Reset admin password
        </Button>
      )}
      {mayDelete && (
        <Button size="small" color="error" onClick={() => void deleteInstance()} disabled={remove.isPending} aria-label={`Delete ${label}`}>
          Delete
        </Button>
      )}
    </Box>
  );
}

/** Cloud instances: the license servers this back office hosts, searchable, by account, paged. */
export default function CloudInstancesPage() {
  const [q] = useListParam('q');
  const [accountId, setAccountId] = useListParam('account');
  const [page, setPage] = usePageParam();
  const query = useCloudInstances({ q, accountId }, page);
  const accounts = useAccounts();
  const auth = useAuth();
  const [reset, setReset] = useState<{ instanceId: string; admin: OneTimeAdmin } | null>(null);
  const choices = accounts.data?.items ?? [];
  const accountName = new Map(choices.map((a) => [a.id, a.name]));

  const columns: Array<GridColDef<CloudInstance>> = [
    { field: 'name', headerName: 'Name', minWidth: 140, flex: 1 },
    { field: 'accountId', headerName: 'Account', minWidth: 160, flex: 1, valueGetter: (_v, row) => (accountName.has(row.accountId) ? `${accountName.get(row.accountId)} (${row.accountId})` : row.accountId) },
    { field: 'id', headerName: 'Instance ID', minWidth: 160, flex: 1 },
    { field: 'createdAt', headerName: 'Created', width: 170, valueGetter: (_v, row) => formatTime(row.createdAt) },
    { field: 'loaded', headerName: 'Loaded', width: 90, valueGetter: (_v, row) => (row.loaded ? 'yes' : 'not yet') },
    {
      field: 'actions',
      headerName: 'Actions',
      minWidth: 440,
      flex: 2,
      sortable: false,
      renderCell: (p) => <CloudInstanceActions instance={p.row} onReset={(admin) => setReset({ instanceId: p.row.id, admin })} />,
    },
  ];

  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 2, flexWrap: 'wrap' }}>
        <Typography variant="h5" component="h1" sx={{ flexGrow: { xs: 1, sm: 0 } }}>
          Cloud instances
        </Typography>
        <ListSearch label="Search cloud instances" placeholder="ID, name or account" />
        <TextField
          select
          size="small"
          label="Account"
          value={choices.some((a) => a.id === accountId) || accountId === '' ? accountId : ''}
          onChange={(e) => setAccountId(e.target.value)}
          sx={{ minWidth: { xs: '100%', sm: 200 } }}
          helperText={accounts.isError ? `Could not load the accounts: ${accounts.error.message}` : undefined}
          error={accounts.isError}
        >
          <MenuItem value="">Every account</MenuItem>
          {choices.map((a) => (
            <MenuItem key={a.id} value={a.id}>
              {a.name} ({a.id})
            </MenuItem>
          ))}
        </TextField>
        {auth.may(...CLOUD_INSTANCE_ROUTES.create) && (
          <Button variant="contained" component={Link} to="/licensing/cloud-instances/new" sx={{ ml: { sm: 'auto' } }}>
            New cloud instance
          </Button>
        )}
      </Box>
      <PagedGrid
        label="Cloud instances"
        tableKey="licensing-cloud-instances"
        columns={columns}
        query={query}
        getRowId={(row) => row.id}
        page={page}
        pageSize={LICENSING_PAGE_SIZE}
        onPageChange={setPage}
        emptyText={q || accountId ? 'No cloud instance matches this search: change it or choose every account.' : 'No cloud instances yet: create one for an account that runs no license server.'}
        height={520}
      />
      {reset && (
        <Dialog open onClose={() => setReset(null)} aria-labelledby="reset-admin-title" fullWidth maxWidth="sm">
          <DialogTitle id="reset-admin-title">New admin password</DialogTitle>
          <DialogContent>
            <CloudAdminHandOver instanceId={reset.instanceId} admin={reset.admin} title={`The admin password of ${reset.instanceId} was reset`} />
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setReset(null)} variant="contained">
              Done
            </Button>
          </DialogActions>
        </Dialog>
      )}
    </Box>
  );
}
