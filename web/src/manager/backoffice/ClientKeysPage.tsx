import { useState } from 'react';
import { Alert, Box, Button, Icon, Paper, Typography } from '@mui/material';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { ClientKeyView, UploadedClientKey } from '../../../../src/server/client-key.js';
import { apiJson, instancePath } from '../../api/client.js';
import { FieldList } from '../../components/FieldList.js';
import { useFeedback } from '../../components/feedback.js';
import { FileChooser } from './FileChooser.js';
import { AdminsOnly, BACK_OFFICE_ROUTES, BackOfficeHeading, OperationOutcome, isMissingRoute, useBackOfficeOperation } from './back-office-request.js';
import { clientKeyProblem } from './client-key.js';

const CLIENT_KEY_QUERY = ['client-key'] as const;

/** Whether unsigned capability requests are served, in the words of the page. */
function signingText(required: boolean): string {
  return required
    ? "Required by the producer's policy: capability requests that are not signed with the matching private key are refused."
    : 'Not required: unsigned capability requests are served; a signed one must verify with this key.';
}

/** The key the server holds now, and Remove. */
function CurrentKey({ view, canRemove, onRemove, busy }: { view: ClientKeyView; canRemove: boolean; onRemove: () => void; busy: boolean }) {
  if (!view.present) {
    return (
      <Alert severity={view.required ? 'warning' : 'info'} data-testid="client-key-none" sx={{ mb: 2 }}>
        No client key is uploaded.
        {view.required
          ? " The producer's policy requires signed capability requests, so every one is refused until a key is uploaded."
          : ' Capability requests are served without a signature.'}
      </Alert>
    );
  }
  return (
    <Paper variant="outlined" sx={{ p: { xs: 1.5, sm: 2 }, mb: 2 }} data-testid="client-key-current">
      <Typography variant="subtitle1" component="h2" gutterBottom>
        Current client key
      </Typography>
      <FieldList
        fields={[
          { label: 'Key ID', value: <Box component="code" data-testid="client-key-id">{view.keyId}</Box> },
          { label: 'Key', value: `RSA, ${view.bits ?? '?'} bits` },
          { label: 'Uploaded', value: `${view.uploadedAt ? new Date(view.uploadedAt).toLocaleString() : ''} by ${view.uploadedBy ?? ''}` },
          { label: 'Signed requests', value: signingText(view.required) },
        ]}
      />
      <Button sx={{ mt: 2 }} variant="outlined" color="error" startIcon={<Icon>delete</Icon>} onClick={onRemove} disabled={!canRemove || busy}>
        Remove
      </Button>
    </Paper>
  );
}

/** The Client Key Operations view: the client-side RSA public key the producer asks for, uploaded, shown and removed. */
export default function ClientKeysPage() {
  const { outcome, run, allowed } = useBackOfficeOperation();
  const feedback = useFeedback();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [bytes, setBytes] = useState<Uint8Array | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const route = BACK_OFFICE_ROUTES.clientKey;
  const disabled = !allowed(route);
  const current = useQuery({ queryKey: CLIENT_KEY_QUERY, queryFn: ({ signal }) => apiJson<ClientKeyView>(instancePath('/client-key'), { signal }), retry: false });

  const choose = async (f: File | null) => {
    setFile(f);
    if (!f) {
      setBytes(null);
      setProblem(null);
      return;
    }
    // Only the first bytes matter for a file too large to be a key.
    const read = new Uint8Array(await f.slice(0, 4097).arrayBuffer());
    const checked = f.size > read.length ? new Uint8Array(f.size).fill(0x30) : read;
    setBytes(read);
    setProblem(clientKeyProblem(checked));
  };
  const upload = async () => {
    if (!file || !bytes) {
      setProblem('Choose the key file first.');
      feedback.notify('Nothing was uploaded: choose the key file first.', 'error');
      return;
    }
    if (problem) return;
    await run(
      route,
      (path) => apiJson<UploadedClientKey>(path, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: file }),
      (key) => `Uploaded client key ${key.keyId} (RSA ${key.bits} bits) from ${file.name}. ${key.required ? 'Capability requests must now be signed with its private key.' : 'Signed capability requests must now verify with it.'}`,
    );
    await queryClient.invalidateQueries({ queryKey: CLIENT_KEY_QUERY });
  };
  const remove = async (view: ClientKeyView) => {
    const consequence = view.required
      ? 'Signed capability requests are required here: every capability request will be refused until a key is uploaded again.'
      : 'Signatures of capability requests will no longer be checked.';
    if (!(await feedback.confirm({ title: `Remove the client key ${view.keyId ?? ''}?`, text: consequence, action: 'Remove key' }))) return;
    await run(BACK_OFFICE_ROUTES.removeClientKey, (path) => apiJson<undefined>(path, { method: 'DELETE' }), () => `Removed client key ${view.keyId ?? ''}.`);
    await queryClient.invalidateQueries({ queryKey: CLIENT_KEY_QUERY });
  };

  return (
    <Box sx={{ maxWidth: 900 }}>
      <BackOfficeHeading title="Client Key Operations">
        Upload the client-side RSA public key (2048-bit, DER-encoded) your producer asks for; the producer says how to obtain it. Clients then sign their
        capability requests with the matching private key.
      </BackOfficeHeading>
      {current.data && <CurrentKey view={current.data} canRemove={allowed(BACK_OFFICE_ROUTES.removeClientKey)} onRemove={() => void remove(current.data)} busy={outcome.state === 'sending'} />}
      {current.isError && !isMissingRoute(current.error) && (
        <Alert severity="error" sx={{ mb: 2 }} data-testid="client-key-unknown">
          The current client key could not be read: {current.error.message}
        </Alert>
      )}
      <Paper variant="outlined" sx={{ p: { xs: 1.5, sm: 2 } }}>
        <AdminsOnly allowed={!disabled} />
        <Box sx={{ display: 'flex', gap: 1.5, alignItems: 'flex-start', flexWrap: 'wrap' }}>
          <Box sx={{ flexGrow: 1 }}>
            <FileChooser id="client-key-file" label="Choose key file" accept=".der,.key,.pub,application/octet-stream" file={file} onChange={(f) => void choose(f)} problem={problem} disabled={disabled} />
          </Box>
          <Button variant="contained" startIcon={<Icon>upload</Icon>} onClick={() => void upload()} disabled={disabled || outcome.state === 'sending' || problem !== null}>
            Upload
          </Button>
        </Box>
        <Typography variant="body2" color="text.secondary" sx={{ mt: 2 }}>
          The file must be the key itself in DER (binary), at most 4 KB; an uploaded key replaces the one before. A PEM file, starting with <Box component="code" sx={{ whiteSpace: 'nowrap' }}>-----BEGIN</Box>, is
          refused: convert it with <code>openssl rsa -pubin -in client.pem -outform DER -out client.der</code>.
        </Typography>
        <OperationOutcome outcome={outcome} />
      </Paper>
    </Box>
  );
}
