import { useMemo } from 'react';
import { Box, FormControlLabel, Switch, Typography } from '@mui/material';
import type { GridColDef, GridRenderCellParams } from '@mui/x-data-grid';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useNavigate, useSearchParams } from 'react-router';
import type { Page } from '../../../../src/http/paging.js';
import type { DeviceBody } from '../../../../src/server/http/devices/routes.js';
import { apiJson, instancePath } from '../../api/client.js';
import { CellLink, PagedGrid, usePageParam } from '../../components/PagedGrid.js';
import { useHere } from '../came-from.js';
import { describeTarget, useConnection } from '../connection.js';
import { shownDeviceExpiry, shownText } from '../display.js';
import { devicePath } from '../inventory-paths.js';

function useColumns(from: string): Array<GridColDef<DeviceBody>> {
  return useMemo(
    () => [
      {
        field: 'deviceId',
        headerName: 'Device ID',
        width: 190,
        renderCell: (p: GridRenderCellParams<DeviceBody>) => (
          <CellLink params={p} to={devicePath(p.row)} state={{ from }}>
            {p.row.deviceId}
          </CellLink>
        ),
      },
      { field: 'deviceIdType', headerName: 'ID type', width: 110 },
      { field: 'deviceType', headerName: 'Device type', width: 120 },
      { field: 'hostType', headerName: 'Host type', width: 130 },
      { field: 'alias', headerName: 'Alias', width: 150, valueFormatter: (v: string | null) => shownText(v) },
      { field: 'user', headerName: 'User', width: 130, valueFormatter: (v: string | null) => shownText(v) },
      { field: 'featuresHeld', headerName: 'Features held', type: 'number', width: 120 },
      { field: 'countHeld', headerName: 'Count held', type: 'number', width: 110 },
      { field: 'deviceExpiry', headerName: 'Device expiry', width: 190, valueFormatter: (v: string | null) => shownDeviceExpiry(v) },
    ],
    [from],
  );
}

/** The client devices the server has served, or only those holding counts now. */
export default function DevicesPage() {
  const [url, setUrl] = useSearchParams();
  const holding = url.get('holding') === 'true';
  const [page, setPage] = usePageParam();
  const connection = useConnection();
  const navigate = useNavigate();
  const here = useHere();
  const columns = useColumns(here.from ?? '/devices');
  const params = new URLSearchParams({ page: String(page), pageSize: String(connection.pageSize) });
  if (holding) params.set('holding', 'true');
  const devices = useQuery({
    queryKey: ['devices', describeTarget(connection), params.toString()],
    queryFn: ({ signal }) => apiJson<Page<DeviceBody>>(instancePath(`/devices?${params.toString()}`), { signal }),
    placeholderData: keepPreviousData,
  });
  const setHolding = (on: boolean) =>
    setUrl(() => {
      const p = new URLSearchParams();
      if (on) p.set('holding', 'true');
      return p;
    });

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Typography variant="h5" component="h1">
        Devices
      </Typography>
      <FormControlLabel control={<Switch checked={holding} onChange={(e) => setHolding(e.target.checked)} />} label="Only devices holding counts now" />
      <Typography variant="body2" data-testid="record-total" aria-live="polite">
        Total number of records: {devices.data?.total ?? '…'}
      </Typography>
      <PagedGrid<DeviceBody>
        label="Devices"
        tableKey="manager-devices"
        columns={columns}
        query={devices}
        getRowId={(d) => `${d.deviceIdType}:${d.deviceId}`}
        page={page}
        pageSize={connection.pageSize}
        onPageChange={setPage}
        emptyText={holding ? 'No device holds counts now.' : 'No device has been served yet.'}
        onRowClick={(d) => void navigate(devicePath(d), { state: here })}
      />
    </Box>
  );
}
