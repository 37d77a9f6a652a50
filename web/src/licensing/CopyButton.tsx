import { Button } from '@mui/material';
import { useFeedback } from '../components/feedback.js';

/** Puts text on the clipboard (what the producer pastes into the customer's welcome email). */
export function CopyButton({ text, label = 'Copy', what }: { text: string; label?: string; what: string }) {
  const feedback = useFeedback();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      feedback.notify(`Copied ${what}.`);
    } catch {
      // The clipboard is refused outside a secure context (plain HTTP to another host): show it to copy by hand.
      feedback.notify(`The browser refused the clipboard; select and copy ${what} by hand: ${text}`, 'info');
    }
  };
  return (
    <Button size="small" variant="outlined" onClick={() => void copy()} aria-label={`${label} ${what}`} sx={{ minWidth: 0, py: 0 }}>
      {label}
    </Button>
  );
}
