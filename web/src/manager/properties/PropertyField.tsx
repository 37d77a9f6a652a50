import { Box, Button, Chip, FormControlLabel, FormHelperText, Icon, Switch, TextField, Tooltip, Typography } from '@mui/material';
import type { PropertyView } from '../../../../src/server/properties/property-service.js';
import type { FormValue } from './property-values.js';
import { DURATION_UNITS, durationWords, formatDuration, showValue } from './property-values.js';

/** Why a value cannot be changed here, in the words an administrator acts on. */
export const LOCK_REASONS = {
  producer: { icon: 'lock', text: 'Locked by the producer: it cannot be changed here.' },
  configuration: { icon: 'restart_alt', text: 'Start-up setting: change it in the configuration file, then restart the server.' },
  server: { icon: 'dns', text: 'A fact of this server: it cannot be changed.' },
} as const;

export interface PropertyFieldProps {
  property: PropertyView;
  form: FormValue;
  onChange: (form: FormValue) => void;
  /** The browser's or the API's objection to the value. */
  problem: string | null;
  changed: boolean;
  /** Whether the role may change properties at all. */
  canEdit: boolean;
  onReset: () => void;
}

/** One property: its label and description, its value in the control its type calls for, its default, and why it is read-only when it is. */
export function PropertyField({ property: p, form, onChange, problem, changed, canEdit, onReset }: PropertyFieldProps) {
  const id = `property-${p.key.replace(/[^A-Za-z0-9-]/g, '-')}`;
  const labelId = `${id}-label`;
  const descId = `${id}-description`;
  const errorId = `${id}-error`;
  const described = problem ? `${descId} ${errorId}` : descId;
  const disabled = !canEdit;
  const input = { 'aria-labelledby': labelId, 'aria-describedby': described, 'aria-invalid': problem !== null };

  return (
    <Box
      data-testid={id}
      data-changed={changed || undefined}
      sx={{
        display: 'grid',
        gridTemplateColumns: { xs: '1fr', md: 'minmax(200px, 1fr) minmax(240px, 1.1fr) minmax(150px, auto)' },
        gap: { xs: 1, md: 2 },
        alignItems: 'start',
        py: 1.5,
        pl: 1.5,
        borderLeft: 3,
        borderColor: changed ? 'primary.main' : 'transparent',
        '& + &': { borderTop: 1, borderTopColor: 'divider' },
      }}
    >
      <Box sx={{ minWidth: 0 }}>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
          <Typography id={labelId} component={p.editable ? 'label' : 'span'} htmlFor={p.editable ? id : undefined} sx={{ fontWeight: 500 }}>
            {p.label}
          </Typography>
          {changed && <Chip size="small" color="primary" label="Changed" />}
        </Box>
        <Typography id={descId} variant="body2" color="text.secondary">
          {p.description}
        </Typography>
        <Typography variant="caption" color="text.secondary" sx={{ fontFamily: 'monospace', wordBreak: 'break-all' }}>
          {p.key}
        </Typography>
      </Box>

      <Box sx={{ minWidth: 0 }}>
        {p.editable ? (
          <Editor p={p} id={id} form={form} onChange={onChange} disabled={disabled} input={input} problem={problem} />
        ) : (
          <>
            <Typography data-testid={`${id}-value`} sx={{ wordBreak: 'break-word' }}>
              {showValue(p, p.value)}
            </Typography>
            {p.lockedBy && (
              <Box sx={{ display: 'flex', gap: 0.75, alignItems: 'flex-start', mt: 0.5, color: 'text.secondary' }} data-testid={`${id}-locked`}>
                <Icon fontSize="small" aria-hidden>
                  {LOCK_REASONS[p.lockedBy].icon}
                </Icon>
                <Typography variant="body2">{LOCK_REASONS[p.lockedBy].text}</Typography>
              </Box>
            )}
          </>
        )}
        {problem && (
          <Typography id={errorId} variant="body2" color="error" role="alert" data-testid={`${id}-error`} sx={{ mt: 0.5 }}>
            {p.label} {problem}
          </Typography>
        )}
      </Box>

      <Box sx={{ display: 'flex', flexDirection: { xs: 'row', md: 'column' }, alignItems: { xs: 'center', md: 'flex-end' }, gap: 1, justifyContent: 'space-between' }}>
        {p.lockedBy !== 'server' && (
          <Typography variant="body2" color="text.secondary" data-testid={`${id}-default`}>
            Default: {showValue(p, p.default)}
          </Typography>
        )}
        {p.editable && (
          <Tooltip title={canEdit ? 'Drop the value set here: the value of the configuration applies again' : 'Only an administrator may reset a property'}>
            <span>
              <Button size="small" variant="text" onClick={onReset} disabled={disabled} aria-label={`Reset ${p.label} to its configured value`} startIcon={<Icon>undo</Icon>}>
                Reset
              </Button>
            </span>
          </Tooltip>
        )}
      </Box>
    </Box>
  );
}

interface EditorProps {
  p: PropertyView;
  id: string;
  form: FormValue;
  onChange: (form: FormValue) => void;
  disabled: boolean;
  input: Record<string, unknown>;
  problem: string | null;
}

/** The control for a value: a switch, a number with its unit, a choice, a list or a text. */
function Editor({ p, id, form, onChange, disabled, input, problem }: EditorProps) {
  const error = problem !== null;
  if (form.kind === 'boolean') {
    return (
      <FormControlLabel
        control={<Switch id={id} checked={form.on} onChange={(e) => onChange({ kind: 'boolean', on: e.target.checked })} disabled={disabled} slotProps={{ input: input }} />}
        label={form.on ? 'On' : 'Off'}
      />
    );
  }
  if (form.kind === 'duration') {
    return (
      <>
      <Box sx={{ display: 'flex', gap: 1 }}>
        <TextField
          id={id}
          size="small"
          value={form.amount}
          onChange={(e) => onChange({ ...form, amount: e.target.value })}
          disabled={disabled}
          error={error}
          sx={{ flex: 1, minWidth: 90 }}
          slotProps={{ htmlInput: { ...input, inputMode: 'numeric' } }}
        />
        <TextField
          select
          size="small"
          value={form.unit}
          onChange={(e) => onChange({ ...form, unit: e.target.value as typeof form.unit })}
          disabled={disabled}
          sx={{ width: 130 }}
          slotProps={{ select: { native: true }, htmlInput: { 'aria-label': `${p.label}: unit` } }}
        >
          {DURATION_UNITS.map((u) => (
            <option key={u.unit} value={u.unit}>
              {u.word}
            </option>
          ))}
        </TextField>
      </Box>
      {p.min !== undefined && p.max !== undefined && (
        <FormHelperText>
          From {durationWords(formatDuration(p.min))} to {durationWords(formatDuration(p.max))}
        </FormHelperText>
      )}
      </>
    );
  }
  if (p.type === 'enum') {
    return (
      <TextField id={id} select size="small" fullWidth value={form.text} onChange={(e) => onChange({ kind: 'text', text: e.target.value })} disabled={disabled} error={error} slotProps={{ select: { native: true }, htmlInput: input }}>
        {(p.choices ?? []).map((c) => (
          <option key={c} value={c}>
            {c}
          </option>
        ))}
      </TextField>
    );
  }
  const range = p.type === 'integer' && p.min !== undefined && p.max !== undefined ? `${p.min.toLocaleString()} to ${p.max.toLocaleString()}` : undefined;
  return (
    <TextField
      id={id}
      size="small"
      fullWidth
      value={form.text}
      onChange={(e) => onChange({ kind: 'text', text: e.target.value })}
      disabled={disabled}
      error={error}
      multiline={p.type === 'list'}
      minRows={p.type === 'list' ? 2 : undefined}
      placeholder={p.type === 'list' ? 'One per line' : p.nullable ? 'Not set' : undefined}
      helperText={range ? `From ${range}` : p.type === 'list' ? 'One per line; leave empty for none' : undefined}
      slotProps={{ htmlInput: { ...input, ...(p.type === 'integer' ? { inputMode: 'numeric' } : {}) } }}
    />
  );
}

