import { useState } from 'react';
import { Badge, Box, Button, MenuItem, TextField, useMediaQuery } from '@mui/material';
import { useTheme } from '@mui/material/styles';
import { useLocation } from 'react-router';
import { useAuth } from '../api/auth.js';
import { CustomRangeDialog } from './CustomRange.js';
import { FilterDrawer, drawerCount } from './FilterDrawer.js';
import { FILTER_LABELS, RANGE_PRESETS, timeRange, useReportFilters } from './filters.js';
import { ListFilterInput } from './ListFilterInput.js';

const short = (iso: string) => new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** The time range: a preset, or a custom range chosen in a form that refuses an empty or inverted one. */
function RangeSelect() {
  const { filters, update } = useReportFilters();
  const [editing, setEditing] = useState(false);
  const range = timeRange(filters);
  return (
    <>
      <TextField
        select
        size="small"
        label="Time range"
        value={filters.range}
        onChange={(e) => e.target.value !== 'custom' && update({ range: e.target.value })}
        slotProps={{ select: { renderValue: (v) => (v === 'custom' ? `${short(range.from)} – ${short(range.to)}` : (RANGE_PRESETS.find((p) => p.value === v)?.label ?? String(v))) } }}
        sx={{ flex: '0 1 auto', width: { xs: 150, sm: 200 } }}
      >
        {RANGE_PRESETS.map((p) => (
          <MenuItem key={p.value} value={p.value}>
            {p.label}
          </MenuItem>
        ))}
        <MenuItem value="custom" onClick={() => setEditing(true)}>
          Custom…
        </MenuItem>
      </TextField>
      {editing && (
        <CustomRangeDialog
          open
          initial={range}
          onClose={() => setEditing(false)}
          onApply={(custom) => {
            update({ range: 'custom', ...custom });
            setEditing(false);
          }}
        />
      )}
    </>
  );
}

/**
 * The report's filters in one row: the list filters most used inline, "More filters" for the
 * rest, the time range at the right. On a phone the row keeps one line: every filter is in the
 * sheet the Filters button opens.
 */
export function FilterBar() {
  const { filters, update } = useReportFilters();
  const theme = useTheme();
  const phone = useMediaQuery(theme.breakpoints.down('md'));
  const [open, setOpen] = useState(false);
  // On the overview its concurrent/metered switch is the model filter.
  const withModel = useLocation().pathname !== '/';
  // A user bound to one account has no other to choose.
  const fixedAccount = useAuth().session?.account ?? null;
  const count = drawerCount(filters, phone, withModel);
  return (
    <Box component="section" aria-label="Filters" sx={{ display: 'flex', flexWrap: 'nowrap', alignItems: 'center', gap: 1, mb: 1.5, minWidth: 0 }}>
      {!phone && (
        <>
          {!fixedAccount && <ListFilterInput compact label={FILTER_LABELS.accounts} value={filters.accounts} onChange={(accounts) => update({ accounts })} suggest="accounts" />}
          <ListFilterInput compact label={FILTER_LABELS.features} value={filters.features} onChange={(features) => update({ features })} suggest="features" />
          <ListFilterInput compact label={FILTER_LABELS.instances} value={filters.instances} onChange={(instances) => update({ instances })} suggest="instances" />
        </>
      )}
      <Badge badgeContent={count} color="primary">
        <Button variant="outlined" onClick={() => setOpen(true)} aria-haspopup="dialog" sx={{ whiteSpace: 'nowrap', height: 40 }}>
          {phone ? 'Filters' : 'More filters'}
        </Button>
      </Badge>
      <Box sx={{ flex: '1 1 0', minWidth: 0 }} />
      <RangeSelect />
      <FilterDrawer open={open} phone={phone} withModel={withModel} onClose={() => setOpen(false)} />
    </Box>
  );
}
