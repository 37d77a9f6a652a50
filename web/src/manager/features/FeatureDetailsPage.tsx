import { Alert, Box, Button, Card, CardContent, Icon, Link as MuiLink, Table, TableBody, TableCell, TableContainer, TableHead, TablePagination, TableRow, Typography } from '@mui/material';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import type { FeatureRecordDetailsBody } from '../../../../src/server/http/features/routes.js';
import { ApiError, apiJson, instancePath } from '../../api/client.js';
import { FieldList } from '../../components/FieldList.js';
import { QueryState } from '../../components/QueryState.js';
import { useBack, useHere } from '../came-from.js';
import { describeTarget, useConnection } from '../connection.js';
import { shownCount, shownDate, shownSeconds, shownText, shownYesNo } from '../display.js';
import { devicePath } from '../inventory-paths.js';
import { UsageInReport } from '../report-link.js';

const STATUS_TEXT: Record<FeatureRecordDetailsBody['status'], string> = { active: 'active', 'not-started': 'not started yet', expired: 'expired' };

function meteredText(m: FeatureRecordDetailsBody['metered']): string {
  if (!m) return 'not metered';
  const cap = m.capped ? 'capped: refused past count and overdraft' : 'uncapped: use past the count is served and recorded';
  const units = m.reusable ? 'reusable: units can be given back' : m.undoInterval > 0 ? `units are used up; a use can be undone within ${shownSeconds(m.undoInterval)}` : 'units are used up';
  return `${cap}; ${units}`;
}

function recordFields(r: FeatureRecordDetailsBody) {
  return [
    { label: 'Feature name', value: r.feature },
    { label: 'Version', value: r.version },
    { label: 'Status', value: STATUS_TEXT[r.status] },
    { label: 'Start date', value: r.start === null ? 'no start date' : shownDate(r.start) },
    { label: 'Feature expiry', value: shownDate(r.expiry), note: r.expiry === 'permanent' ? 'does not expire' : undefined },
    { label: 'Total count', value: shownCount(r.count, r.counted) },
    { label: 'Available', value: shownCount(r.available, r.counted) },
    { label: 'Used count', value: r.used.toLocaleString() },
    { label: 'Reserved count', value: r.reserved.toLocaleString(), note: 'of the count, held for reservations' },
    { label: 'Overdraft', value: `${r.overdraftUsed.toLocaleString()} used of ${r.overdraft.toLocaleString()} allowed` },
    { label: 'Vendor string', value: shownText(r.vendorString) },
    { label: 'Product name', value: shownText(r.productName) },
    { label: 'Product version', value: shownText(r.productVersion) },
    { label: 'Activation ID', value: shownText(r.activationId) },
    { label: 'Entitlement ID', value: shownText(r.entitlementId) },
    { label: 'Model', value: r.model },
    { label: 'Counted', value: shownYesNo(r.counted) },
    { label: 'Metered', value: meteredText(r.metered) },
    { label: 'Borrow interval', value: r.borrowInterval === null ? 'the server’s default' : shownSeconds(r.borrowInterval) },
    { label: 'License ID', value: r.licenseId },
    { label: 'Record ID', value: r.id },
  ];
}

/** The devices that hold counts of the record now, a page of Settings' size at a time (a busy record may serve thousands). */
function ServedDevices({ record, pageSize }: { record: FeatureRecordDetailsBody; pageSize: number }) {
  const here = useHere();
  const [page, setPage] = useState(0);
  const shown = record.servedDevices.slice(page * pageSize, (page + 1) * pageSize);
  if (record.servedDevices.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary" data-state="empty">
        No device holds counts of this record now.
      </Typography>
    );
  }
  return (
    <TableContainer>
      <Table size="small" aria-label="Served devices">
        <TableHead>
          <TableRow>
            <TableCell>Device ID</TableCell>
            <TableCell>Device ID type</TableCell>
            <TableCell>Device type</TableCell>
            <TableCell>Device alias</TableCell>
            <TableCell>User</TableCell>
            <TableCell align="right">Total count served</TableCell>
            <TableCell>Expiry</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {shown.map((d) => (
            <TableRow key={`${d.deviceIdType}:${d.deviceId}`} data-testid="served-device">
              <TableCell>
                <MuiLink component={Link} to={devicePath(d)} state={here}>
                  {d.deviceId}
                </MuiLink>
              </TableCell>
              <TableCell>{d.deviceIdType}</TableCell>
              <TableCell>{d.deviceType}</TableCell>
              <TableCell>{shownText(d.alias)}</TableCell>
              <TableCell>{shownText(d.user)}</TableCell>
              <TableCell align="right">{d.count.toLocaleString()}</TableCell>
              <TableCell>{shownDate(d.expiry)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {record.servedDevices.length > pageSize && (
        <TablePagination
          component="div"
          count={record.servedDevices.length}
          page={page}
          rowsPerPage={pageSize}
          rowsPerPageOptions={[pageSize]}
          onPageChange={(_e, next) => setPage(next)}
        />
      )}
    </TableContainer>
  );
}

/** One feature record: every field, and the devices it serves. */
export default function FeatureDetailsPage() {
  const recordId = useParams().recordId ?? '';
  const connection = useConnection();
  const back = useBack('/features/details');
  const record = useQuery({
    queryKey: ['features', 'record', describeTarget(connection), recordId],
    queryFn: ({ signal }) => apiJson<FeatureRecordDetailsBody>(instancePath(`/features/${encodeURIComponent(recordId)}`), { signal }),
    retry: (n, error) => !(error instanceof ApiError && error.status < 500) && n < 2,
  });
  const backButton = (
    <Button onClick={back} startIcon={<Icon>arrow_back</Icon>}>
      Back
    </Button>
  );
  if (record.error instanceof ApiError && record.error.status === 404) {
    return (
      <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2, alignItems: 'flex-start' }}>
        {backButton}
        <Alert severity="warning" data-testid="not-found">
          No such feature record: {recordId}. It may have been removed with its license.
        </Alert>
      </Box>
    );
  }
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', gap: 2 }}>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', flexWrap: 'wrap' }}>
        {backButton}
        <Typography variant="h5" component="h1" sx={{ flexGrow: 1, overflowWrap: 'anywhere' }}>
          Feature Details{record.data ? `: ${record.data.feature} ${record.data.version}` : ''}
        </Typography>
        {record.data && <UsageInReport feature={record.data.feature} />}
      </Box>
      <QueryState query={record} what="the feature record">
        {(r) => (
          <>
            <Card variant="outlined">
              <CardContent>
                <FieldList fields={recordFields(r)} testId="record-fields" />
              </CardContent>
            </Card>
            <Card variant="outlined">
              <CardContent sx={{ display: 'flex', flexDirection: 'column', gap: 1 }}>
                <Typography variant="h6" component="h2">
                  Served devices
                </Typography>
                <ServedDevices record={r} pageSize={connection.pageSize} />
              </CardContent>
            </Card>
          </>
        )}
      </QueryState>
    </Box>
  );
}
