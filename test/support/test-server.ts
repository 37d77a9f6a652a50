import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Settings } from '../../src/common/config.js';
import { loadSettings } from '../../src/common/config.js';
import { createLogger } from '../../src/common/log.js';
import type { Clock } from '../../src/common/time.js';
import type { ProducerKeyPair } from '../../src/licensing/license-file.js';
import { generateProducerKeys, signLicense } from '../../src/licensing/license-file.js';
import type { RunningServer } from '../../src/server/main.js';
import { startLicenseServer } from '../../src/server/main.js';

export interface TestServer extends RunningServer {
  dataDir: string;
  keys: ProducerKeyPair;
  adminPassword: string;
  /** Signs a features document with this server's producer key. */
  sign(doc: unknown, options?: { now?: number; validFor?: number }): ReturnType<typeof signLicense>;
  /** A bearer token of the admin user. */
  adminToken(): Promise<string>;
  /** Creates a user with a role, sets its password, and returns its bearer token. */
  userToken(name: string, role: 'admin' | 'read-only' | 'reservations'): Promise<string>;
  /** POST JSON and parse the JSON answer. */
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  get(path: string, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  /** Collect the server's log lines (parsed JSON) here. */
  logLines?: Array<Record<string, unknown>>;
  features?: unknown;
  settings?: Record<string, unknown>;
  clock?: Clock;
  dataDir?: string;
  keys?: ProducerKeyPair;
}

/** A real license server on 127.0.0.1 and a free port, in a fresh data folder. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tally-test-'));
  const keys = options.keys ?? generateProducerKeys();
  const pubFile = join(dataDir, 'producer.pub');
  writeFileSync(pubFile, keys.publicKeyPem);
  let adminPassword = '';
  let running: RunningServer;
  try {
    const settings: Settings = loadSettings({
      env: {},
      overrides: {
        'server.host': '127.0.0.1',
        'server.port': 0,
        'server.dataDir': dataDir,
        'producer.publicKeyFile': pubFile,
        'storage.synchronous': 'NORMAL',
        'log.level': options.logLines ? 'info' : 'silent',
        ...options.settings,
      },
    });
    running = await startLicenseServer({
      settings,
      ...(options.clock ? { clock: options.clock } : {}),
      log: options.logLines
        ? createLogger('info', { write: (line: string) => void options.logLines!.push(JSON.parse(line) as Record<string, unknown>) })
        : createLogger('silent'),
      announce: (text) => {
        adminPassword = /one-time password: (\S+)/.exec(text)?.[1] ?? adminPassword;
      },
    });
  } catch (error) {
    // A server that failed to start leaves no folder behind.
    if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const sign = (doc: unknown, o: { now?: number; validFor?: number } = {}) =>
    signLicense(doc, keys.privateKeyPem, { now: o.now ?? options.clock?.now() ?? Date.now(), ...(o.validFor ? { validFor: o.validFor } : {}) });
  const request = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => callJson(running.url, method, path, body, headers);
  let token: string | undefined;
  const server: TestServer = {
    ...running,
    dataDir,
    keys,
    adminPassword,
    sign,
    post: (path, body, headers) => request('POST', path, body, headers),
    get: (path, headers) => request('GET', path, undefined, headers),
    call: (method, path, body, headers) => request(method, path, body, headers),
    async adminToken() {
      // A cached token may have idled out when a test moved the clock: log in again then.
      if (token && (await request('GET', '/api/1.0/instances/~/users?pageSize=1', undefined, { authorization: `Bearer ${token}` })).status === 200) return token;
      // After a restart on an existing data folder there is no one-time password: the admin's is set.
      token = await adminLogin(running.url, token ? '' : adminPassword);
      return token;
    },
    async userToken(name, role) {
      const auth = { authorization: `Bearer ${await this.adminToken()}` };
      const created = await request('POST', '/api/1.0/instances/~/users', { name, role }, auth);
      if (created.status !== 201) throw new Error(`user creation failed: ${JSON.stringify(created.body)}`);
      const res = await request('POST', '/api/1.0/instances/~/reset-password', { user: name, currentPassword: created.body.oneTimePassword, newPassword: ADMIN_PASSWORD });
      if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
      return res.body.token as string;
    },
    async stop() {
      await running.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (options.features) {
    const res = await server.post('/api/1.0/instances/~/licenses', sign(options.features), { authorization: `Bearer ${await server.adminToken()}` });
    if (res.status !== 200) throw new Error(`license load failed: ${JSON.stringify(res.body)}`);
  }
  return server;
}

/**
 * Logs the admin of the server or back office at `url` in: the one-time password, if given, is
 * replaced by ADMIN_PASSWORD (as the first login must); without one, ADMIN_PASSWORD is the password.
 */
export async function adminLogin(url: string, oneTimePassword: string): Promise<string> {
  const res = oneTimePassword
    ? await callJson(url, 'POST', '/api/1.0/instances/~/reset-password', { user: 'admin', currentPassword: oneTimePassword, newPassword: ADMIN_PASSWORD })
    : await callJson(url, 'POST', '/api/1.0/instances/~/authorize', { user: 'admin', password: ADMIN_PASSWORD });
  if (res.status !== 200) throw new Error(`login failed: ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

/** Sends `body` as JSON (a string as it is) and parses the JSON answer, if there is one. */
export async function callJson(url: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(url + path, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A capability request body for a STRING hostid. */
export function capability(device: string, features: Array<{ name: string; version?: string; count: number }>, extra: Record<string, unknown> = {}) {
  return {
    device: { hostId: { value: device, type: 'STRING' } },
    features: features.map((f) => ({ name: f.name, version: f.version ?? '1.0', count: f.count })),
    ...extra,
  };
}

export const CAPABILITY = '/api/1.0/instances/~/capability';

/** The password test servers' admin sets at its first login. */
export const ADMIN_PASSWORD = 'correct horse battery staple';
