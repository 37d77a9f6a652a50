import type { HealthBody } from '../../../../src/server/http/health/routes.js';
import type { Connection } from '../connection.js';
import { describeTarget, targetOf } from '../connection.js';

/** The Settings form as typed: the port stays text until it is checked. */
export interface ConnectionDraft extends Omit<Connection, 'port'> {
  port: string;
}

export type DraftErrors = Partial<Record<'host' | 'port' | 'instanceId', string>>;

export const draftOf = (c: Connection): ConnectionDraft => ({ ...c, port: String(c.port) });

/** What is wrong with each field, as the form shows it next to the field. */
export function draftErrors(d: ConnectionDraft): DraftErrors {
  const errors: DraftErrors = {};
  const host = d.host.trim();
  if (!host) errors.host = 'Enter the host name or address of the server.';
  else if (/[\s/?#@]/.test(host)) errors.host = 'Enter only a host name or address, without a scheme, port or path (such as licenses.example.com).';
  if (d.kind === 'local') {
    const port = Number(d.port);
    if (!/^\d+$/.test(d.port.trim()) || port < 1 || port > 65_535) errors.port = 'Enter a port from 1 to 65535 (a license server listens on 7070 unless told otherwise).';
  } else if (!d.instanceId.trim()) {
    errors.instanceId = 'Enter the ID of the cloud instance (your producer gives it).';
  }
  return errors;
}

/** The connection a valid draft stands for; a cloud instance is always reached over HTTPS. */
export function connectionOf(d: ConnectionDraft): Connection {
  return { ...d, host: d.host.trim(), instanceId: d.instanceId.trim(), port: Number(d.port), https: d.kind === 'cloud' ? true : d.https };
}

/**
 * What a connection test found: the server reached, or what failed and where. A cloud instance
 * shows its health to its users only: reached, it answers 401 before a login (`health` null).
 */
export type ConnectionTest = { ok: true; url: string; health: HealthBody | null } | { ok: false; url: string; problem: string };

/** Calls health on a connection not saved yet (public: no session is sent). */
export async function testConnection(c: Connection): Promise<ConnectionTest> {
  const url = `${describeTarget(c)}/health`;
  const crossOrigin = targetOf(c).origin !== '';
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(8000) });
  } catch (err) {
    const timedOut = err instanceof DOMException && err.name === 'TimeoutError';
    const why = timedOut ? 'no answer within 8 seconds' : 'no answer (the server is down, the address or port is wrong, or the browser refused the answer)';
    const cors = crossOrigin ? ` A server other than the one that served this page must also list ${window.location.origin} in its security.corsOrigins property.` : '';
    return { ok: false, url, problem: `${why}.${cors}` };
  }
  if (c.kind === 'cloud' && res.status === 401) return { ok: true, url, health: null };
  if (!res.ok) return { ok: false, url, problem: `it answered ${res.status} ${res.statusText}: is this a Tally license server, and is the instance ID right?` };
  try {
    return { ok: true, url, health: (await res.json()) as HealthBody };
  } catch {
    return { ok: false, url, problem: 'its answer is not a Tally health report: is this a Tally license server?' };
  }
}
