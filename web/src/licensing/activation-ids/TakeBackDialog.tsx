import { useState } from 'react';
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, TextField } from '@mui/material';
import { useFeedback } from '../../components/feedback.js';
import type { ActivationIdView } from '../licensing-api.js';
import { useSetServerCount } from '../licensing-api.js';

type Server = ActivationIdView['servers'][number];

/**
 * Takes counts of an activation ID back from one license server, asking first: the server
 * loses them at its next exchange, its newest leases on them first.
 */
export function TakeBackDialog({ activationId, server, onClose }: { activationId: string; server: Server; onClose: () => void }) {
  const feedback = useFeedback();
  const setCount = useSetServerCount(activationId);
  const [keep, setKeep] = useState('0');
  const [problem, setProblem] = useState<string | null>(null);
  const kept = Number(keep.trim());
  const valid = /^\d+$/.test(keep.trim()) && kept < server.count;

  const takeBack = async () => {
    if (!valid) {
      setProblem(`must be a whole number below ${server.count}, the counts it holds`);
      return;
    }
    try {
      await setCount.mutateAsync({ instanceId: server.instanceId, count: kept });
      feedback.notify(`Took ${server.count - kept} counts of ${activationId} back from ${server.instanceName}; it learns at its next exchange.`);
      onClose();
    } catch (e) {
      setProblem(e instanceof Error ? e.message : String(e));
    }
  };

  return (
    <Dialog open onClose={onClose} aria-labelledby="take-back-title" fullWidth maxWidth="sm">
      <DialogTitle id="take-back-title">Take counts back from {server.instanceName}?</DialogTitle>
      <DialogContent>
        <DialogContentText component="div" sx={{ mb: 2 }}>
          {server.instanceName} holds {server.count} counts of {activationId}. The counts taken back become free to activate again; the server loses them at
          its next exchange with the back office, and its newest leases on them end first.
        </DialogContentText>
        <TextField
          autoFocus
          label="Counts to leave on this server"
          size="small"
          fullWidth
          value={keep}
          onChange={(e) => {
            setKeep(e.target.value);
            setProblem(null);
          }}
          slotProps={{ htmlInput: { inputMode: 'numeric' } }}
          error={problem !== null}
          helperText={problem ?? `0 takes all ${server.count} back`}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button color="error" variant="contained" onClick={() => void takeBack()} disabled={setCount.isPending}>
          {valid ? `Take back ${server.count - kept}` : 'Take back'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
