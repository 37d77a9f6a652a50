import { useCallback, useEffect, useState } from 'react';
import { Box, Button, MenuItem, TextField, Tooltip, Typography } from '@mui/material';
import { useQueryClient } from '@tanstack/react-query';
import { useDataAsOf } from './hooks.js';
import { timeRange, useReportFilters } from './filters.js';
import type { RefreshMinutes } from './refresh.js';
import { REFRESH_MINUTES, moveReportNow, storeRefresh, storedRefresh, useReportNow } from './refresh.js';

const when = (iso: string) => {
  const d = new Date(iso);
  const today = d.toDateString() === new Date().toDateString();
  return today ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
};

/**
 * When the report's data was last updated, and its refresh: by itself at the interval this
 * browser chose (kept in local storage), or now. Widgets keep their data on screen meanwhile.
 */
export function DataFreshness() {
  const now = useReportNow();
  const asOf = useDataAsOf(now);
  const { filters } = useReportFilters();
  const client = useQueryClient();
  const [minutes, setMinutes] = useState<RefreshMinutes>(storedRefresh);
  const refresh = useCallback(() => {
    const before = timeRange(filters);
    moveReportNow();
    const after = timeRange(filters);
    // A range that did not move (a fixed one, or within the same minute) asks the same question: ask it again.
    if (before.from === after.from && before.to === after.to) void client.invalidateQueries({ queryKey: ['usage-denials'], predicate: (q) => q.queryKey[1] !== 'data-as-of' });
  }, [client, filters]);
  useEffect(() => {
    if (minutes === 0) return;
    const timer = setInterval(refresh, minutes * 60_000);
    return () => clearInterval(timer);
  }, [minutes, refresh]);

  const data = asOf.data;
  const text = !data ? (asOf.isError ? 'Data as of: unknown' : 'Data as of …') : data.newestEvent ? `Data as of ${when(data.newestEvent)}` : 'No data yet';
  const detail = data?.lastIngest ? `Newest event ${new Date(data.newestEvent!).toLocaleString()}; events last stored ${new Date(data.lastIngest).toLocaleString()}` : 'No events stored yet';
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', justifyContent: 'flex-end', flexWrap: 'wrap', gap: 1, ml: 'auto', minWidth: 0 }}>
      <Tooltip title={detail}>
        <Typography variant="caption" color="text.secondary" data-testid="data-as-of" tabIndex={0}>
          {text}
        </Typography>
      </Tooltip>
      <Button size="small" onClick={refresh} aria-label="Refresh the report now" sx={{ minWidth: 0 }}>
        Refresh
      </Button>
      <TextField
        select
        variant="standard"
        size="small"
        value={minutes}
        onChange={(e) => {
          const next = Number(e.target.value) as RefreshMinutes;
          storeRefresh(next);
          setMinutes(next);
        }}
        slotProps={{ select: { 'aria-label': 'Auto-refresh', renderValue: (m) => (m === 0 ? 'Auto-refresh off' : `Auto-refresh: ${String(m)} min`) } }}
        sx={{ '& .MuiInputBase-input': { fontSize: 13, py: 0.25 } }}
      >
        {REFRESH_MINUTES.map((m) => (
          <MenuItem key={m} value={m}>
            {m === 0 ? 'Off' : `Every ${m} min`}
          </MenuItem>
        ))}
      </TextField>
    </Box>
  );
}
