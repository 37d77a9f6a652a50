import { TextField } from '@mui/material';

export interface PasswordFieldProps {
  label: string;
  name: string;
  autoComplete: 'current-password' | 'new-password';
  value: string;
  onChange: (value: string) => void;
  /** What is wrong with it, shown under the field (null or undefined: nothing). */
  problem?: string | null | undefined;
}

/** A required password input with its problem under it: the login and the reset page use the same one. */
export function PasswordField({ label, name, autoComplete, value, onChange, problem }: PasswordFieldProps) {
  return (
    <TextField
      label={label}
      name={name}
      type="password"
      autoComplete={autoComplete}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      required
      error={!!problem}
      helperText={problem || undefined}
    />
  );
}
