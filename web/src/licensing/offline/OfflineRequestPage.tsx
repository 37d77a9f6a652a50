import { useState } from 'react';
import { Alert, AlertTitle, Box, Button, Link as MuiLink, Paper, Table, TableBody, TableCell, TableContainer, TableHead, TableRow, Typography } from '@mui/material';
import { Link } from 'react-router';
import type { ExchangeResponse, SignedMessage } from '../../../../src/licensing/exchange.js';
import { useAuth } from '../../api/auth.js';
import { apiFetch } from '../../api/client.js';
import { FormRefusal } from '../form-problems.js';
import { activationIdPath } from '../entitlements/LineItemsTable.js';
import { LICENSING, LICENSING_ROUTES } from '../licensing-api.js';
import { RequestFileChooser } from './RequestFileChooser.js';
import { formatTime } from '../licensing-text.js';

/** The back office refuses a larger request; saying so before sending saves a customer's upload. */
const REQUEST_MAX_BYTES = 256 * 1024;

interface Answered {
  fileName: string;
  response: ExchangeResponse;
}

/** Saves text as a file in the browser's downloads. */
function download(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

/** Answers a request file a customer's license server made offline, with the response file to send back. */
export default function OfflineRequestPage() {
  const auth = useAuth();
  const allowed = auth.may(...LICENSING_ROUTES.offline);
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [answered, setAnswered] = useState<Answered | null>(null);
  const [refusal, setRefusal] = useState<unknown>(null);

  const choose = (f: File | null) => {
    setFile(f);
    setAnswered(null);
    setRefusal(null);
    setProblem(f === null ? null : f.size === 0 ? 'This file is empty: choose the request file the customer sent.' : f.size > REQUEST_MAX_BYTES ? 'This file is larger than 256 KB: it is not a Tally request file.' : null);
  };

  const upload = async () => {
    if (!file) {
      setProblem('Choose the request file first.');
      return;
    }
    if (problem) return;
    setSending(true);
    setAnswered(null);
    setRefusal(null);
    try {
      const res = await apiFetch(`${LICENSING}/offline`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: file });
      const text = await res.text();
      const message = JSON.parse(text) as SignedMessage<ExchangeResponse>;
      const fileName = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'response.tally.json';
      download(text, fileName);
      setAnswered({ fileName, response: message.body });
    } catch (e) {
      setRefusal(e);
    } finally {
      setSending(false);
    }
  };

  return (
    <Box sx={{ display: 'grid', gridTemplateColumns: 'minmax(0, 1fr)', gap: 2, maxWidth: 1000 }}>
      <Box>
        <Typography variant="h5" component="h1" gutterBottom>
          Offline requests
        </Typography>
        <Typography variant="body2" color="text.secondary">
          A license server that cannot reach the back office saves an activation or capability request as a file, and its administrator sends it to you.
          Upload it here: the back office checks it as it would online, activates what it asks, and gives you the response file to send back, which they
          upload to their server.
        </Typography>
      </Box>
      {!allowed && (
        <Alert severity="info" data-testid="admins-only">
          Only an administrator may answer offline requests; the upload is disabled for your role.
        </Alert>
      )}
      <Paper variant="outlined" component="section" aria-labelledby="offline-upload" sx={{ p: { xs: 1.5, sm: 2 } }}>
        <Typography variant="h6" component="h2" id="offline-upload" gutterBottom>
          Upload a request file
        </Typography>
        <Box sx={{ display: 'flex', gap: 1.5, alignItems: 'flex-start', flexWrap: 'wrap' }}>
          <Box sx={{ flexGrow: 1 }}>
            <RequestFileChooser file={file} onChange={choose} problem={problem} disabled={!allowed} />
          </Box>
          <Button variant="contained" onClick={() => void upload()} disabled={!allowed || sending || problem !== null}>
            Upload and respond
          </Button>
        </Box>
      </Paper>
      <FormRefusal error={refusal} title="The request was refused: nothing was activated" />
      {answered && <ResponseSummary answered={answered} />}
    </Box>
  );
}

function ResponseSummary({ answered: { fileName, response } }: { answered: Answered }) {
  const activated = response.requestKind === 'activation';
  return (
    <Alert severity="success" data-testid="offline-response" sx={{ '& .MuiAlert-message': { width: '100%', minWidth: 0 } }}>
      <AlertTitle>
        Saved the response as {fileName}: send it to the customer
      </AlertTitle>
      <Typography variant="body2" sx={{ mb: 1 }}>
        {activated ? 'Activation request' : 'Capability request'} of license server <code>{response.server.instanceId}</code> (account {response.accountId}). Their
        administrator uploads the file to that server before {formatTime(response.expiresAt)}. It now holds:
      </Typography>
      {response.activations.length === 0 ? (
        <Typography variant="body2">no activation IDs: it has no rights from the back office.</Typography>
      ) : (
        <TableContainer>
          <Table size="small" data-testid="offline-activations" sx={{ minWidth: 640 }}>
            <TableHead>
              <TableRow>
                <TableCell>Activation ID</TableCell>
                <TableCell>Product</TableCell>
                <TableCell align="right">Count on the server</TableCell>
                <TableCell align="right">Remaining</TableCell>
                <TableCell>Expires</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {response.activations.map((a) => (
                <TableRow key={a.activationId}>
                  <TableCell sx={{ overflowWrap: 'anywhere' }}>
                    <MuiLink component={Link} to={activationIdPath(a.activationId)}>
                      {a.activationId}
                    </MuiLink>
                  </TableCell>
                  <TableCell sx={{ overflowWrap: 'anywhere' }}>{a.productName}</TableCell>
                  <TableCell align="right">{a.count}</TableCell>
                  <TableCell align="right">{a.remaining}</TableCell>
                  <TableCell>{a.expiry ? formatTime(a.expiry) : 'permanent'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
    </Alert>
  );
}
