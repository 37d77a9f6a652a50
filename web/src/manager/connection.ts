import { useSyncExternalStore } from 'react';
import type { ApiTarget } from '../api/client.js';
import { setApiTarget } from '../api/client.js';

/** The manager's Settings: which server it manages and how it shows lists. Kept in this browser. */
export interface Connection {
  kind: 'local' | 'cloud';
  /** Host name or address of the license server, or of the back office hosting the instance. */
  host: string;
  /** Listen port of a local license server. */
  port: number;
  /** ID of a cloud instance. */
  instanceId: string;
  https: boolean;
  /** Rows per page of every list. */
  pageSize: number;
}

const KEY = 'tally.manager.connection';
export const PAGE_SIZES = [10, 25, 50, 100, 200] as const;

/** The server that served this page: what a manager opened from a license server manages. */
export function defaultConnection(): Connection {
  const { hostname, port, protocol } = window.location;
  const https = protocol === 'https:';
  // Served by a back office (under /manager): the instances it hosts.
  const cloud = window.location.pathname.startsWith('/manager');
  return { kind: cloud ? 'cloud' : 'local', host: hostname, port: Number(port) || (https ? 443 : 80), instanceId: '', https, pageSize: 50 };
}

let current: Connection = load();
const listeners = new Set<() => void>();
const linked = linkedConnection(current);
if (linked) {
  current = linked;
  localStorage.setItem(KEY, JSON.stringify(linked));
  // Once taken, the link's parameter goes: a reload keeps whatever Settings chooses next.
  const url = new URL(window.location.href);
  url.searchParams.delete('instance');
  window.history.replaceState(window.history.state, '', url.toString());
}

/**
 * The connection a link of the back office asks for (`/manager/?instance=<id>`): that cloud
 * instance of the back office that served the page, so its customer lands on its login.
 */
function linkedConnection(base: Connection): Connection | null {
  const id = new URLSearchParams(window.location.search).get('instance')?.trim();
  if (!id || !window.location.pathname.startsWith('/manager')) return null;
  const { hostname, protocol } = window.location;
  return { ...base, kind: 'cloud', host: hostname, instanceId: id, https: protocol === 'https:' };
}

function load(): Connection {
  try {
    const stored = localStorage.getItem(KEY);
    if (stored) return { ...defaultConnection(), ...(JSON.parse(stored) as Partial<Connection>) };
  } catch {
    // A damaged entry: the defaults again.
  }
  return defaultConnection();
}

/** Where API calls go for a connection: same origin when it is the page's own server. */
export function targetOf(c: Connection): ApiTarget {
  const { host: pageHost, protocol } = window.location;
  if (c.kind === 'cloud') {
    // A cloud instance is always reached over HTTPS, unless it is hosted by the page's own server.
    const origin = c.host === window.location.hostname ? '' : `https://${c.host}`;
    return { origin, instance: c.instanceId || '~', name: `Cloud instance ${c.instanceId || '(none set)'}` };
  }
  const scheme = c.https ? 'https:' : 'http:';
  const hostPort = `${c.host.includes(':') ? `[${c.host}]` : c.host}:${c.port}`;
  const origin = scheme === protocol && hostPort === pageHost ? '' : `${scheme}//${hostPort}`;
  return { origin, instance: '~', name: 'The license server' };
}

/** The address shown to the user: what the manager tries to reach. */
export function describeTarget(c: Connection): string {
  const t = targetOf(c);
  return `${t.origin || window.location.origin}/api/1.0/instances/${t.instance}`;
}

export function saveConnection(next: Connection): void {
  current = next;
  localStorage.setItem(KEY, JSON.stringify(next));
  setApiTarget(targetOf(next));
  for (const l of listeners) l();
}

setApiTarget(targetOf(current));

/** The connection in force; re-renders when Settings saves a new one. */
export function useConnection(): Connection {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => current,
  );
}
