import { Box, Button, Chip } from '@mui/material';
import { useAuth } from '../api/auth.js';
import { useDenialLook } from './denials/denial-colors.js';
import { DataFreshness } from './DataFreshness.js';
import { LIST_FILTERS, RANGE_PRESETS, useReportFilters } from './filters.js';
import type { ListFilter } from './filters.js';
import { useNames } from './names.js';

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '…');

/** The filters in force, each removable; the time range is always shown, and how fresh the data is. */
export function FilterChips() {
  const { filters, update } = useReportFilters();
  // A user bound to one account sees it as a filter it cannot remove (the server holds it).
  const fixedAccount = useAuth().session?.account ?? null;
  const names = useNames(filters.accounts, filters.instances);
  const denial = useDenialLook();
  // Names where the URL holds IDs; the ID stays on hover.
  const shown: Partial<Record<ListFilter, (value: string) => string>> = { accounts: names.account, instances: names.instance, codes: (c) => denial.label(Number(c)) };
  const chips: Array<{ key: string; label: string; title?: string; remove: () => void }> = [];
  for (const { key, label } of LIST_FILTERS) {
    for (const value of filters[key]) {
      if (key === 'accounts' && value === fixedAccount) continue;
      const text = shown[key]?.(value) ?? value;
      chips.push({ key: `${key}:${value}`, label: `${label}: ${text}`, ...(text !== value ? { title: value } : {}), remove: () => update({ [key]: filters[key].filter((v) => v !== value) }) });
    }
  }
  if (filters.model) chips.push({ key: 'model', label: `License model: ${filters.model === 'concurrent' ? 'Concurrent' : 'Metered'}`, remove: () => update({ model: null }) });
  if (filters.search) chips.push({ key: 'search', label: `Search: ${filters.search}`, remove: () => update({ search: '' }) });
  if (filters.trueDenials) chips.push({ key: 'true', label: 'True denials only', remove: () => update({ trueDenials: false }) });
  const range = filters.range === 'custom' ? `${when(filters.from)} – ${when(filters.to)}` : (RANGE_PRESETS.find((p) => p.value === filters.range)?.label ?? 'Last 30 days');
  return (
    <Box sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, alignItems: 'center', mb: 2 }} data-testid="filter-chips">
      <Chip label={range} variant="outlined" color="primary" />
      {fixedAccount && <Chip label={`Account: ${names.account(fixedAccount)}`} color="primary" title="Your login shows only this account" data-testid="fixed-account-chip" />}
      {chips.map((c) => (
        <Chip key={c.key} label={c.label} title={c.title} onDelete={c.remove} color="primary" data-testid="filter-chip" />
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
