import type { ReactNode } from 'react';
import { Alert, Box, Button, Card, CardContent, Icon, Link as MuiLink, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from '@mui/material';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import type { DeviceDetailsBody } from '../../../../src/server/http/devices/routes.js';
import { ApiError, apiJson, instancePath } from '../../api/client.js';
import { FieldList } from '../../components/FieldList.js';
import { QueryState } from '../../components/QueryState.js';
import { useBack, useHere } from '../came-from.js';
import { describeTarget, useConnection } from '../connection.js';
import { shownDate, shownDeviceExpiry, shownText } from '../display.js';
import { featureRecordPath } from '../inventory-paths.js';

function deviceFields(d: DeviceDetailsBody) {
  return [
    { label: 'Device ID', value: d.deviceId },
    { label: 'Device ID type', value: d.deviceIdType },
    { label: 'Device type', value: d.deviceType },
    { label: 'Host type', value: d.hostType },
    { label: 'Alias', value: shownText(d.alias) },
    { label: 'User', value: shownText(d.user) },
    { label: 'Features held', value: d.featuresHeld.toLocaleString() },
    { label: 'Count held', value: d.countHeld.toLocaleString() },
    {
      label: 'Device expiry',
      value: shownDeviceExpiry(d.deviceExpiry),
      note: 'When everything the device holds lapses: the borrow expiry of its concurrent counts, or the final expiry of its metered ones.',
    },
  ];
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card variant="outlined">
      <CardContent sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
        <Typography variant="h6" component="h2">
          {title}
        </Typography>
        {children}
      </CardContent>
    </Card>
  );
}

function VendorDictionary({ entries }: { entries: DeviceDetailsBody['vendorDictionary'] }) {
  const keys = Object.keys(entries).sort();
  if (keys.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary" data-testid="vendor-dictionary-none">
        None: the device sent no vendor dictionary.
      </Typography>
    );
  }
  return (
    <TableContainer>
      <Table size="small" aria-label="Vendor dictionary">
        <TableHead>
          <TableRow>
            <TableCell>Key</TableCell>
            <TableCell>Value</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {keys.map((k) => (
            <TableRow key={k} data-testid="vendor-entry">
              <TableCell sx={{ overflowWrap: 'anywhere' }}>{k}</TableCell>
              <TableCell sx={{ overflowWrap: 'anywhere' }}>{String(entries[k])}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

function ConsumedFeatures({ items }: { items: DeviceDetailsBody['consumedFeatures'] }) {
  const here = useHere();
  if (items.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary" data-state="empty">
        The device holds no feature now.
      </Typography>
    );
  }
  return (
    <TableContainer>
      <Table size="small" aria-label="Consumed features">
        <TableHead>
          <TableRow>
            <TableCell>Feature</TableCell>
            <TableCell>Version</TableCell>
            <TableCell align="right">Count</TableCell>
            <TableCell>Model</TableCell>
            <TableCell>Kind</TableCell>
            <TableCell>Granted at</TableCell>
            <TableCell>Expiry</TableCell>
            <TableCell>Record expiry</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map((c) => (
            <TableRow key={`${c.recordId}:${c.kind}:${c.grantedAt}`} data-testid="consumed-feature">
              <TableCell>
                {c.recordExpiry === 'removed' ? (
                  c.feature
                ) : (
                  <MuiLink component={Link} to={featureRecordPath(c.recordId)} state={here}>
                    {c.feature}
                  </MuiLink>
                )}
              </TableCell>
              <TableCell>{c.version}</TableCell>
              <TableCell align="right">{c.count.toLocaleString()}</TableCell>
              <TableCell>{c.model}</TableCell>
              <TableCell>{c.kind}</TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{shownDate(c.grantedAt)}</TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{shownDate(c.expiry)}</TableCell>
              <TableCell sx={{ whiteSpace: 'nowrap' }}>{c.recordExpiry === 'removed' ? 'record removed' : shownDate(c.recordExpiry)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

/** One client device: who it is, its vendor dictionary, what it holds and when that lapses. */
export default function DeviceDetailsPage() {
  const { idType = '', deviceId = '' } = useParams();
  const connection = useConnection();
  const back = useBack('/devices');
  const device = useQuery({
    queryKey: ['devices', 'one', describeTarget(connection), idType, deviceId],
    queryFn: ({ signal }) => apiJson<DeviceDetailsBody>(instancePath(`/devices/${encodeURIComponent(idType)}/${encodeURIComponent(deviceId)}`), { signal }),
    retry: (n, error) => !(error instanceof ApiError && error.status < 500) && n < 2,
  });
  const backButton = (
    <Button onClick={back} startIcon={<Icon>arrow_back</Icon>}>
      Back
    </Button>
  );
  // An unknown ID type is refused as a bad request: to the user it is the same missing device.
  if (device.error instanceof ApiError && (device.error.status === 404 || device.error.status === 400)) {
    return (
      <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2, alignItems: 'flex-start' }}>
        {backButton}
        <Alert severity="warning" data-testid="not-found">
          No such device: {idType} {deviceId} has not been served by this server.
        </Alert>
      </Box>
    );
  }
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        {backButton}
        <Typography variant="h5" component="h1" sx={{ overflowWrap: 'anywhere' }}>
          Device Details: {deviceId}
        </Typography>
      </Box>
      <QueryState query={device} what="the device">
        {(d) => (
          <>
            <Section title="Device">
              <FieldList fields={deviceFields(d)} testId="device-fields" />
            </Section>
            <Section title="Vendor dictionary">
              <VendorDictionary entries={d.vendorDictionary} />
            </Section>
            <Section title="Consumed features">
              <ConsumedFeatures items={d.consumedFeatures} />
            </Section>
          </>
        )}
      </QueryState>
    </Box>
  );
}
