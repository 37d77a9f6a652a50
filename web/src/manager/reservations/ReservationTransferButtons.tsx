import { useRef, useState } from 'react';
import { Alert, Button, Icon } from '@mui/material';
import { ApiError } from '../../api/client.js';
import { useFeedback } from '../../components/feedback.js';
import { exportGroups, useImportGroups } from './hooks.js';

/** Import: a JSON file of one group or a list (the export's shape), added all or nothing; the API's refusal is shown with its field paths. */
export function ReservationImportButton({ disabled, onRefused }: { disabled: boolean; onRefused: (error: { message: string; details: Array<{ field: string; message: string }> } | null) => void }) {
  const file = useRef<HTMLInputElement>(null);
  const importGroups = useImportGroups();
  const feedback = useFeedback();
  const onFile = async (f: File | undefined) => {
    if (!f) return;
    const text = await f.text();
    try {
      JSON.parse(text);
    } catch {
      onRefused({ message: `${f.name} is not JSON: import takes the file Export writes.`, details: [] });
      feedback.notify(`Nothing was imported: ${f.name} is not JSON.`, 'error');
      return;
    }
    try {
      const { groups } = await importGroups.mutateAsync(text);
      onRefused(null);
      feedback.notify(`Imported ${groups.length} reservation ${groups.length === 1 ? 'group' : 'groups'} from ${f.name}: ${groups.map((g) => g.name).join(', ')}.`);
    } catch (error) {
      const refusal = error instanceof ApiError ? { message: error.status === 403 ? `Access denied. ${error.message}` : error.message, details: error.details } : { message: String(error), details: [] };
      onRefused(refusal);
      feedback.notify(`Nothing was imported from ${f.name}.`, 'error');
    }
  };
  return (
    <>
      <input ref={file} type="file" accept=".json,application/json" hidden aria-label="Reservations JSON file" onChange={(e) => { void onFile(e.target.files?.[0]); e.target.value = ''; }} />
      <Button variant="outlined" startIcon={<Icon aria-hidden>file_upload</Icon>} disabled={disabled || importGroups.isPending} onClick={() => file.current?.click()}>
        Import…
      </Button>
    </>
  );
}

/** Export: every group as reservations.json, the file Import and the API take back. */
export function ReservationExportButton() {
  const feedback = useFeedback();
  const [busy, setBusy] = useState(false);
  const onExport = async () => {
    setBusy(true);
    try {
      const { text, groups } = await exportGroups();
      const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = 'reservations.json';
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      feedback.notify(`Exported ${groups} reservation ${groups === 1 ? 'group' : 'groups'} to reservations.json.`);
    } catch (error) {
      feedback.notify(`Could not export: ${error instanceof Error ? error.message : String(error)}`, 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button variant="outlined" startIcon={<Icon aria-hidden>file_download</Icon>} disabled={busy} onClick={() => void onExport()}>
      Export
    </Button>
  );
}

/** What the API said about an import, field by field. */
export function ImportRefusal({ refusal, onClose }: { refusal: { message: string; details: Array<{ field: string; message: string }> }; onClose: () => void }) {
  return (
    <Alert severity="error" onClose={onClose} data-testid="import-refused">
      Nothing was imported. {refusal.message}
      {refusal.details.length > 0 && (
        <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
          {refusal.details.map((d, i) => (
            <li key={i}>
              <code>{d.field}</code>: {d.message}
            </li>
          ))}
        </ul>
      )}
    </Alert>
  );
}
