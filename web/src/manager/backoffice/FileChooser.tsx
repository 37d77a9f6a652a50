import { Box, Button, FormHelperText, Icon, Typography } from '@mui/material';

export interface FileChooserProps {
  /** Names the button and the input: "Choose the key file". */
  label: string;
  accept?: string;
  file: File | null;
  onChange: (file: File | null) => void;
  /** What is wrong with the file chosen, shown next to it. */
  problem?: string | null;
  disabled?: boolean;
  id: string;
}

/** The guide's Choose File: a button over the browser's file input, with the file chosen and what is wrong with it. */
export function FileChooser({ label, accept, file, onChange, problem, disabled, id }: FileChooserProps) {
  return (
    <Box>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1.5, flexWrap: 'wrap' }}>
        <Button component="label" variant="outlined" startIcon={<Icon>attach_file</Icon>} disabled={disabled}>
          {label}
          <input
            id={id}
            type="file"
            hidden
            accept={accept}
            aria-label={label}
            aria-describedby={problem ? `${id}-problem` : undefined}
            onChange={(e) => {
              onChange(e.target.files?.[0] ?? null);
              // Choosing the same file again must still be noticed.
              e.target.value = '';
            }}
          />
        </Button>
        <Typography variant="body2" color={file ? 'text.primary' : 'text.secondary'} data-testid={`${id}-name`} sx={{ wordBreak: 'break-all' }}>
          {file ? `${file.name} (${file.size.toLocaleString()} bytes)` : 'No file chosen'}
        </Typography>
      </Box>
      {problem && (
        <FormHelperText error id={`${id}-problem`} role="alert" data-testid={`${id}-problem`}>
          {problem}
        </FormHelperText>
      )}
    </Box>
  );
}
