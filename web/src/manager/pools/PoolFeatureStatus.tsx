import { Chip, Icon } from '@mui/material';
import type { PoolListing } from '../../../../src/licensing/pool.js';

type Status = PoolListing['features'][number]['status'];

const LOOK: Record<Status, { color: 'success' | 'error' | 'warning' | 'default'; icon: string; label: string }> = {
  normal: { color: 'success', icon: 'check_circle', label: 'Normal' },
  'over-used': { color: 'error', icon: 'error', label: 'Over-used' },
  expired: { color: 'warning', icon: 'event_busy', label: 'Expired' },
  uncounted: { color: 'default', icon: 'all_inclusive', label: 'Uncounted' },
};

/** A pool feature's status: icon, colour and the word, so it never rests on colour alone. */
export function PoolFeatureStatus({ status }: { status: Status }) {
  const look = LOOK[status];
  return <Chip size="small" variant="outlined" color={look.color} icon={<Icon aria-hidden>{look.icon}</Icon>} label={look.label} data-status={status} />;
}
