import type { ReactNode } from 'react';
import { Alert, AlertTitle, Box, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from '@mui/material';
import type { ActivationLine } from '../../../../src/licensing/exchange.js';
import type { LicenseUpdate, LicenseUpdateSource } from '../../../../src/licensing/license-update.js';
import { shownDate } from '../display.js';

/** What an exchange with the back office brought: the update applied and the activation IDs held since. */
export interface ExchangeAnswer {
  update: LicenseUpdate | null;
  activations: ActivationLine[];
}

/** What brought a change of licenses, in words. */
export const SOURCE_WORDS: Record<LicenseUpdateSource, string> = {
  'license-file': 'License file loaded',
  'license-removed': 'License file removed',
  'online-activation': 'Online activation',
  'capability-poll': 'License update from the back office',
  'offline-response': 'Offline response uploaded',
};

type EndedLease = LicenseUpdate['endedLeases'][number];

/** Why a lease was ended, in words. */
export const REASON_WORDS: Record<EndedLease['reason'], string> = {
  'record-removed': 'record removed',
  'count-lowered': 'count lowered',
};

/** A device key (`STRING:dev-3`) as the device's ID; the key's type says nothing to an administrator. */
export const shownDevice = (deviceKey: string): string => deviceKey.replace(/^[A-Z_]+:/, '');

function SmallTable({ label, head, rows, testId }: { label: string; head: string[]; rows: ReactNode[][]; testId: string }) {
  return (
    <TableContainer sx={{ overflowX: 'auto' }}>
      <Table size="small" aria-label={label} data-testid={testId}>
        <TableHead>
          <TableRow>
            {head.map((h) => (
              <TableCell key={h} sx={{ fontWeight: 600, whiteSpace: 'nowrap' }}>
                {h}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((cells, i) => (
            <TableRow key={i}>
              {cells.map((c, j) => (
                <TableCell key={j} sx={{ overflowWrap: 'anywhere' }}>
                  {c}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

/** The activation IDs this server holds, as the back office answered them. */
export function ActivationTable({ activations }: { activations: ActivationLine[] }) {
  if (activations.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary" data-testid="activations-held">
        This server holds no activation ID now.
      </Typography>
    );
  }
  return (
    <Box>
      <Typography variant="subtitle2" component="h3" gutterBottom>
        Activation IDs this server holds
      </Typography>
      <SmallTable
        label="Activation IDs this server holds"
        testId="activations-held"
        head={['Activation ID', 'Product', 'Count here', 'Remaining at the back office', 'Expiry']}
        rows={activations.map((a) => [a.activationId, a.productName, a.count.toLocaleString(), a.remaining.toLocaleString(), a.expiry === null ? 'permanent' : shownDate(a.expiry)])}
      />
    </Box>
  );
}

/** The leases an update ended: which device, which feature, and why. */
export function EndedLeases({ leases }: { leases: EndedLease[] }) {
  if (leases.length === 0) return null;
  return (
    <Box>
      <Typography variant="subtitle2" component="h3" gutterBottom>
        Leases ended
      </Typography>
      <SmallTable
        label="Leases ended"
        testId="ended-leases"
        head={['Device', 'Feature', 'Counts taken', 'Left', 'Why']}
        rows={leases.map((l) => [shownDevice(l.deviceKey), `${l.feature} ${l.version}`, l.count.toLocaleString(), l.left.toLocaleString(), REASON_WORDS[l.reason]])}
      />
    </Box>
  );
}

/** What an exchange did: the operation's notice with the update's summary, the leases it ended, the activation IDs held. */
export function ExchangeResult({ title, answer }: { title: string; answer: ExchangeAnswer }) {
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 2, mt: 2 }} data-testid="exchange-result">
      <Alert severity={answer.update === null ? 'info' : 'success'} data-testid="update-summary">
        <AlertTitle>{title}</AlertTitle>
        {answer.update === null ? 'No change: the licenses of this server already match the back office.' : answer.update.summary}
      </Alert>
      {answer.update && <EndedLeases leases={answer.update.endedLeases} />}
      <ActivationTable activations={answer.activations} />
    </Box>
  );
}

const shownExpiry = (expiry: string) => (expiry === 'permanent' ? 'permanent' : shownDate(expiry));

/** Everything one update did: records added, changed and removed, and the leases it ended. */
export function LicenseUpdateDetails({ update }: { update: LicenseUpdate }) {
  const sections: Array<{ title: string; table: ReactNode }> = [];
  if (update.added.length > 0) {
    sections.push({
      title: 'Records added',
      table: <SmallTable label="Records added" testId="records-added" head={['Feature', 'Version', 'Count', 'Expiry']} rows={update.added.map((r) => [r.feature, r.version, r.count.toLocaleString(), shownExpiry(r.expiry)])} />,
    });
  }
  if (update.changed.length > 0) {
    sections.push({
      title: 'Records changed',
      table: (
        <SmallTable
          label="Records changed"
          testId="records-changed"
          head={['Feature', 'Version', 'Count', 'Expiry']}
          rows={update.changed.map((r) => [
            r.feature,
            r.version,
            r.count === r.countBefore ? r.count.toLocaleString() : `${r.countBefore.toLocaleString()} → ${r.count.toLocaleString()}`,
            r.expiry === r.expiryBefore ? shownExpiry(r.expiry) : `${shownExpiry(r.expiryBefore)} → ${shownExpiry(r.expiry)}`,
          ])}
        />
      ),
    });
  }
  if (update.removed.length > 0) {
    sections.push({
      title: 'Records removed',
      table: <SmallTable label="Records removed" testId="records-removed" head={['Feature', 'Version', 'Count', 'Expiry']} rows={update.removed.map((r) => [r.feature, r.version, r.count.toLocaleString(), shownExpiry(r.expiry)])} />,
    });
  }
  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 2 }} data-testid="license-update-details">
      <Typography variant="body2">{update.summary}</Typography>
      {sections.map((s) => (
        <Box key={s.title}>
          <Typography variant="subtitle2" component="h3" gutterBottom>
            {s.title}
          </Typography>
          {s.table}
        </Box>
      ))}
      <EndedLeases leases={update.endedLeases} />
    </Box>
  );
}
