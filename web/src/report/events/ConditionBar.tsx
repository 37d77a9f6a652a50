import { useState } from 'react';
import { Box, Button, Chip, MenuItem, TextField } from '@mui/material';
import type { EventColumn } from '../../../../src/warehouse/queries/get-events.js';
import type { Condition } from './conditions.js';
import { CONDITION_COLUMNS, opLabel, opsOf, valueProblem } from './conditions.js';
import { GRID_COLUMNS } from './event-columns.js';

/**
 * The events listing's column conditions: every one must hold. Each shows as a chip to remove;
 * the row below adds one (text columns contain a value whatever its case, numbers compare).
 */
export function ConditionBar({ conditions, onChange }: { conditions: Condition[]; onChange: (next: Condition[]) => void }) {
  const [column, setColumn] = useState<EventColumn>('user');
  const [op, setOp] = useState<string>('~');
  const [value, setValue] = useState('');
  const [touched, setTouched] = useState(false);
  const problem = valueProblem(column, value);
  const add = () => {
    setTouched(true);
    if (problem) return;
    onChange([...conditions, { column, op, value: value.trim() }]);
    setValue('');
    setTouched(false);
  };
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1, mb: 1 }} data-testid="event-conditions">
      <Box component="form" role="search" aria-label="Add a column condition" onSubmit={(e) => { e.preventDefault(); add(); }} sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'flex-start' }}>
        <TextField
          select
          size="small"
          label="Column"
          value={column}
          onChange={(e) => {
            const next = e.target.value as EventColumn;
            setColumn(next);
            setOp(opsOf(next)[0].op);
          }}
          sx={{ minWidth: 150 }}
        >
          {CONDITION_COLUMNS.map((c) => (
            <MenuItem key={c} value={c}>
              {GRID_COLUMNS[c].header}
            </MenuItem>
          ))}
        </TextField>
        <TextField select size="small" label="Condition" value={op} onChange={(e) => setOp(e.target.value)} sx={{ minWidth: 110 }}>
          {opsOf(column).map((o) => (
            <MenuItem key={o.op} value={o.op}>
              {o.label}
            </MenuItem>
          ))}
        </TextField>
        <TextField
          size="small"
          label="Value"
          value={value}
          onChange={(e) => setValue(e.target.value)}
          error={touched && problem !== null}
          helperText={touched ? problem : undefined}
          slotProps={{ htmlInput: { 'data-testid': 'condition-value', inputMode: GRID_COLUMNS[column].numeric ? 'decimal' : 'text' } }}
          sx={{ width: { xs: '100%', sm: 200 } }}
        />
        <Button type="submit" variant="outlined" sx={{ height: 40 }}>
          Add condition
        </Button>
      </Box>
      {conditions.length > 0 && (
        <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'center' }} aria-label="Column conditions, all of which hold">
          {conditions.map((c, i) => (
            <Chip
              key={`${i}-${c.column}${c.op}${c.value}`}
              size="small"
              color="primary"
              variant="outlined"
              data-testid="condition-chip"
              label={`${GRID_COLUMNS[c.column].header} ${opLabel(c)} ${c.value}`}
              onDelete={() => onChange(conditions.filter((_, j) => j !== i))}
            />
          ))}
          {conditions.length > 1 && (
            <Button size="small" onClick={() => onChange([])}>
              Clear conditions
            </Button>
          )}
        </Box>
      )}
    </Box>
  );
}
