import { Alert, AlertTitle, Box } from '@mui/material';
import { ApiError } from '../api/client.js';

/** What is wrong with a form's fields, by field path (`lineItems.0.productId`). */
export type Problems = Record<string, string>;

/** The fields a refusal named, by path, so each shows on its own field. */
export function problemsOf(error: unknown): Problems {
  const problems: Problems = {};
  if (error instanceof ApiError) for (const d of error.details) problems[d.field] ??= d.message;
  return problems;
}

/** Text field props for one field path: marked and explained when it has a problem. */
export function fieldProblem(problems: Problems, field: string): { error: boolean; helperText?: string } {
  const message = problems[field];
  return message === undefined ? { error: false } : { error: true, helperText: message };
}

/**
 * Why a form was not accepted: the server's message, and every detail it gave, so that a
 * problem with a field the form does not show still reads as something to correct.
 */
export function FormRefusal({ error, title }: { error: unknown; title: string }) {
  if (!error) return null;
  const details = error instanceof ApiError ? error.details : [];
  return (
    <Alert severity="error" data-testid="form-refusal" role="alert">
      <AlertTitle>{title}</AlertTitle>
      {error instanceof Error ? error.message : 'The request failed.'}
      {details.length > 0 && (
        <Box component="ul" sx={{ m: 0, mt: 0.5, pl: 2.5 }}>
          {details.map((d) => (
            <li key={`${d.field}:${d.message}`}>
              <code>{d.field}</code> {d.message}
            </li>
          ))}
        </Box>
      )}
    </Alert>
  );
}
