import { useRef, useState } from 'react';
import type { SyntheticEvent } from 'react';
import {
  Alert,
  Box,
  Button,
  Icon,
  IconButton,
  MenuItem,
  Paper,
  Stack,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TextField,
  Typography,
} from '@mui/material';
import { Link, useNavigate } from 'react-router';
import type { HostIdType } from '../../../../src/licensing/hostid.js';
import { ApiError } from '../../api/client.js';
import { useFeedback } from '../../components/feedback.js';
import { useActiveModelName, useSubmitGroups } from './hooks.js';
import type { EntryField, EntryFields, PendingEntry } from './reservation-entry.js';
import { EMPTY_FIELDS, ID_TYPES, checkEntry, locate, toPosting } from './reservation-entry.js';

type Problems = Partial<Record<EntryField, string>>;

const COLUMNS: Array<{ field: EntryField; label: string; align?: 'right' }> = [
  { field: 'group', label: 'Group' },
  { field: 'deviceId', label: 'Device ID' },
  { field: 'idType', label: 'ID type' },
  { field: 'feature', label: 'Feature' },
  { field: 'version', label: 'Version' },
  { field: 'count', label: 'Count', align: 'right' },
];

/** The entries waiting to be submitted, each with what the API said about its fields. */
function PendingTable({ pending, problems, onRemove }: { pending: PendingEntry[]; problems: Map<number, Problems>; onRemove: (key: number) => void }) {
  if (pending.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary" sx={{ py: 2 }} data-testid="pending-empty">
        No entries yet: fill in the fields above and choose Add. Entries of the same group name become one group.
      </Typography>
    );
  }
  return (
    // Relative, so the header's visually hidden text is clipped by the scrolling container, not the page.
    <TableContainer sx={{ overflowX: 'auto', position: 'relative' }}>
      <Table size="small" aria-label="Reservations (pending submission)" data-testid="pending-table">
        <TableHead>
          <TableRow>
            {COLUMNS.map((c) => (
              <TableCell key={c.field} align={c.align}>
                {c.label}
              </TableCell>
            ))}
            <TableCell>
              <Box component="span" sx={{ position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' }}>
                Remove
              </Box>
            </TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {pending.map((p, i) => {
            const said = problems.get(p.key) ?? {};
            return (
              <TableRow key={p.key} data-testid="pending-row" sx={Object.keys(said).length > 0 ? { bgcolor: 'rgba(211, 47, 47, 0.06)' } : undefined}>
                {COLUMNS.map((c) => (
                  <TableCell key={c.field} align={c.align} sx={{ verticalAlign: 'top', overflowWrap: 'break-word', maxWidth: 320 }}>
                    {String(p[c.field])}
                    {said[c.field] && (
                      <Typography variant="caption" color="error" component="div" role="alert" data-testid={`pending-error-${c.field}`}>
                        {said[c.field]}
                      </Typography>
                    )}
                  </TableCell>
                ))}
                <TableCell sx={{ verticalAlign: 'top' }}>
                  <IconButton size="small" aria-label={`Remove entry ${i + 1} (${p.group}, ${p.deviceId}, ${p.feature})`} onClick={() => onRemove(p.key)}>
                    <Icon aria-hidden>close</Icon>
                  </IconButton>
                </TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

/** Add Reservation: a group entry by entry into a pending table, then Submit (one call, all or nothing) or Cancel. */
export function AddReservationPage() {
  const navigate = useNavigate();
  const feedback = useFeedback();
  const model = useActiveModelName();
  const submit = useSubmitGroups();
  const [fields, setFields] = useState<EntryFields>(EMPTY_FIELDS);
  const [tried, setTried] = useState(false);
  const [pending, setPending] = useState<PendingEntry[]>([]);
  const [answer, setAnswer] = useState<{ message: string; problems: Map<number, Problems> } | null>(null);
  const next = useRef(1);
  const firstField = useRef<HTMLInputElement>(null);

  const problems = tried ? checkEntry(fields) : {};
  const set = (field: EntryField) => (e: { target: { value: string } }) => setFields((f) => ({ ...f, [field]: e.target.value }));
  const help = (field: EntryField, hint: string) => ({ error: problems[field] !== undefined, helperText: problems[field] ?? hint });

  const onAdd = (e: SyntheticEvent) => {
    e.preventDefault();
    setTried(true);
    if (Object.keys(checkEntry(fields)).length > 0) return;
    const entry: PendingEntry = { key: next.current++, group: fields.group.trim(), deviceId: fields.deviceId.trim(), idType: fields.idType, feature: fields.feature, version: fields.version, count: Number(fields.count.trim()) };
    setPending((p) => [...p, entry]);
    // What the server said was about the posting as it was.
    setAnswer(null);
    // The next entry is often for the same group and device: those stay.
    setFields((f) => ({ ...f, feature: '', version: '', count: '' }));
    setTried(false);
    feedback.notify(`Added ${entry.count} of ${entry.feature} ${entry.version} for ${entry.idType} ${entry.deviceId} to group ${entry.group} (pending).`, 'info');
  };

  const onClear = () => {
    setFields(EMPTY_FIELDS);
    setTried(false);
    firstField.current?.focus();
  };

  const onSubmit = async () => {
    const posting = toPosting(pending);
    try {
      const added = await submit.mutateAsync(posting.groups);
      feedback.notify(`Created ${added.groups.length} reservation ${added.groups.length === 1 ? 'group' : 'groups'}: ${added.groups.map((g) => g.name).join(', ')}.`);
      void navigate('/reservations');
    } catch (error) {
      const byKey = new Map<number, Problems>();
      if (error instanceof ApiError) {
        for (const d of error.details) {
          const at = locate(posting, d.field);
          if (!at) continue;
          for (const key of at.keys) byKey.set(key, { ...byKey.get(key), [at.field]: d.message });
        }
      }
      const message = error instanceof ApiError && error.status === 403 ? `Access denied. ${error.message}` : error instanceof Error ? error.message : String(error);
      setAnswer({ message, problems: byKey });
      feedback.notify(`Nothing was submitted: ${message}`, 'error');
    }
  };

  const onCancel = async () => {
    if (pending.length > 0 && !(await feedback.confirm({ title: `Discard ${pending.length} pending ${pending.length === 1 ? 'entry' : 'entries'}?`, text: 'Nothing has been submitted; the entries in the pending table are lost.', action: 'Discard' }))) return;
    if (pending.length > 0) feedback.notify(`Discarded ${pending.length} pending ${pending.length === 1 ? 'entry' : 'entries'}.`, 'info');
    void navigate('/reservations');
  };

  return (
    <Stack spacing={2} component="section" aria-labelledby="add-reservation-title">
      <Typography variant="h5" component="h1" id="add-reservation-title">
        Add Reservation
      </Typography>
      {model.data && (
        <Alert severity="warning" action={<Button color="inherit" size="small" component={Link} to="/pools/model">Open the Model tab</Button>}>
          The model definition "{model.data}" is active, and pools and reservations never coexist: delete the model before submitting reservations.
        </Alert>
      )}
      <Paper variant="outlined" component="form" noValidate onSubmit={onAdd} sx={{ p: 2 }} aria-label="Reservation entry">
        <Box sx={{ display: 'grid', gap: 2, gridTemplateColumns: { xs: '1fr', sm: '1fr 1fr', md: '1fr 1fr 1fr' } }}>
          <TextField label="Group name" name="group" value={fields.group} onChange={set('group')} required inputRef={firstField} {...help('group', 'Entries with the same name form one group')} />
          <TextField label="Device ID" name="deviceId" value={fields.deviceId} onChange={set('deviceId')} required {...help('deviceId', 'A hostid, or a user name for USER')} />
          <TextField select label="ID type" name="idType" value={fields.idType} onChange={(e) => setFields((f) => ({ ...f, idType: e.target.value as HostIdType }))} required slotProps={{ select: { renderValue: (v) => String(v) } }} {...help('idType', ID_TYPES.find((t) => t.type === fields.idType)?.text ?? ' ')}>
            {ID_TYPES.map((t) => (
              <MenuItem key={t.type} value={t.type}>
                {t.type} — {t.text}
              </MenuItem>
            ))}
          </TextField>
          <TextField label="Feature" name="feature" value={fields.feature} onChange={set('feature')} required {...help('feature', ' ')} />
          <TextField label="Version" name="version" value={fields.version} onChange={set('version')} required placeholder="1.0" {...help('version', 'a.b; any higher version serves it')} />
          <TextField label="Count" name="count" value={fields.count} onChange={set('count')} required slotProps={{ htmlInput: { inputMode: 'numeric' } }} {...help('count', ' ')} />
        </Box>
        <Box sx={{ display: 'flex', gap: 1, mt: 1 }}>
          <Button type="submit" variant="contained" startIcon={<Icon aria-hidden>add</Icon>}>
            Add
          </Button>
          <Button onClick={onClear}>Clear</Button>
        </Box>
      </Paper>
      <Typography variant="h6" component="h2">
        Reservations (pending submission)
      </Typography>
      {answer && (
        <Alert severity="error" data-testid="submit-refused" onClose={() => setAnswer(null)}>
          Nothing was submitted. {answer.message}
        </Alert>
      )}
      <PendingTable
        pending={pending}
        problems={answer?.problems ?? new Map()}
        onRemove={(key) => {
          setPending((p) => p.filter((x) => x.key !== key));
          setAnswer(null);
          feedback.notify('Entry removed from the pending table.', 'info');
        }}
      />
      <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
        <Button variant="contained" startIcon={<Icon aria-hidden>send</Icon>} disabled={pending.length === 0 || submit.isPending} onClick={() => void onSubmit()}>
          Submit
        </Button>
        <Button onClick={() => void onCancel()}>Cancel</Button>
      </Box>
    </Stack>
  );
}
