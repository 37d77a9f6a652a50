import type { ErrorBody } from '../../../src/common/errors.js';
import type { SessionBody } from '../../../src/http/users-routes.js';

/**
 * The server an app talks to: its origin ('' for the one that served the page) and the
 * instance (`~` for a local license server or the back office itself, an ID for a cloud
 * instance the back office hosts). `name` is how messages call it.
 */
export interface ApiTarget {
  origin: string;
  instance: string;
  name: string;
}

let target: ApiTarget = { origin: '', instance: '~', name: 'The server' };

export function setApiTarget(next: ApiTarget): void {
  target = next;
}

export function apiTarget(): ApiTarget {
  return target;
}

/** `/api/1.0/instances/<instance><path>` of the current target. */
export function instancePath(path = ''): string {
  return `/api/1.0/instances/${encodeURIComponent(target.instance)}${path}`;
}

/** The full URL of an API path on the current target. */
export function apiUrl(path: string): string {
  return `${target.origin}${path}`;
}

/** An API refusal or a failed request, with text a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The fields the API named, with what is wrong with each. */
    readonly details: Array<{ field: string; message: string }> = [],
  ) {
    super(message);
  }
}

// A session belongs to one server: pointing the app elsewhere must not send it there.
const sessionKey = () => `tally.session:${target.origin}:${target.instance}`;

/** The session kept for this browser tab (a tab closed is a session forgotten). */
export function storedSession(): SessionBody | null {
  const text = sessionStorage.getItem(sessionKey());
  return text ? (JSON.parse(text) as SessionBody) : null;
}

export function storeSession(session: SessionBody | null): void {
  if (session) sessionStorage.setItem(sessionKey(), JSON.stringify(session));
  else sessionStorage.removeItem(sessionKey());
}

let onUnauthorized: (token: string) => void = () => undefined;
/** What to do when the server says the session of `token` is over (expired or logged out elsewhere). */
export function setUnauthorizedHandler(handler: (token: string) => void): void {
  onUnauthorized = handler;
}

/** Calls the API with the session's bearer token; throws ApiError on refusal. */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const session = storedSession();
  const headers = new Headers(init.headers);
  if (session) headers.set('authorization', `Bearer ${session.token}`);
  if (init.body !== undefined && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const url = apiUrl(path);
  let res: Response;
  try {
    res = await fetch(url, { ...init, headers });
  } catch {
    throw new ApiError(0, 'NETWORK', `${target.name} cannot be reached at ${target.origin || window.location.origin}. Check that it is running and your network is up, then retry.`);
  }
  if (res.ok) return res;
  let body: ErrorBody | null = null;
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    // Not the API's error shape (a proxy's page, say): the status says enough.
  }
  if (res.status === 401 && session) onUnauthorized(session.token);
  throw new ApiError(
    res.status,
    body?.error?.code ?? `HTTP_${res.status}`,
    body?.error?.message ?? `${target.name} answered ${res.status} ${res.statusText}.`,
    body?.error?.details ?? [],
  );
}

/** GET or POST JSON. */
export async function apiJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await apiFetch(path, init);
  return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
}
