import { useState } from 'react';
import { Autocomplete, Box, MenuItem, TextField } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import type { ActiveRanking, UniqueClients } from '../../../src/warehouse/queries/get-active-clients.js';
import { useAuth } from '../api/auth.js';
import { apiJson } from '../api/client.js';
import { REPORT_API, useDenialCodes } from './hooks.js';
import type { LicenseModel, ListFilter, ReportFilterState } from './filters.js';
import { EVENT_KINDS, RANGE_PRESETS, timeRange, useReportFilters } from './filters.js';


/** Values seen in the time range, offered as suggestions once the list is opened, each with the name it shows. */
function useSuggestions(key: 'accounts' | 'instances' | 'features', filters: ReportFilterState, open: boolean): Array<[value: string, label: string]> {
  const range = new URLSearchParams(timeRange(filters));
  const widget = key === 'accounts' ? 'active-accounts' : key === 'instances' ? 'active-instances' : 'unique-clients';
  if (key !== 'features') range.set('limit', '200');
  const query = useQuery({
    queryKey: ['usage-denials', 'suggest', widget, range.toString()],
    queryFn: async () => {
      const body = await apiJson<ActiveRanking | UniqueClients>(`${REPORT_API}/${widget}?${range.toString()}`);
      return body.rows.flatMap((r): Array<[string, string]> => ('feature' in r ? [[r.feature, r.feature]] : r.id === null ? [] : [[r.id, r.name ?? r.id]]));
    },
    enabled: open,
    staleTime: 60_000,
  });
  return query.data ?? [];
}

function ListFilterInput({ name, label, options, loadOptions }: { name: ListFilter; label: string; options?: Array<[value: string, label: string]>; loadOptions?: 'accounts' | 'instances' | 'features' }) {
  const { filters, update } = useReportFilters();
  const [open, setOpen] = useState(false);
  const suggestions = useSuggestions(loadOptions ?? 'accounts', filters, open && loadOptions !== undefined);
  // The list offers names; the filter (and the URL) keeps the values behind them.
  const offered = options ?? suggestions;
  const labels = new Map(offered);
  return (
    <Autocomplete
      multiple
      freeSolo={loadOptions !== undefined}
      size="small"
      open={open}
      onOpen={() => setOpen(true)}
      onClose={() => setOpen(false)}
      options={offered.map(([value]) => value)}
      getOptionLabel={(value) => labels.get(value) ?? value}
      value={filters[name]}
      onChange={(_e, value) => update({ [name]: value })}
      renderValue={() => null}
      renderInput={(params) => <TextField {...params} label={label} placeholder={filters[name].length ? `${filters[name].length} chosen` : 'Any'} />}
      sx={{ minWidth: 170, flex: '1 1 170px' }}
    />
  );
}

/** Text search over device IDs, aliases and users; applied on Enter or on leaving the field. */
function SearchInput({ current, onSearch }: { current: string; onSearch: (text: string) => void }) {
  const [text, setText] = useState(current);
  return (
    <TextField
      size="small"
      label="Search device or user"
      value={text}
      onChange={(e) => setText(e.target.value)}
      onBlur={() => text !== current && onSearch(text)}
      onKeyDown={(e) => e.key === 'Enter' && onSearch(text)}
      sx={{ minWidth: 180, flex: '1 1 180px' }}
    />
  );
}

/** The report's filters: time range, accounts, instances, features, model, kinds, codes, search. */
export function FilterBar() {
  const { filters, update } = useReportFilters();
  const auth = useAuth();
  const codes = useDenialCodes();
  const range = timeRange(filters);
  const local = (iso: string) => {
    const d = new Date(iso);
    return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  };
  return (
    <Box component="section" aria-label="Filters" sx={{ display: 'flex', flexWrap: 'wrap', gap: 1.5, mb: 1.5 }}>
      <TextField
        select
        size="small"
        label="Time range"
        value={filters.range}
        onChange={(e) => update(e.target.value === 'custom' ? { range: 'custom', ...range } : { range: e.target.value })}
        sx={{ minWidth: 160, flex: '0 1 180px' }}
      >
        {RANGE_PRESETS.map((p) => (
          <MenuItem key={p.value} value={p.value}>
            {p.label}
          </MenuItem>
        ))}
        <MenuItem value="custom">Custom…</MenuItem>
      </TextField>
      {filters.range === 'custom' && (
        <>
          <TextField size="small" type="datetime-local" label="From" value={local(range.from)} onChange={(e) => e.target.value && update({ from: new Date(e.target.value).toISOString() })} slotProps={{ inputLabel: { shrink: true } }} />
          <TextField size="small" type="datetime-local" label="To" value={local(range.to)} onChange={(e) => e.target.value && update({ to: new Date(e.target.value).toISOString() })} slotProps={{ inputLabel: { shrink: true } }} />
        </>
      )}
      {/* A user bound to one account has no other to choose. */}
      {!auth.session?.account && <ListFilterInput name="accounts" label="Accounts" loadOptions="accounts" />}
      <ListFilterInput name="instances" label="Instances" loadOptions="instances" />
      <ListFilterInput name="features" label="Features" loadOptions="features" />
      <TextField select size="small" label="License model" value={filters.model ?? 'all'} onChange={(e) => update({ model: e.target.value === 'all' ? null : (e.target.value as LicenseModel) })} sx={{ minWidth: 140, flex: '0 1 150px' }}>
        <MenuItem value="all">All models</MenuItem>
        <MenuItem value="concurrent">Concurrent</MenuItem>
        <MenuItem value="metered">Metered</MenuItem>
      </TextField>
      <ListFilterInput name="kinds" label="Event kinds" options={EVENT_KINDS.map((k) => [k, k])} />
      <ListFilterInput name="codes" label="Denial reasons" options={(codes.data?.rows ?? []).map((c) => [String(c.code), c.label])} />
      <SearchInput key={filters.search} current={filters.search} onSearch={(search) => update({ search })} />
    </Box>
  );
}
