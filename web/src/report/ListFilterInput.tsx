import { useState } from 'react';
import { Autocomplete, TextField } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import type { ActiveRanking, UniqueClients } from '../../../src/warehouse/queries/get-active-clients.js';
import { apiJson } from '../api/client.js';
import { REPORT_API } from './hooks.js';
import type { ReportFilterState } from './filters.js';
import { timeRange, useReportFilters } from './filters.js';

export type Suggested = 'accounts' | 'instances' | 'features';

/** Values seen in the time range, offered as suggestions once the list is opened, each with the name it shows. */
function useSuggestions(key: Suggested, filters: ReportFilterState, open: boolean): Array<[value: string, label: string]> {
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

export interface ListFilterInputProps {
  label: string;
  value: string[];
  onChange: (value: string[]) => void;
  /** A fixed list of choices… */
  options?: string[];
  optionLabel?: (option: string) => string;
  /** …or the values the time range has, with any other typed in. */
  suggest?: Suggested;
  compact?: boolean;
}

/** A filter of several values: chosen from a list, the count of chosen ones in the field. */
export function ListFilterInput({ label, value, onChange, options, optionLabel, suggest, compact }: ListFilterInputProps) {
  const { filters } = useReportFilters();
  const [open, setOpen] = useState(false);
  const suggestions = useSuggestions(suggest ?? 'accounts', filters, open && suggest !== undefined);
  // The list offers names; the filter (and the URL) keeps the values behind them.
  const labels = new Map(suggestions);
  return (
    <Autocomplete
      multiple
      freeSolo={suggest !== undefined}
      size="small"
      open={open}
      onOpen={() => setOpen(true)}
      onClose={() => setOpen(false)}
      options={options ?? suggestions.map(([v]) => v)}
      getOptionLabel={optionLabel ?? ((v) => labels.get(v) ?? v)}
      value={value}
      onChange={(_e, next) => onChange(next)}
      renderValue={() => null}
      renderInput={(params) => <TextField {...params} label={label} placeholder={value.length ? `${value.length} chosen` : 'Any'} />}
      sx={compact ? { minWidth: 130, flex: '1 1 170px', maxWidth: 240 } : { width: '100%' }}
    />
  );
}
