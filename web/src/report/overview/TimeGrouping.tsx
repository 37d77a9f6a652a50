import { Box, MenuItem, TextField } from '@mui/material';
import type { Bucket } from '../../../../src/warehouse/filters.js';
import { GROUPINGS, timeRange, useReportFilters } from '../filters.js';
import { groupingFits } from '../grouping.js';

/**
 * The time grouping of a chart over time, kept in the URL and shared by every such chart; the
 * automatic choice names the period it took, and a grouping too fine for the range is not offered.
 */
export function TimeGrouping({ bucket }: { bucket: Bucket }) {
  const { filters, update } = useReportFilters();
  const range = timeRange(filters);
  const chosen = filters.bucket !== 'auto' && groupingFits(filters.bucket, range) ? filters.bucket : 'auto';
  return (
    <Box sx={{ display: 'flex', justifyContent: 'flex-end', mb: 1 }}>
      <TextField
        select
        size="small"
        label="Group by"
        value={chosen}
        onChange={(e) => update({ bucket: e.target.value as typeof chosen }, { replace: false })}
        slotProps={{ select: { renderValue: (v) => (v === 'auto' ? `Automatic (${bucket})` : (GROUPINGS.find((g) => g.value === v)?.label ?? String(v))) } }}
        sx={{ width: 170 }}
      >
        {GROUPINGS.map((g) => (
          <MenuItem key={g.value} value={g.value} disabled={!groupingFits(g.value, range)}>
            {g.label}
          </MenuItem>
        ))}
      </TextField>
    </Box>
  );
}
