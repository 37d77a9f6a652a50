import { Button, Icon, IconButton, Tooltip } from '@mui/material';
import { useServerHealth } from './ManagerShell.js';

/**
 * Where the Usage and Denials report of a feature is: on the back office the server syncs to,
 * or, for a manager the back office itself serves, on this origin. Null while no back office is known.
 */
export function useReportUrl(): ((feature: string) => string) | null {
  const health = useServerHealth();
  const base = window.location.pathname.startsWith('/manager') ? window.location.origin : (health.data?.backOffice ?? null);
  if (base === null) return null;
  return (feature) => `${base}/?${new URLSearchParams({ features: feature }).toString()}`;
}

/** "Usage in the report" for one feature; nothing when the server has no back office. */
export function UsageInReport({ feature, compact = false }: { feature: string; compact?: boolean }) {
  const reportUrl = useReportUrl();
  if (!reportUrl) return null;
  const label = `Usage of ${feature} in the report`;
  // The report is another app, often on another server: a new tab keeps this list where it was.
  const link = { href: reportUrl(feature), target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'report-link' };
  if (compact) {
    return (
      <Tooltip title={label}>
        <IconButton size="small" component="a" aria-label={label} {...link}>
          <Icon fontSize="small">insights</Icon>
        </IconButton>
      </Tooltip>
    );
  }
  return (
    <Button component="a" variant="outlined" startIcon={<Icon>insights</Icon>} {...link}>
      Usage in the report
    </Button>
  );
}
