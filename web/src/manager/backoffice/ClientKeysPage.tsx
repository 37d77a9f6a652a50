import { useState } from 'react';
import { Box, Button, Icon, Paper, Typography } from '@mui/material';
import { apiJson } from '../../api/client.js';
import { useFeedback } from '../../components/feedback.js';
import { FileChooser } from './FileChooser.js';
import { AdminsOnly, BACK_OFFICE_ROUTES, BackOfficeHeading, OperationOutcome, useBackOfficeOperation } from './back-office-request.js';
import { clientKeyProblem } from './client-key.js';

/** The Client Key Operations view: upload the client-side RSA public key the producer asks for. */
export default function ClientKeysPage() {
  const { outcome, run, allowed } = useBackOfficeOperation();
  const feedback = useFeedback();
  const [file, setFile] = useState<File | null>(null);
  const [bytes, setBytes] = useState<Uint8Array | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const route = BACK_OFFICE_ROUTES.clientKey;
  const disabled = !allowed(route);

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
      (path) => apiJson<unknown>(path, { method: 'PUT', headers: { 'content-type': 'application/octet-stream' }, body: file }),
      () => `Uploaded the client public key ${file.name}.`,
    );
  };

  return (
    <Box sx={{ maxWidth: 900 }}>
      <BackOfficeHeading title="Client Key Operations">
        Upload the client-side RSA public key (2048-bit, DER-encoded) your producer asks for; the producer says how to obtain it.
      </BackOfficeHeading>
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
          The file must be the key itself in DER (binary), at most 4 KB. A PEM file, starting with -----BEGIN, is refused.
        </Typography>
        <OperationOutcome outcome={outcome} />
      </Paper>
    </Box>
  );
}
