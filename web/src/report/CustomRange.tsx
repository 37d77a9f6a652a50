import { useState } from 'react';
import type { SyntheticEvent } from 'react';
import { Button, Dialog, DialogActions, DialogContent, DialogTitle, Stack, TextField } from '@mui/material';

/** An ISO time as the value of a local date-time field. */
const local = (iso: string) => {
  const d = new Date(iso);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

/** What is wrong with a range as typed, per field; nothing when it can be asked. */
export function rangeProblems(from: string, to: string): { from?: string; to?: string } {
  const problems: { from?: string; to?: string } = {};
  if (!from) problems.from = 'Enter the start of the range';
  if (!to) problems.to = 'Enter the end of the range';
  if (from && to && new Date(from).getTime() >= new Date(to).getTime()) problems.to = 'Must be after the start';
  return problems;
}

/**
 * A custom time range: applied only when it is whole and its end comes after its start, so an
 * empty or inverted range never leaves the form.
 */
export function CustomRangeDialog({ open, initial, onApply, onClose }: { open: boolean; initial: { from: string; to: string }; onApply: (range: { from: string; to: string }) => void; onClose: () => void }) {
  const [from, setFrom] = useState(local(initial.from));
  const [to, setTo] = useState(local(initial.to));
  const problems = rangeProblems(from, to);
  const valid = !problems.from && !problems.to;
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    if (valid) onApply({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
  };
  return (
    <Dialog open={open} onClose={onClose} aria-labelledby="custom-range-title">
      <form onSubmit={submit} noValidate>
        <DialogTitle id="custom-range-title">Custom time range</DialogTitle>
        <DialogContent>
          <Stack spacing={2} sx={{ pt: 1 }}>
            <TextField type="datetime-local" label="From" value={from} onChange={(e) => setFrom(e.target.value)} error={Boolean(problems.from)} helperText={problems.from ?? ' '} slotProps={{ inputLabel: { shrink: true } }} />
            <TextField type="datetime-local" label="To" value={to} onChange={(e) => setTo(e.target.value)} error={Boolean(problems.to)} helperText={problems.to ?? ' '} slotProps={{ inputLabel: { shrink: true } }} />
          </Stack>
        </DialogContent>
        <DialogActions>
          <Button onClick={onClose}>Cancel</Button>
          <Button type="submit" variant="contained" disabled={!valid}>
            Apply
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
