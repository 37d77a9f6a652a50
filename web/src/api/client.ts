import type { ErrorBody } from '../../../src/common/errors.js';
import type { SessionBody } from '../../../src/http/users-routes.js';

const TOKEN_KEY = 'tally.session';

/** An API refusal or a failed request, with text a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The session kept for this browser tab (a tab closed is a session forgotten). */
export function storedSession(): SessionBody | null {
  const text = sessionStorage.getItem(TOKEN_KEY);
  return text ? (JSON.parse(text) as SessionBody) : null;
}

export function storeSession(session: SessionBody | null): void {
  if (session) sessionStorage.setItem(TOKEN_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(TOKEN_KEY);
}

let onUnauthorized: () => void = () => undefined;
/** What to do when the server says the session is over (expired or logged out elsewhere). */
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

/** Calls the back office API with the session's bearer token; throws ApiError on refusal. */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const session = storedSession();
  const headers = new Headers(init.headers);
  if (session) headers.set('authorization', `Bearer ${session.token}`);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The back office cannot be reached. Check that it is running and your network is up, then retry.');
  }
  if (res.ok) return res;
  let body: ErrorBody | null = null;
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    // Not the API's error shape (a proxy's page, say): the status says enough.
  }
  if (res.status === 401 && session) onUnauthorized();
  throw new ApiError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? `The back office answered ${res.status} ${res.statusText}.`);
}

/** GET or POST JSON. */
export async function apiJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const res = await apiFetch(path, init);
  return res.status === 204 ? (undefined as T) : ((await res.json()) as T);
}
