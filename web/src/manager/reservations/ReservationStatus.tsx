import { Box, Icon } from '@mui/material';
import type { ReservationRow } from './hooks.js';

/** Satisfiable or not, as an icon and the word (never colour alone). */
export function ReservationStatus({ status }: { status: ReservationRow['status'] }) {
  const ok = status === 'satisfiable';
  return (
    <Box component="span" sx={{ display: 'inline-flex', alignItems: 'center', gap: 0.5, color: ok ? 'success.dark' : 'error.main' }} data-status={status}>
      <Icon aria-hidden fontSize="small">
        {ok ? 'check_circle' : 'error'}
      </Icon>
      {ok ? 'Satisfiable' : 'Unsatisfiable'}
    </Box>
  );
}
