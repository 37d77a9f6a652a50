import { useState } from 'react';
import type { ReactElement } from 'react';
import { Alert, Box, Button, Icon, Stack, Tooltip, Typography } from '@mui/material';
import type { GridColDef } from '@mui/x-data-grid';
import { Link } from 'react-router';
import { useAuth } from '../../api/auth.js';
import { instancePath } from '../../api/client.js';
import { PagedGrid, usePageParam } from '../../components/PagedGrid.js';
import { useFeedback } from '../../components/feedback.js';
import { useConnection } from '../connection.js';
import type { ReservationRow } from './hooks.js';
import { useActiveModelName, useDeleteGroups, useReservationRows } from './hooks.js';
import { ReservationStatus } from './ReservationStatus.js';
import { ImportRefusal, ReservationExportButton, ReservationImportButton } from './ReservationTransferButtons.js';

const COLUMNS: Array<GridColDef<ReservationRow>> = [
  { field: 'status', headerName: 'Status', width: 140, renderCell: (p) => <ReservationStatus status={p.row.status} /> },
  {
    field: 'reason',
    headerName: 'Reason',
    flex: 2,
    minWidth: 200,
    renderCell: (p) => (
      <Box component="span" sx={{ whiteSpace: 'normal', py: 1, lineHeight: 1.4 }}>
        {p.row.reason ?? '—'}
      </Box>
    ),
  },
  { field: 'deviceId', headerName: 'Device ID', flex: 1, minWidth: 120 },
  { field: 'idType', headerName: 'ID type', width: 110 },
  { field: 'group', headerName: 'Group', flex: 1, minWidth: 100 },
  { field: 'featureName', headerName: 'Feature', flex: 1, minWidth: 90 },
  { field: 'featureVersion', headerName: 'Version', width: 80 },
  { field: 'featureCount', headerName: 'Count', type: 'number', width: 80 },
];

/**
 * Checking one entry selects its whole group (Delete works on groups); unchecking one
 * leaves the group out. Returns the groups now selected.
 */
function nextGroups(rows: readonly ReservationRow[], before: ReadonlySet<string>, ids: readonly string[]): Set<string> {
  const groupOf = new Map(rows.map((r) => [r.id, r.groupId]));
  const wasChecked = new Set(rows.filter((r) => before.has(r.groupId)).map((r) => r.id));
  const now = new Set(ids);
  const groups = new Set(before);
  for (const id of now) if (!wasChecked.has(id)) groups.add(groupOf.get(id)!);
  for (const id of wasChecked) if (!now.has(id)) groups.delete(groupOf.get(id)!);
  return groups;
}

/** The Reservations view: every entry with its status and reason; delete groups, import, export, add. */
export function ReservationList() {
  const auth = useAuth();
  const { pageSize } = useConnection();
  const [page, setPage] = usePageParam();
  const rows = useReservationRows(page, pageSize);
  const model = useActiveModelName();
  const remove = useDeleteGroups();
  const feedback = useFeedback();
  const [groups, setGroups] = useState<Set<string>>(new Set());
  const [refusal, setRefusal] = useState<{ message: string; details: Array<{ field: string; message: string }> } | null>(null);

  const items = rows.data?.items ?? [];
  const canChange = auth.may('POST', instancePath('/reservationgroups/import'));
  const canDelete = auth.may('POST', instancePath('/reservationgroups/delete'));
  const blockedByModel = model.data ? `The model "${model.data}" is active: pools and reservations never coexist.` : null;
  const readOnlyWhy = `Your role (${auth.session?.role}) may view reservations but not change them.`;
  const names = (ids: Set<string>) => [...new Set(items.filter((r) => ids.has(r.groupId)).map((r) => r.group))];

  const onDelete = async () => {
    const ids = [...groups];
    const named = names(groups);
    const n = ids.length;
    const ok = await feedback.confirm({
      title: `Delete ${n} reservation ${n === 1 ? 'group' : 'groups'}?`,
      text: `${named.join(', ')}: every reservation of ${n === 1 ? 'it' : 'them'} ends, and the counts held for ${n === 1 ? 'it' : 'them'} return to every device.`,
      action: `Delete ${n} ${n === 1 ? 'group' : 'groups'}`,
    });
    if (!ok) return;
    try {
      await remove.mutateAsync(ids);
      setGroups(new Set());
      feedback.notify(`Deleted ${n} reservation ${n === 1 ? 'group' : 'groups'}: ${named.join(', ')}.`);
    } catch (error) {
      feedback.notify(`Nothing was deleted: ${error instanceof Error ? error.message : String(error)}`, 'error');
    }
  };

  const because = (why: string | null, button: ReactElement) =>
    why ? (
      <Tooltip title={why}>
        <span>{button}</span>
      </Tooltip>
    ) : (
      button
    );

  return (
    <Stack spacing={2}>
      <Typography variant="h5" component="h1">
        Reservations
      </Typography>
      {blockedByModel && (
        <Alert severity="warning" action={<Button color="inherit" size="small" component={Link} to="/pools/model">Open the Model tab</Button>}>
          {blockedByModel} Delete the model in Named License Pools › Model before adding or importing reservations.
        </Alert>
      )}
      {!canChange && (
        <Alert severity="info" data-testid="read-only-note">
          {readOnlyWhy} Add, Delete and Import need the admin or reservations role.
        </Alert>
      )}
      <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1 }}>
        {because(
          !canChange ? readOnlyWhy : blockedByModel,
          <Button variant="contained" startIcon={<Icon aria-hidden>add</Icon>} component={Link} to="/reservations/add" disabled={!canChange || blockedByModel !== null}>
            Add
          </Button>,
        )}
        {because(
          !canDelete ? readOnlyWhy : groups.size === 0 ? 'Check the entries of the groups to delete' : null,
          <Button color="error" variant="outlined" startIcon={<Icon aria-hidden>delete</Icon>} disabled={!canDelete || groups.size === 0 || remove.isPending} onClick={() => void onDelete()}>
            Delete{groups.size > 0 ? ` (${groups.size} ${groups.size === 1 ? 'group' : 'groups'})` : ''}
          </Button>,
        )}
        {because(!canChange ? readOnlyWhy : blockedByModel, <ReservationImportButton disabled={!canChange || blockedByModel !== null} onRefused={setRefusal} />)}
        <ReservationExportButton />
      </Box>
      {refusal && <ImportRefusal refusal={refusal} onClose={() => setRefusal(null)} />}
      <PagedGrid
        label="Reservations"
        tableKey="reservations"
        columns={COLUMNS}
        query={rows}
        getRowId={(r) => r.id}
        page={page}
        pageSize={pageSize}
        onPageChange={setPage}
        emptyText="No reservations: every count is shared by all devices. Add a group, or import a reservations JSON file."
        autoRowHeight
        {...(canDelete
          ? {
              selection: {
                model: items.filter((r) => groups.has(r.groupId)).map((r) => r.id),
                onChange: (ids: string[]) => setGroups((before) => nextGroups(items, before, ids)),
              },
            }
          : {})}
      />
    </Stack>
  );
}
