import { useAuth } from '../api/auth.js';
import { useState } from 'react';
import { Box, Button, Drawer, FormControlLabel, MenuItem, Stack, Switch, TextField, Typography } from '@mui/material';
import { useDenialCodes } from './hooks.js';
import type { LicenseModel, ReportFilterState } from './filters.js';
import { EVENT_KINDS, FILTER_LABELS, useReportFilters } from './filters.js';
import { ListFilterInput } from './ListFilterInput.js';

/** The filters the drawer edits; on a phone the list filters of the row too. */
type DrawerFilters = Pick<ReportFilterState, 'accounts' | 'instances' | 'features' | 'model' | 'kinds' | 'codes' | 'search' | 'trueDenials'>;

const pick = (f: ReportFilterState): DrawerFilters => ({ accounts: f.accounts, instances: f.instances, features: f.features, model: f.model, kinds: f.kinds, codes: f.codes, search: f.search, trueDenials: f.trueDenials });

/** How many filters the drawer holds are in force: the count on its button. */
export function drawerCount(f: ReportFilterState, withLists: boolean, withModel: boolean): number {
  const lists = withLists ? [f.accounts, f.instances, f.features] : [];
  return [...lists, f.kinds, f.codes].filter((l) => l.length > 0).length + (withModel && f.model ? 1 : 0) + (f.search ? 1 : 0) + (f.trueDenials ? 1 : 0);
}


interface FormProps {
  /** A phone: the row shows no list filters, so the drawer has them. */
  withLists: boolean;
  /** Off on the overview, where its concurrent/metered switch is the model filter. */
  withModel: boolean;
  onDone: () => void;
}

/** The drawer's form: changes are applied together, or dropped on Cancel. */
function FilterForm({ withLists, withModel, onDone }: FormProps) {
  const { filters, update } = useReportFilters();
  const codes = useDenialCodes();
  // A user bound to one account has no other to choose.
  const fixedAccount = useAuth().session?.account ?? null;
  const [draft, setDraft] = useState<DrawerFilters>(() => pick(filters));
  const set = (change: Partial<DrawerFilters>) => setDraft((d) => ({ ...d, ...change }));
  const codeName = new Map((codes.data?.rows ?? []).map((c) => [String(c.code), c.label]));
  const clear: Partial<DrawerFilters> = { kinds: [], codes: [], search: '', trueDenials: false, ...(withModel ? { model: null } : {}), ...(withLists ? { accounts: [], instances: [], features: [] } : {}) };
  return (
    <Box
      component="form"
      aria-label="More filters"
      onSubmit={(e) => {
        e.preventDefault();
        update({ ...draft, search: draft.search.trim() });
        onDone();
      }}
      sx={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }}
    >
      <Typography variant="h6" component="h2" sx={{ px: 2, pt: 2 }}>
        {withLists ? 'Filters' : 'More filters'}
      </Typography>
      <Stack spacing={2} sx={{ p: 2, overflowY: 'auto', flex: '1 1 auto' }}>
        {withLists && (
          <>
            {!fixedAccount && <ListFilterInput label={FILTER_LABELS.accounts} value={draft.accounts} onChange={(accounts) => set({ accounts })} suggest="accounts" />}
            <ListFilterInput label={FILTER_LABELS.features} value={draft.features} onChange={(features) => set({ features })} suggest="features" />
            <ListFilterInput label={FILTER_LABELS.instances} value={draft.instances} onChange={(instances) => set({ instances })} suggest="instances" />
          </>
        )}
        {withModel && (
          <TextField select size="small" label={FILTER_LABELS.model} value={draft.model ?? 'all'} onChange={(e) => set({ model: e.target.value === 'all' ? null : (e.target.value as LicenseModel) })}>
            <MenuItem value="all">All models</MenuItem>
            <MenuItem value="concurrent">Concurrent</MenuItem>
            <MenuItem value="metered">Metered</MenuItem>
          </TextField>
        )}
        <ListFilterInput label={FILTER_LABELS.kinds} value={draft.kinds} onChange={(kinds) => set({ kinds })} options={EVENT_KINDS} />
        <ListFilterInput label={FILTER_LABELS.codes} value={draft.codes} onChange={(c) => set({ codes: c })} options={(codes.data?.rows ?? []).map((c) => String(c.code))} optionLabel={(c) => codeName.get(c) ?? c} />
        <TextField size="small" label="Search device or user" value={draft.search} onChange={(e) => set({ search: e.target.value })} helperText="Part of a device ID, alias or user name" />
        <FormControlLabel control={<Switch checked={draft.trueDenials} onChange={(e) => set({ trueDenials: e.target.checked })} />} label="Only true denials (not served within 5 minutes)" />
      </Stack>
      <Box sx={{ display: 'flex', gap: 1, p: 2, borderTop: 1, borderColor: 'divider' }}>
        <Button onClick={() => set(clear)}>Clear</Button>
        <Box sx={{ flex: 1 }} />
        <Button onClick={onDone}>Cancel</Button>
        <Button type="submit" variant="contained">
          Apply
        </Button>
      </Box>
    </Box>
  );
}

/** The filters beyond the row, in a drawer at the side; on a phone a sheet from the bottom. */
export function FilterDrawer({ open, phone, withModel, onClose }: { open: boolean; phone: boolean; withModel: boolean; onClose: () => void }) {
  return (
    <Drawer
      anchor={phone ? 'bottom' : 'right'}
      open={open}
      onClose={onClose}
      slotProps={{ paper: { sx: phone ? { maxHeight: '92vh', borderTopLeftRadius: 12, borderTopRightRadius: 12 } : { width: 380, maxWidth: '100vw' } } }}
    >
      {open && <FilterForm withLists={phone} withModel={withModel} onDone={onClose} />}
    </Drawer>
  );
}
