import { useState } from 'react';
import { Alert, Box, Button, Chip, Link as MuiLink, Paper, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from '@mui/material';
import { Link, useParams } from 'react-router';
import { useAuth } from '../../api/auth.js';
import { ApiError } from '../../api/client.js';
import { FieldList } from '../../components/FieldList.js';
import { QueryState } from '../../components/QueryState.js';
import { CopyButton } from '../CopyButton.js';
import { entitlementPath } from '../entitlements/EntitlementsPage.js';
import type { ActivationIdView } from '../licensing-api.js';
import { LICENSING_ROUTES, useActivationId } from '../licensing-api.js';
import { formatExpiry, formatTime, isDate } from '../licensing-text.js';
import { LineItemChangeForm } from './LineItemChangeForm.js';
import { TakeBackDialog } from './TakeBackDialog.js';

type Server = ActivationIdView['servers'][number];

const VIA: Record<ActivationIdView['history'][number]['via'], string> = {
  online: 'online activation',
  offline: 'offline request file',
  producer: 'producer',
};

/** When a server's counts end: the line item's date as the producer gave it, else the end of the product term on that server. */
function serverExpiry(view: ActivationIdView, s: Server): string {
  if (s.expiresAt === null) return 'permanent';
  return view.expiry !== null && isDate(view.expiry) ? view.expiry : formatTime(s.expiresAt);
}

/** One activation ID: its counts, where they went, how they moved, and the producer's changes to it. */
export default function ActivationIdPage() {
  const { activationId = '' } = useParams();
  const query = useActivationId(activationId);
  if (query.isError && query.error instanceof ApiError && query.error.status === 404) {
    return (
      <Alert severity="warning" data-testid="activation-id-unknown">
        There is no activation ID “{activationId}”. Check it against the welcome email, or search the entitlements for it.
      </Alert>
    );
  }
  return <QueryState query={query} what={`activation ID ${activationId}`}>{(view) => <ActivationIdDetails view={view} />}</QueryState>;
}

function ActivationIdDetails({ view }: { view: ActivationIdView }) {
  const auth = useAuth();
  const [takingBack, setTakingBack] = useState<Server | null>(null);
  const canTakeBack = auth.may(...LICENSING_ROUTES.setServerCount);
  const names = new Map(view.servers.map((s) => [s.instanceId, s.instanceName]));
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 2 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
        <Typography variant="h5" component="h1" sx={{ overflowWrap: 'anywhere' }}>
          Activation ID <Box component="span" sx={{ fontFamily: 'monospace' }}>{view.activationId}</Box>
        </Typography>
        <CopyButton text={view.activationId} what={`activation ID ${view.activationId}`} />
        {view.expired && <Chip color="error" size="small" label="expired" />}
      </Box>
      <Paper variant="outlined" sx={{ p: 2 }}>
        <FieldList
          testId="activation-id-fields"
          fields={[
            { label: 'Product', value: <MuiLink component={Link} to={`/licensing/products/${encodeURIComponent(view.productId)}`}>{view.productName}</MuiLink> },
            { label: 'Entitlement', value: <MuiLink component={Link} to={entitlementPath(view.entitlementId)}>{view.entitlementId}</MuiLink> },
            { label: 'Account', value: view.accountId },
            { label: 'Quantity', value: view.quantity },
            { label: 'Activated', value: view.activated, note: 'on all license servers together' },
            { label: 'Remaining', value: view.remaining },
            { label: 'Start', value: view.start ?? '—' },
            { label: 'Expiry', value: `${formatExpiry(view.expiry)}${view.expired ? ' (expired)' : ''}` },
          ]}
        />
      </Paper>
      {auth.may(...LICENSING_ROUTES.changeLineItem) && <LineItemChangeForm view={view} />}
      <Paper variant="outlined" component="section" aria-labelledby="where-counts-went">
        <Typography variant="h6" component="h2" id="where-counts-went" sx={{ px: 2, pt: 1.5 }}>
          Where the counts went
        </Typography>
        {view.servers.length === 0 ? (
          <Typography variant="body2" color="text.secondary" sx={{ p: 2 }} data-state="empty">
            No license server holds counts of this activation ID yet: the customer activates it online or with an offline request.
          </Typography>
        ) : (
          <TableContainer>
            <Table size="small" data-testid="servers-table" sx={{ minWidth: 640 }}>
              <TableHead>
                <TableRow>
                  <TableCell>License server</TableCell>
                  <TableCell>Instance ID</TableCell>
                  <TableCell align="right">Count</TableCell>
                  <TableCell>First activated</TableCell>
                  <TableCell>Expires</TableCell>
                  {canTakeBack && <TableCell />}
                </TableRow>
              </TableHead>
              <TableBody>
                {view.servers.map((s) => (
                  <TableRow key={s.instanceId} data-testid="server-row">
                    <TableCell sx={{ overflowWrap: 'anywhere' }}>{s.instanceName}</TableCell>
                    <TableCell sx={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}>{s.instanceId}</TableCell>
                    <TableCell align="right">{s.count}</TableCell>
                    <TableCell>{formatTime(s.firstActivatedAt)}</TableCell>
                    <TableCell>{serverExpiry(view, s)}</TableCell>
                    {canTakeBack && (
                      <TableCell align="right">
                        <Button size="small" color="warning" variant="outlined" onClick={() => setTakingBack(s)} aria-label={`Take counts back from ${s.instanceName}`}>
                          Take back
                        </Button>
                      </TableCell>
                    )}
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </Paper>
      <Paper variant="outlined" component="section" aria-labelledby="activation-history">
        <Typography variant="h6" component="h2" id="activation-history" sx={{ px: 2, pt: 1.5 }}>
          History
        </Typography>
        {view.history.length === 0 ? (
          <Typography variant="body2" color="text.secondary" sx={{ p: 2 }}>
            No counts have moved yet.
          </Typography>
        ) : (
          <TableContainer>
            <Table size="small" data-testid="history-table" sx={{ minWidth: 640 }}>
              <TableHead>
                <TableRow>
                  <TableCell>When</TableCell>
                  <TableCell>License server</TableCell>
                  <TableCell align="right">Change</TableCell>
                  <TableCell align="right">Count after</TableCell>
                  <TableCell>By</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {view.history.map((h, i) => (
                  <TableRow key={`${h.at}:${h.instanceId}:${i}`} data-testid="history-row">
                    <TableCell>{formatTime(h.at)}</TableCell>
                    <TableCell sx={{ overflowWrap: 'anywhere' }}>{names.get(h.instanceId) ?? h.instanceId}</TableCell>
                    <TableCell align="right">{h.delta > 0 ? `+${h.delta}` : h.delta}</TableCell>
                    <TableCell align="right">{h.countAfter}</TableCell>
                    <TableCell>{VIA[h.via]}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        )}
      </Paper>
      {takingBack && <TakeBackDialog activationId={view.activationId} server={takingBack} onClose={() => setTakingBack(null)} />}
    </Box>
  );
}
