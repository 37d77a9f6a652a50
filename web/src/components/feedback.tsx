import { createContext, useCallback, useContext, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { Alert, Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, Snackbar } from '@mui/material';

interface Confirmation {
  title: string;
  text: ReactNode;
  /** The button that goes ahead: "Delete 2 groups". */
  action: string;
}

interface Feedback {
  /** Says what an action did (or why it failed), for a few seconds. */
  notify(text: string, severity?: 'success' | 'error' | 'info'): void;
  /** Asks before a destructive action; resolves true when the user goes ahead. */
  confirm(c: Confirmation): Promise<boolean>;
}

const FeedbackContext = createContext<Feedback | null>(null);

/** One place for confirmations of what an action did, and for asking before one that destroys. */
export function FeedbackProvider({ children }: { children: ReactNode }) {
  const [note, setNote] = useState<{ text: string; severity: 'success' | 'error' | 'info'; key: number } | null>(null);
  const [asking, setAsking] = useState<Confirmation | null>(null);
  const answer = useRef<(yes: boolean) => void>(() => undefined);
  const notify = useCallback((text: string, severity: 'success' | 'error' | 'info' = 'success') => setNote({ text, severity, key: Date.now() }), []);
  const confirm = useCallback(
    (c: Confirmation) =>
      new Promise<boolean>((resolve) => {
        answer.current = resolve;
        setAsking(c);
      }),
    [],
  );
  const close = (yes: boolean) => {
    setAsking(null);
    answer.current(yes);
  };
  const value = useMemo(() => ({ notify, confirm }), [notify, confirm]);
  return (
    <FeedbackContext.Provider value={value}>
      {children}
      <Snackbar key={note?.key} open={note !== null} autoHideDuration={6000} onClose={() => setNote(null)} anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}>
        {note ? (
          <Alert severity={note.severity} variant="filled" onClose={() => setNote(null)} role={note.severity === 'error' ? 'alert' : 'status'} data-testid="notice">
            {note.text}
          </Alert>
        ) : undefined}
      </Snackbar>
      <Dialog open={asking !== null} onClose={() => close(false)} aria-labelledby="confirm-title">
        <DialogTitle id="confirm-title">{asking?.title}</DialogTitle>
        <DialogContent>
          <DialogContentText component="div">{asking?.text}</DialogContentText>
        </DialogContent>
        <DialogActions>
          <Button onClick={() => close(false)} autoFocus>
            Cancel
          </Button>
          <Button color="error" variant="contained" onClick={() => close(true)}>
            {asking?.action}
          </Button>
        </DialogActions>
      </Dialog>
    </FeedbackContext.Provider>
  );
}

export function useFeedback(): Feedback {
  const feedback = useContext(FeedbackContext);
  if (!feedback) throw new Error('useFeedback needs a FeedbackProvider');
  return feedback;
}
