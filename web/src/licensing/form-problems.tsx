import { useState } from 'react';
import { Alert, AlertTitle, Box } from '@mui/material';
import { ApiError } from '../api/client.js';

/** What is wrong with a form's fields, by field path (`lineItems.0.productId`). */
export type Problems = Record<string, string>;

/** The fields a refusal named, by path, so each shows on its own field. */
export function problemsOf(error: unknown): Problems {
  const problems: Problems = {};
  // The edge names body fields `body.x` and the catalog `x`: both mark the form's field `x`.
  if (error instanceof ApiError) for (const d of error.details) problems[d.field.replace(/^body\./, '')] ??= d.message;
  return problems;
}

/** Text field props for one field path: marked and explained when it has a problem. */
export function fieldProblem(problems: Problems, field: string): { error: boolean; helperText?: string } {
  const message = problems[field];
  return message === undefined ? { error: false } : { error: true, helperText: message };
}

/**
 * A form's draft with a list of lines (`features`, `lineItems`), and the problems marked on its
 * fields. A field edited is no longer marked: what is wrong with it is checked again on sending.
 */
export function useDraft<D extends object, L extends keyof D & string>(initial: D, list: L) {
  type Line = D[L] extends ReadonlyArray<infer I> ? I : never;
  const [draft, setDraft] = useState<D>(initial);
  const [problems, setProblems] = useState<Problems>({});
  const forget = (paths: string[]) => setProblems((p) => Object.fromEntries(Object.entries(p).filter(([k]) => !paths.some((q) => k === q || k.startsWith(`${q}.`)))));
  return {
    draft,
    setDraft,
    problems,
    setProblems,
    set: (change: Partial<D>) => {
      setDraft((d) => ({ ...d, ...change }));
      forget(Object.keys(change));
    },
    setLine: (i: number, change: Partial<Line>) => {
      setDraft((d) => ({ ...d, [list]: (d[list] as Line[]).map((line, j) => (j === i ? Object.assign<object, Line, Partial<Line>>({}, line, change) : line)) }));
      forget(Object.keys(change).map((k) => `${list}.${i}.${k}`));
    },
    field: (path: string) => fieldProblem(problems, path),
    /**
     * Sends the draft when the form's own checks find nothing; marks what they found, or what
     * the server refused, on the fields. `refused` says why nothing was sent.
     */
    submit: async (check: (draft: D) => Problems, send: (draft: D) => Promise<void>, refused: () => void) => {
      const found = check(draft);
      setProblems(found);
      if (Object.keys(found).length > 0) {
        refused();
        return;
      }
      try {
        await send(draft);
      } catch (e) {
        setProblems(problemsOf(e));
      }
    },
  };
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
