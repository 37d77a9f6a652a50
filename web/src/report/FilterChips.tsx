import { Box, Button, Chip } from '@mui/material';
import { DataFreshness } from './DataFreshness.js';
import { LIST_FILTERS, RANGE_PRESETS, useReportFilters } from './filters.js';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '…');

/** The filters in force, each removable; the time range is always shown, and how fresh the data is. */
export function FilterChips() {
  const { filters, update } = useReportFilters();
  const chips: Array<{ key: string; label: string; remove: () => void }> = [];
  for (const { key, label } of LIST_FILTERS) {
    for (const value of filters[key]) chips.push({ key: `${key}:${value}`, label: `${label}: ${value}`, remove: () => update({ [key]: filters[key].filter((v) => v !== value) }) });
  }
  if (filters.model) chips.push({ key: 'model', label: `License model: ${filters.model === 'concurrent' ? 'Concurrent' : 'Metered'}`, remove: () => update({ model: null }) });
  if (filters.search) chips.push({ key: 'search', label: `Search: ${filters.search}`, remove: () => update({ search: '' }) });
  if (filters.trueDenials) chips.push({ key: 'true', label: 'True denials only', remove: () => update({ trueDenials: false }) });
  const range = filters.range === 'custom' ? `${when(filters.from)} – ${when(filters.to)}` : (RANGE_PRESETS.find((p) => p.value === filters.range)?.label ?? 'Last 30 days');
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'center', mb: 2 }} data-testid="filter-chips">
      <Chip label={range} variant="outlined" color="primary" />
      {chips.map((c) => (
        <Chip key={c.key} label={c.label} onDelete={c.remove} color="primary" data-testid="filter-chip" />
      ))}
      {chips.length > 1 && (
        <Button size="small" onClick={() => update({ accounts: [], instances: [], features: [], kinds: [], codes: [], model: null, search: '', trueDenials: false })}>
          Clear all
        </Button>
      )}
      <DataFreshness />
    </Box>
  );
}
