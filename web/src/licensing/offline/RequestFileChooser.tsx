import { Box, Button, FormHelperText, Typography } from '@mui/material';

/** Choose file for a request file: a button over the browser's file input, the file chosen, and what is wrong with it. */
export function RequestFileChooser({ file, onChange, problem, disabled }: { file: File | null; onChange: (file: File | null) => void; problem: string | null; disabled: boolean }) {
  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5, flexWrap: 'wrap' }}>
        <Button component="label" variant="outlined" disabled={disabled}>
          Choose request file
          <input
            type="file"
            hidden
            accept=".json,application/json,application/octet-stream"
            aria-label="Choose request file"
            aria-describedby={problem ? 'request-file-problem' : undefined}
            onChange={(e) => {
              onChange(e.target.files?.[0] ?? null);
              // Choosing the same file again (a second try) must still be noticed.
              e.target.value = '';
            }}
          />
        </Button>
        <Typography variant="body2" color={file ? 'text.primary' : 'text.secondary'} data-testid="request-file-name" sx={{ wordBreak: 'break-all' }}>
          {file ? `${file.name} (${file.size.toLocaleString()} bytes)` : 'No file chosen'}
        </Typography>
      </Box>
      {problem && (
        <FormHelperText error id="request-file-problem" role="alert">
          {problem}
        </FormHelperText>
      )}
    </Box>
  );
}
