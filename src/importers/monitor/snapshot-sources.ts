import { spawn } from 'node:child_process';
import { tallyVersion } from '../imported-event.js';
import { parseLmstat } from '../lmstat/lmstat-output.js';
import type { SnapshotCheckout, UsageSnapshot } from '../usage-snapshot.js';
import type { WallClock } from '../wall-clock.js';

/** Most output a status command may print: lmstat of a large server is a few MB. */
const MAX_OUTPUT_BYTES = 64 << 20;

/** Where a monitor reads a license server's status from. */
export type SnapshotSource = (now: number) => Promise<UsageSnapshot>;

/**
 * Runs a status command (`lmutil lmstat -a -c port@host`) through the shell and reads its
 * output as lmstat. A command that fails, times out or prints no usage is an unanswered poll.
 */
export function commandSource(command: string, clock: WallClock, timeoutMs: number): SnapshotSource {
  return async (now) => {
    const output = await runCommand(command, timeoutMs);
    const snapshot = parseLmstat(output.stdout, clock);
    // The poll's own time, to the millisecond; lmstat's header has minutes only.
    snapshot.takenAt = now;
    if (output.code !== 0 && snapshot.features.length === 0) snapshot.problems.unshift(`the command exited with status ${output.code}${output.stderr ? `: ${output.stderr.trim().split('\n')[0]}` : ''}`);
    snapshot.complete = snapshot.problems.length === 0;
    return snapshot;
  };
}

function runCommand(command: string, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_OUTPUT_BYTES) out.push(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      if (err.length < 64) err.push(c);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal) reject(new Error(`the command was stopped by ${signal} (timeout ${timeoutMs} ms?)`));
      else resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

interface Page<T> {
  items?: T[];
}

/**
 * Polls a license server's REST API: a Tally server (`/features`, `/devices`, one device's
 * holdings) or a FlexNet Embedded style one (`/features`, `/clients`), both under
 * `/api/1.0/instances/~`. A server that does not answer, or answers an error, is an unanswered poll.
 */
export function restSource(baseUrl: string, token: string | null, timeoutMs: number): SnapshotSource {
  const base = `${baseUrl.replace(/\/+$/, '')}/api/1.0/instances/~`;
  const get = async <T>(path: string, allowMissing = false): Promise<T | null> => {
    const res = await fetch(base + path, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(timeoutMs) });
    if (allowMissing && res.status === 404) return null;
    if (!res.ok) throw new Error(`GET ${path} answered ${res.status}`);
    return (await res.json()) as T;
  };
  return async (now) => {
    const features = await get<Page<RestFeature> | RestFeature[]>('/features?pageSize=1000');
    const snapshot: UsageSnapshot = { takenAt: now, complete: true, problems: [], features: [], checkouts: [] };
    const byName = new Map<string, UsageSnapshot['features'][number]>();
    for (const f of items(features)) {
      const name = f.feature ?? f.featureName ?? f.name;
      if (!name) continue;
      let entry = byName.get(name);
      if (!entry) {
        entry = { daemon: 'rest', feature: name, issued: 0, inUse: 0, queued: 0, reserved: 0 };
        byName.set(name, entry);
        snapshot.features.push(entry);
      }
      if (f.counted === false || f.uncounted === true) entry.issued = null;
      else if (entry.issued !== null) entry.issued += Number(f.count ?? 0);
      entry.inUse += Number(f.used ?? f.inUse ?? 0);
    }
    const devices = await get<Page<RestDevice> | RestDevice[]>('/devices?holding=true&pageSize=1000', true);
    if (devices) {
      for (const d of items(devices)) {
        const detail = await get<RestDevice>(`/devices/${encodeURIComponent(d.deviceIdType ?? 'STRING')}/${encodeURIComponent(d.deviceId ?? '')}`, true);
        if (detail) addHoldings(snapshot.checkouts, detail, detail.consumedFeatures ?? []);
      }
    } else {
      const clients = await get<Page<RestDevice> | RestDevice[]>('/clients?pageSize=1000');
      for (const c of items(clients)) addHoldings(snapshot.checkouts, c, c.features ?? c.consumedFeatures ?? []);
    }
    return snapshot;
  };
}

interface RestFeature {
  feature?: string;
  featureName?: string;
  name?: string;
  // Other servers' JSON: numbers may come as text.
  count?: number | string;
  used?: number | string;
  inUse?: number | string;
  counted?: boolean;
  uncounted?: boolean;
}

interface RestHolding {
  feature?: string;
  featureName?: string;
  name?: string;
  version?: string;
  featureVersion?: string;
  count?: number | string;
  grantedAt?: string;
  recordId?: string;
}

interface RestDevice {
  deviceId?: string;
  deviceIdType?: string;
  hostId?: string | { value?: string; type?: string };
  alias?: string | null;
  hostName?: string | null;
  user?: string | null;
  consumedFeatures?: RestHolding[];
  features?: RestHolding[];
}

function items<T>(page: Page<T> | T[] | null): T[] {
  if (!page) return [];
  return Array.isArray(page) ? page : (page.items ?? []);
}

function addHoldings(out: SnapshotCheckout[], device: RestDevice, holdings: RestHolding[]): void {
  const hostId = typeof device.hostId === 'object' ? device.hostId.value : device.hostId;
  const id = device.deviceId ?? hostId ?? 'unknown';
  for (const h of holdings) {
    const feature = h.feature ?? h.featureName ?? h.name;
    if (!feature) continue;
    const since = h.grantedAt ? Date.parse(h.grantedAt) : NaN;
    out.push({
      key: `${device.deviceIdType ?? ''}:${id} ${feature} ${h.recordId ?? ''} ${h.grantedAt ?? ''}`,
      daemon: 'rest',
      feature,
      version: tallyVersion(h.version ?? h.featureVersion),
      user: device.user ?? null,
      host: device.alias ?? device.hostName ?? id,
      count: Number(h.count ?? 1),
      since: Number.isFinite(since) ? since : null,
    });
  }
}
