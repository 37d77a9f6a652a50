import { Alert, AlertTitle, Box, Paper, Typography } from '@mui/material';
import { useLocation, useParams } from 'react-router';
import { FieldList } from '../../components/FieldList.js';
import { QueryState } from '../../components/QueryState.js';
import { CopyButton } from '../CopyButton.js';
import type { EntitlementView } from '../licensing-api.js';
import { useEntitlement } from '../licensing-api.js';
import { formatTime } from '../licensing-text.js';
import { LineItemsTable } from './LineItemsTable.js';

/** The text a producer pastes into the welcome email: one activation ID a line, with what it gives. */
function welcomeText(e: EntitlementView): string {
  return e.lineItems.map((l) => `${l.activationId}  ${l.productName} × ${l.quantity}`).join('\n');
}

/** One entitlement: its account and line items, each activation ID ready to copy. */
export default function EntitlementPage() {
  const { entitlementId = '' } = useParams();
  const created = (useLocation().state as { created?: boolean } | null)?.created === true;
  const query = useEntitlement(entitlementId);
  return (
    <QueryState query={query} what={`entitlement ${entitlementId}`}>
      {(e) => (
        <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 2 }}>
          <Typography variant="h5" component="h1" sx={{ overflowWrap: 'anywhere' }}>
            Entitlement {e.name ?? e.id}
          </Typography>
          {created && (
            <Alert severity="success" data-testid="activation-ids-made" action={<CopyButton text={welcomeText(e)} label="Copy all" what="the activation IDs" />}>
              <AlertTitle>Entitlement {e.id} was added</AlertTitle>
              Send {e.accountName} these activation IDs (the welcome email); their administrator activates them on a license server.
              <Box component="pre" sx={{ m: 0, mt: 1, fontFamily: 'monospace', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {welcomeText(e)}
              </Box>
            </Alert>
          )}
          <Paper variant="outlined" sx={{ p: 2 }}>
            <FieldList
              testId="entitlement-fields"
              fields={[
                { label: 'Entitlement ID', value: e.id },
                { label: 'Name', value: e.name ?? '—' },
                { label: 'Account', value: `${e.accountName} (${e.accountId})` },
                { label: 'Created', value: formatTime(e.createdAt) },
              ]}
            />
          </Paper>
          <Paper variant="outlined" component="section" aria-labelledby="line-items">
            <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, px: 2, pt: 1.5, flexWrap: 'wrap' }}>
              <Typography variant="h6" component="h2" id="line-items" sx={{ flexGrow: 1 }}>
                Line items
              </Typography>
              <CopyButton text={welcomeText(e)} label="Copy all" what="the activation IDs" />
            </Box>
            <LineItemsTable items={e.lineItems} />
          </Paper>
        </Box>
      )}
    </QueryState>
  );
}
