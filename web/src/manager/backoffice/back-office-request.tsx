import { useState } from 'react';
import type { ReactNode } from 'react';
import { Alert, AlertTitle, Box, Typography } from '@mui/material';
import { useAuth } from '../../api/auth.js';
import { ApiError, instancePath } from '../../api/client.js';
import { useFeedback } from '../../components/feedback.js';

/** A back office operation: the route of the license server that performs it, and what it is called. */
export interface BackOfficeRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Under the instance: `/activations`. */
  path: string;
  /** "online activation", for the messages. */
  what: string;
  /** Whether it brings licenses, which a signed license file can bring meanwhile. */
  licenses: boolean;
}

export const BACK_OFFICE_ROUTES = {
  activate: { licenses: true, method: 'POST', path: '/activations', what: 'online activation through a back office' },
  poll: { licenses: true, method: 'POST', path: '/capability-poll', what: 'license updates from a back office' },
  capabilityRequest: { licenses: true, method: 'GET', path: '/offline/capability-request', what: 'offline capability requests' },
  activationRequest: { licenses: true, method: 'POST', path: '/offline/activation-request', what: 'offline activation requests' },
  offlineResponse: { licenses: true, method: 'POST', path: '/offline/response', what: 'offline responses from a back office' },
  clientKey: { licenses: false, method: 'PUT', path: '/client-key', what: 'client key upload' },
  removeClientKey: { licenses: false, method: 'DELETE', path: '/client-key', what: 'client key removal' },
} as const satisfies Record<string, BackOfficeRoute>;

/** What came of the last attempt. */
export type Outcome =
  | { state: 'idle' }
  | { state: 'sending' }
  | { state: 'done'; text: string }
  | { state: 'not-offered'; route: BackOfficeRoute }
  | { state: 'failed'; text: string; denied: boolean };

/** The server answers 404 "No route …" for a route it does not have, unlike a 404 about a thing the route looked for. */
export function isMissingRoute(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404 && /^No route /.test(error.message);
}

/**
 * Runs back office operations and keeps what came of the last one. Only administrators may run
 * them (the guide's rule); the session cannot say so yet, because it lists only the routes the
 * server has.
 */
export function useBackOfficeOperation() {
  const auth = useAuth();
  const feedback = useFeedback();
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });
  const allowed = (route: BackOfficeRoute) => auth.may(route.method, instancePath(route.path)) || auth.session?.role === 'admin';

  async function run<T>(route: BackOfficeRoute, send: (path: string) => Promise<T>, done: (answer: T) => string): Promise<void> {
    setOutcome({ state: 'sending' });
    try {
      const text = done(await send(instancePath(route.path)));
      setOutcome({ state: 'done', text });
      feedback.notify(text);
    } catch (e) {
      if (isMissingRoute(e)) {
        setOutcome({ state: 'not-offered', route });
        feedback.notify(`Nothing was sent: this server does not offer ${route.what} yet.`, 'info');
        return;
      }
      const denied = e instanceof ApiError && e.status === 403;
      const text = e instanceof Error ? e.message : String(e);
      setOutcome({ state: 'failed', text, denied });
      feedback.notify(denied ? `Access denied: ${text}` : text, 'error');
    }
  }

  return { outcome, run, allowed, clear: () => setOutcome({ state: 'idle' }) };
}

/** Says what came of an operation, or that this server does not offer it yet and what to do meanwhile. */
export function OperationOutcome({ outcome }: { outcome: Outcome }) {
  if (outcome.state === 'idle' || outcome.state === 'sending') return null;
  if (outcome.state === 'not-offered') {
    const { route } = outcome;
    return (
      <Alert severity="warning" data-testid="not-offered" sx={{ mt: 2 }}>
        <AlertTitle>This server does not offer {route.what} yet</AlertTitle>
        Nothing was sent. This license server has no route {route.method} {instancePath(route.path)}: back office operations come with a
        later release of Tally.
        {route.licenses && (
          <>
            {' '}Until then, load the signed license files your producer sends you with <code>tally admin licenses load FILE</code>.
          </>
        )}
      </Alert>
    );
  }
  if (outcome.state === 'failed') {
    return (
      <Alert severity={outcome.denied ? 'warning' : 'error'} data-testid={outcome.denied ? 'access-denied' : 'operation-failed'} sx={{ mt: 2 }}>
        {outcome.denied ? 'Access denied. ' : ''}
        {outcome.text}
      </Alert>
    );
  }
  return (
    <Alert severity="success" data-testid="operation-done" sx={{ mt: 2 }}>
      {outcome.text}
    </Alert>
  );
}

/** The notice for a role that may not run back office operations. */
export function AdminsOnly({ allowed }: { allowed: boolean }) {
  if (allowed) return null;
  return (
    <Alert severity="info" sx={{ mb: 2 }} data-testid="admins-only">
      Only an administrator may perform back office operations; the controls are disabled for your role.
    </Alert>
  );
}

/** The heading and introduction of a back office view. */
export function BackOfficeHeading({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Box sx={{ mb: 2 }}>
      <Typography variant="h5" component="h1" gutterBottom>
        {title}
      </Typography>
      <Typography variant="body2" color="text.secondary">
        {children}
      </Typography>
    </Box>
  );
}

/** Saves a response body as a file the administrator carries to the back office. */
export async function saveDownload(res: Response, fallbackName: string): Promise<string> {
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
  return name;
}

/** What is wrong with an activation row, checked before anything is sent. */
export function activationProblems(row: { activationId: string; count: string }): { activationId?: string; count?: string } {
  const problems: { activationId?: string; count?: string } = {};
  if (row.activationId.trim() === '') problems.activationId = 'Enter the activation ID from your welcome email.';
  if (!/^\d+$/.test(row.count.trim()) || Number(row.count) < 1) problems.count = 'The count must be a whole number, at least 1.';
  return problems;
}
