import { useMemo, useState } from 'react';
import type { SyntheticEvent } from 'react';
import { Alert, Box, Button, Icon, Tab, Tabs, TextField, Typography } from '@mui/material';
import type { GridColDef, GridRenderCellParams, GridValidRowModel } from '@mui/x-data-grid';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import type { FeatureSummary } from '../../../../src/licensing/inventory.js';
import type { Page } from '../../../../src/http/paging.js';
import type { FeatureRecordBody } from '../../../../src/server/http/features/routes.js';
import { apiJson, instancePath } from '../../api/client.js';
import { CellLink, PagedGrid, usePageParam } from '../../components/PagedGrid.js';
import { useHere } from '../came-from.js';
import { describeTarget, useConnection } from '../connection.js';
import { shownCount, shownDate, shownText, shownYesNo } from '../display.js';
import { featureRecordPath, featureRecordsPath } from '../inventory-paths.js';
import { UsageInReport, useReportUrl } from '../report-link.js';

const TABS = [
  { key: 'summary', label: 'Summary', path: '/features' },
  { key: 'details', label: 'Details', path: '/features/details' },
] as const;
type TabKey = (typeof TABS)[number]['key'];

const STATUS_TEXT: Record<FeatureRecordBody['status'], string> = { active: 'active', 'not-started': 'not started yet', expired: 'expired' };

function number<T extends GridValidRowModel>(field: keyof T & string, headerName: string, format: (v: number | null, row: T) => string = (v) => shownCount(v), width = 110): GridColDef<T> {
  return { field, headerName, type: 'number', width, valueFormatter: (v: number | null, row: T) => format(v, row) };
}

/** The report link column, when the server has a back office to link to. */
function reportColumn<T extends { feature: string }>(): GridColDef<T> {
  return {
    field: 'report',
    headerName: 'Report',
    width: 80,
    sortable: false,
    hideable: true,
    renderCell: (p: GridRenderCellParams<T>) => (
      <Box onClick={(e) => e.stopPropagation()}>
        <UsageInReport feature={p.row.feature} compact />
      </Box>
    ),
  };
}

function useSummaryColumns(hasReport: boolean): Array<GridColDef<FeatureSummary>> {
  return useMemo(() => {
    const columns: Array<GridColDef<FeatureSummary>> = [
      {
        field: 'feature',
        headerName: 'Feature',
        width: 170,
        renderCell: (p: GridRenderCellParams<FeatureSummary>) => (
          <CellLink params={p} to={featureRecordsPath(p.row.feature)}>
            {p.row.feature}
          </CellLink>
        ),
      },
      { field: 'version', headerName: 'Version', width: 90 },
      number<FeatureSummary>('totalCount', 'Total count', (v, r) => shownCount(v, r.counted)),
      number<FeatureSummary>('totalUsed', 'Total used'),
      number<FeatureSummary>('totalAvailable', 'Total available', (v, r) => shownCount(v, r.counted), 130),
      { field: 'firstExpiration', headerName: 'First expiration', width: 140, valueFormatter: (v: string) => shownDate(v) },
      { field: 'lastExpiration', headerName: 'Last expiration', width: 140, valueFormatter: (v: string) => shownDate(v) },
      number<FeatureSummary>('totalOverdraft', 'Total overdraft', undefined, 130),
      { field: 'metered', headerName: 'Metered', width: 90, valueFormatter: (v: boolean) => shownYesNo(v) },
      { field: 'counted', headerName: 'Counted', width: 90, valueFormatter: (v: boolean) => shownYesNo(v) },
      number<FeatureSummary>('records', 'Records', (v) => String(v ?? 0), 90),
    ];
    return hasReport ? [...columns, reportColumn<FeatureSummary>()] : columns;
  }, [hasReport]);
}

function useDetailsColumns(hasReport: boolean, from: string): Array<GridColDef<FeatureRecordBody>> {
  return useMemo(() => {
    const columns: Array<GridColDef<FeatureRecordBody>> = [
      {
        field: 'feature',
        headerName: 'Feature',
        width: 170,
        renderCell: (p: GridRenderCellParams<FeatureRecordBody>) => (
          <CellLink params={p} to={featureRecordPath(p.row.id)} state={{ from }}>
            {p.row.feature}
          </CellLink>
        ),
      },
      { field: 'version', headerName: 'Version', width: 90 },
      number<FeatureRecordBody>('count', 'Count', (v, r) => shownCount(v, r.counted), 100),
      number<FeatureRecordBody>('used', 'Used', undefined, 80),
      number<FeatureRecordBody>('available', 'Available', (v, r) => shownCount(v, r.counted), 100),
      { field: 'expiry', headerName: 'Expiry', width: 130, valueFormatter: (v: string) => shownDate(v) },
      { field: 'start', headerName: 'Start date', width: 130, valueFormatter: (v: string | null) => shownDate(v) },
      { field: 'vendorString', headerName: 'Vendor string', width: 150, valueFormatter: (v: string | null) => shownText(v) },
      { field: 'productName', headerName: 'Product name', width: 140, valueFormatter: (v: string | null) => shownText(v) },
      { field: 'activationId', headerName: 'Activation ID', width: 130, valueFormatter: (v: string | null) => shownText(v) },
      { field: 'entitlementId', headerName: 'Entitlement ID', width: 130, valueFormatter: (v: string | null) => shownText(v) },
      { field: 'productVersion', headerName: 'Product version', width: 130, valueFormatter: (v: string | null) => shownText(v) },
      { field: 'status', headerName: 'Status', width: 120, valueFormatter: (v: FeatureRecordBody['status']) => STATUS_TEXT[v] },
      number<FeatureRecordBody>('overdraftUsed', 'Overdraft used', undefined, 130),
      number<FeatureRecordBody>('reserved', 'Reserved', undefined, 100),
      { field: 'model', headerName: 'Model', width: 110 },
      { field: 'licenseId', headerName: 'License ID', width: 140 },
      { field: 'id', headerName: 'Record ID', width: 140 },
    ];
    return hasReport ? [...columns, reportColumn<FeatureRecordBody>()] : columns;
  }, [hasReport, from]);
}

/** The search by exact feature name; the name lives in the URL (`?name=`). */
function SearchForm({ name, onSearch }: { name: string; onSearch: (name: string) => void }) {
  const [draft, setDraft] = useState({ for: name, text: name });
  // A name changed from outside (Back, a link) replaces what was typed.
  const text = draft.for === name ? draft.text : name;
  const submit = (e: SyntheticEvent) => {
    e.preventDefault();
    onSearch(text.trim());
  };
  return (
    <Box component="form" role="search" onSubmit={submit} sx={{ display: 'flex', gap: 1, alignItems: 'flex-start', flexWrap: 'wrap' }}>
      <TextField
        size="small"
        name="feature"
        label="Feature name"
        helperText="The exact, complete name"
        value={text}
        onChange={(e) => setDraft({ for: name, text: e.target.value })}
        sx={{ width: { xs: '100%', sm: 280 } }}
      />
      <Button type="submit" variant="contained" startIcon={<Icon>search</Icon>}>
        Search
      </Button>
      {name && (
        <Button type="button" onClick={() => onSearch('')}>
          Show all features
        </Button>
      )}
    </Box>
  );
}

/** The features the server serves: sums per name and version (Summary) and every record (Details), searched by exact name. */
export default function FeaturesPage() {
  const rest = useParams()['*'] ?? '';
  const tab: TabKey | null = rest === '' ? 'summary' : rest === 'details' ? 'details' : null;
  const [url, setUrl] = useSearchParams();
  const name = url.get('name') ?? '';
  const [page, setPage] = usePageParam();
  const connection = useConnection();
  const navigate = useNavigate();
  const here = useHere();
  const hasReport = useReportUrl() !== null;
  const summaryColumns = useSummaryColumns(hasReport);
  const detailsColumns = useDetailsColumns(hasReport, here.from ?? '/features/details');

  const params = new URLSearchParams({ page: String(page), pageSize: String(connection.pageSize) });
  if (name) params.set('name', name);
  const summaries = useQuery({
    queryKey: ['features', 'summaries', describeTarget(connection), params.toString()],
    queryFn: ({ signal }) => apiJson<Page<FeatureSummary>>(instancePath(`/features/summaries?${params.toString()}`), { signal }),
    enabled: tab === 'summary',
    placeholderData: keepPreviousData,
  });
  const records = useQuery({
    queryKey: ['features', 'records', describeTarget(connection), params.toString()],
    queryFn: ({ signal }) => apiJson<Page<FeatureRecordBody>>(instancePath(`/features?${params.toString()}`), { signal }),
    enabled: tab === 'details',
    placeholderData: keepPreviousData,
  });

  if (tab === null) return <Navigate to="/features" replace />;
  const search = (next: string) =>
    setUrl(() => {
      const p = new URLSearchParams();
      if (next) p.set('name', next);
      return p;
    });
  const shown = tab === 'summary' ? summaries : records;
  const emptyText = name ? `No feature named ${name}. The search takes the exact, complete name.` : 'No feature records: no license is loaded on this server.';
  const tabSearch = name ? `?${new URLSearchParams({ name }).toString()}` : '';

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Typography variant="h5" component="h1">
        Features
      </Typography>
      <Tabs value={tab} aria-label="Features views">
        {TABS.map((t) => (
          <Tab key={t.key} value={t.key} label={t.label} component={Link} to={`${t.path}${tabSearch}`} />
        ))}
      </Tabs>
      <Box sx={{ display: 'flex', gap: 2, justifyContent: 'space-between', alignItems: 'flex-start', flexWrap: 'wrap' }}>
        <SearchForm name={name} onSearch={search} />
        {name && <UsageInReport feature={name} />}
      </Box>
      {name && (
        <Alert severity="info" data-testid="search-note">
          {tab === 'summary' ? 'Sums' : 'Records'} of the feature named “{name}” only.
        </Alert>
      )}
      <Typography variant="body2" data-testid="record-total" aria-live="polite">
        Total number of records: {shown.data?.total ?? '…'}
      </Typography>
      {tab === 'summary' ? (
        <PagedGrid<FeatureSummary>
          key="summary"
          label="Features, summed per name and version"
          tableKey="manager-features-summary"
          columns={summaryColumns}
          query={summaries}
          getRowId={(r) => `${r.feature} ${r.version}`}
          page={page}
          pageSize={connection.pageSize}
          onPageChange={setPage}
          emptyText={emptyText}
          hiddenByDefault={['records']}
          onRowClick={(r) => void navigate(featureRecordsPath(r.feature))}
        />
      ) : (
        <PagedGrid<FeatureRecordBody>
          key="details"
          label="Feature records"
          tableKey="manager-features-details"
          columns={detailsColumns}
          query={records}
          getRowId={(r) => r.id}
          page={page}
          pageSize={connection.pageSize}
          onPageChange={setPage}
          emptyText={emptyText}
          hiddenByDefault={['overdraftUsed', 'reserved', 'model', 'licenseId', 'id']}
          onRowClick={(r) => void navigate(featureRecordPath(r.id), { state: here })}
        />
      )}
    </Box>
  );
}
