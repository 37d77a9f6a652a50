import { useState } from 'react';
import { Box, Button, Chip, Icon, IconButton, Stack, Typography } from '@mui/material';
import type { GridColDef } from '@mui/x-data-grid';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Role, UserView } from '../../../../src/auth/admin-security.js';
import type { Page } from '../../../../src/http/paging.js';
import { ApiError, apiJson, instancePath } from '../../api/client.js';
import { useAuth } from '../../api/auth.js';
import { AccessDenied } from '../../components/QueryState.js';
import { PagedGrid, usePageParam } from '../../components/PagedGrid.js';
import { useFeedback } from '../../components/feedback.js';
import { Allowed, useMay } from '../access.js';
import { useConnection } from '../connection.js';
import { AddUserDialog } from './AddUserDialog.js';
import { ChangeRoleDialog } from './ChangeRoleDialog.js';
import type { OneTimePassword } from './OneTimePasswordDialog.js';
import { OneTimePasswordDialog } from './OneTimePasswordDialog.js';
import { roleLabel } from './roles.js';

interface WithPassword {
  user: UserView;
  oneTimePassword: string;
}

const usersPath = (name?: string) => instancePath(name === undefined ? '/users' : `/users/${encodeURIComponent(name)}`);

/** One page of the users, as the table shows them. */
function useUsers(page: number, pageSize: number) {
  return useQuery({
    queryKey: ['users', page, pageSize],
    queryFn: ({ signal }) => apiJson<Page<UserView>>(`${usersPath()}?page=${page}&pageSize=${pageSize}`, { signal }),
    placeholderData: keepPreviousData,
  });
}

/**
 * How many administrators there are, to say before a click that the last one cannot be removed
 * or demoted; null when not known (more users than one page holds: the server still says so).
 */
function useAdminCount(): number | null {
  const all = useQuery({
    queryKey: ['users', 'all'],
    queryFn: ({ signal }) => apiJson<Page<UserView>>(`${usersPath()}?page=1&pageSize=1000`, { signal }),
  });
  if (!all.data || all.data.total > all.data.items.length) return null;
  return all.data.items.filter((u) => u.role === 'admin').length;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * Users: who may manage this server and with which role; admins only. A back office's users
 * may also be account viewers (`withAccountViewer`), each bound to one account.
 */
export default function UsersPage({ withAccountViewer = false }: { withAccountViewer?: boolean }) {
  const auth = useAuth();
  const mayList = useMay('GET', '/users');
  const { pageSize } = useConnection();
  const [page, setPage] = usePageParam();
  const users = useUsers(page, pageSize);
  const admins = useAdminCount();
  const queryClient = useQueryClient();
  const feedback = useFeedback();
  const notify = (text: string, severity?: 'success' | 'error') => feedback.notify(text, severity);
  const [adding, setAdding] = useState(false);
  const [changing, setChanging] = useState<UserView | null>(null);
  const [shown, setShown] = useState<OneTimePassword | null>(null);

  const isYou = (u: UserView) => u.name === auth.session?.user;
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['users'] });
  /** A refusal in words: "access denied" for the role, else the API's message. */
  const failed = (what: string, e: unknown) =>
    notify(e instanceof ApiError && e.status === 403 ? `Access denied: ${e.message}` : `Could not ${what}: ${e instanceof Error ? e.message : String(e)}`, 'error');

  const add = async (name: string, role: Role, account?: string) => {
    const created = await apiJson<WithPassword>(usersPath(), { method: 'POST', body: JSON.stringify({ name, role, ...(account === undefined ? {} : { account }) }) });
    await refresh();
    notify(`${created.user.name} was added as ${roleLabel(role, created.user.account)}.`);
    setShown({ user: created.user.name, password: created.oneTimePassword, why: 'added' });
  };
  const changeRole = async (user: UserView, role: Role) => {
    await apiJson<UserView>(usersPath(user.name), { method: 'PATCH', body: JSON.stringify({ role }) });
    await refresh();
    notify(`${user.name} is now ${roleLabel(role)}.`);
    // What this session may do was listed at login: a new role of one's own needs a new login.
    if (isYou(user)) await auth.logout();
  };
  const reset = useMutation({
    mutationFn: (user: UserView) => apiJson<WithPassword>(`${usersPath(user.name)}/reset`, { method: 'POST' }),
    onSuccess: async (answer) => {
      await refresh();
      notify(`The password of ${answer.user.name} was reset; its sessions have ended.`);
      setShown({ user: answer.user.name, password: answer.oneTimePassword, why: 'reset' });
    },
    onError: (e) => failed('reset the password', e),
  });
  const remove = useMutation({
    mutationFn: (user: UserView) => apiJson<undefined>(usersPath(user.name), { method: 'DELETE' }),
    onSuccess: async (_, user) => {
      await refresh();
      notify(`${user.name} was removed.`);
    },
    onError: (e) => failed('remove the user', e),
  });

  const askReset = async (user: UserView) => {
    const yes = await feedback.confirm({
      title: `Reset the password of ${user.name}?`,
      text: `${user.name} gets a new one-time password, shown to you once. Its current password stops working, the account is unlocked, and every session of ${user.name} ends now.`,
      action: 'Reset password',
    });
    if (yes) reset.mutate(user);
  };
  const askRemove = async (user: UserView) => {
    const yes = await feedback.confirm({
      title: `Remove ${user.name}?`,
      text: `${user.name} (${roleLabel(user.role)}) can no longer log in, and its sessions end now. This cannot be undone; add the user again to give access back.`,
      action: 'Remove user',
    });
    if (yes) remove.mutate(user);
  };

  if (!mayList) return <AccessDenied message="Only administrators manage users." />;

  const isLastAdmin = (u: UserView) => u.role === 'admin' && admins === 1;
  const columns: Array<GridColDef<UserView>> = [
    { field: 'name', headerName: 'User', flex: 1, minWidth: 140, renderCell: ({ row }) => (isYou(row) ? `${row.name} (you)` : row.name) },
    { field: 'role', headerName: 'Role', width: withAccountViewer ? 200 : 130, valueGetter: (_, row) => roleLabel(row.role, row.account) },
    {
      field: 'mustChangePassword',
      headerName: 'Must change password',
      width: 180,
      renderCell: ({ row }) => (row.mustChangePassword ? <Chip size="small" label="At next login" color="info" variant="outlined" /> : 'No'),
    },
    { field: 'locked', headerName: 'Locked', width: 110, renderCell: ({ row }) => (row.locked ? <Chip size="small" label="Locked" color="warning" /> : 'No') },
    { field: 'createdAt', headerName: 'Created', width: 180, valueGetter: (_, row) => dateTime.format(new Date(row.createdAt)) },
    {
      field: 'actions',
      headerName: 'Actions',
      width: 150,
      sortable: false,
      hideable: false,
      renderCell: ({ row }) => (
        <Stack direction="row" sx={{ height: '100%', alignItems: 'center' }}>
          <Allowed method="PATCH" path="/users/:name" title="Change role">
            <IconButton size="small" aria-label={`Change the role of ${row.name}`} onClick={() => setChanging(row)}>
              <Icon fontSize="small">manage_accounts</Icon>
            </IconButton>
          </Allowed>
          <Allowed method="POST" path="/users/:name/reset" title="Reset password">
            <IconButton size="small" aria-label={`Reset the password of ${row.name}`} onClick={() => void askReset(row)}>
              <Icon fontSize="small">lock_reset</Icon>
            </IconButton>
          </Allowed>
          <Allowed
            method="DELETE"
            path="/users/:name"
            title="Remove"
            because={isYou(row) ? 'You cannot remove the user you are logged in as.' : isLastAdmin(row) ? 'The last administrator cannot be removed: make another user administrator first.' : null}
          >
            <IconButton size="small" aria-label={`Remove ${row.name}`} onClick={() => void askRemove(row)}>
              <Icon fontSize="small">delete</Icon>
            </IconButton>
          </Allowed>
        </Stack>
      ),
    },
  ];

  return (
    <Box>
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} sx={{ mb: 2, justifyContent: 'space-between', alignItems: { sm: 'center' } }}>
        <Box>
          <Typography variant="h5" component="h1">
            Users
          </Typography>
          <Typography variant="body2" color="text.secondary">
            Who may manage this server, and with which role. The server keeps at least one administrator.
          </Typography>
        </Box>
        <Allowed method="POST" path="/users">
          <Button variant="contained" startIcon={<Icon>person_add</Icon>} onClick={() => setAdding(true)} sx={{ flexShrink: 0 }}>
            Add user
          </Button>
        </Allowed>
      </Stack>
      <PagedGrid
        label="Users"
        tableKey="users"
        columns={columns}
        query={users}
        getRowId={(u) => u.name}
        page={page}
        pageSize={pageSize}
        onPageChange={setPage}
        emptyText="No users."
        height={480}
      />
      <AddUserDialog open={adding} onClose={() => setAdding(false)} onAdd={add} withAccountViewer={withAccountViewer} />
      <ChangeRoleDialog key={changing?.name ?? ''} user={changing} lastAdmin={changing !== null && isLastAdmin(changing)} isYou={changing !== null && isYou(changing)} onClose={() => setChanging(null)} onChange={changeRole} />
      <OneTimePasswordDialog value={shown} onClose={() => setShown(null)} />
    </Box>
  );
}
