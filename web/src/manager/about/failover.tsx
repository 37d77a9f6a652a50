import { Chip } from '@mui/material';
import type { FailoverStatus } from '../../../../src/server/failover/failover.js';

const ROLES: Record<FailoverStatus['role'], string> = { off: 'Single server', main: 'Main', backup: 'Backup' };

/** What the server does now, in the words of its role. */
export function failoverStateText(f: FailoverStatus): string {
  switch (f.state) {
    case 'starting':
      return 'starting: taking back what its backup served before it serves';
    case 'serving':
      return f.role === 'backup' ? 'serving in place of its main' : 'serving';
    case 'standby':
      return 'standing by: its main serves';
    case 'period-over':
      return 'not serving: the failover period is over';
    default:
      return 'serving';
  }
}

/** Whether the other server of the pair answers, and how far it is behind. */
export function peerText(f: FailoverStatus): string {
  if (f.peerReachable === null) return f.role === 'main' ? 'not asked yet' : 'not heard from yet';
  if (!f.peerReachable) return f.role === 'main' ? 'unreachable: this main serves alone and catches its backup up when it answers' : 'silent';
  if (f.role === 'main') return f.lagBatches === null ? 'reachable; catching up' : f.lagBatches === 0 ? 'reachable, up to date' : `reachable, ${f.lagBatches} changes behind`;
  return 'reachable';
}

/** The server's role in its failover pair, for the top bar (nothing for a single server). */
export function FailoverRoleChip({ failover }: { failover: FailoverStatus | undefined }) {
  if (!failover || failover.role === 'off') return null;
  const label = `${ROLES[failover.role]} · ${failover.serving ? 'serving' : failover.state === 'period-over' ? 'period over' : failover.state}`;
  return (
    <Chip
      size="small"
      data-testid="failover-role"
      label={label}
      color={failover.serving ? (failover.role === 'backup' ? 'warning' : 'success') : 'default'}
      sx={{ bgcolor: failover.serving ? undefined : 'action.selected', flexShrink: 0 }}
    />
  );
}

export const failoverRoleText = (f: FailoverStatus) => ROLES[f.role];
