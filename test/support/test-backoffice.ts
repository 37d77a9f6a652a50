import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../../src/common/config.js';
import { createLogger } from '../../src/common/log.js';
import type { RunningBackoffice } from '../../src/backoffice/main.js';
import { startBackoffice } from '../../src/backoffice/main.js';
import { adminLogin, callJson } from './test-server.js';

export interface TestBackoffice extends RunningBackoffice {
  dataDir: string;
  /** An admin bearer token (the one-time password is replaced on first use). */
  adminToken(): Promise<string>;
  /** Registers an account (if new) and an instance; answers the instance ID and credential. */
  register(accountId: string, instanceId?: string): Promise<{ instanceId: string; credential: string }>;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
  /** GET as the admin (logging in on first use). */
  adminGet(path: string): Promise<{ status: number; body: any }>;
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** A real back office on 127.0.0.1, in a fresh data folder unless one is given. */
export async function startTestBackoffice(options: { dataDir?: string; port?: number } = {}): Promise<TestBackoffice> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'tally-bo-'));
  const settings = loadSettings({ env: {}, overrides: { 'backoffice.host': '127.0.0.1', 'backoffice.port': options.port ?? 0, 'backoffice.dataDir': dataDir, 'log.level': 'silent' } });
  let oneTime = '';
  const running = await startBackoffice({
    settings,
    log: createLogger('silent'),
    announce: (text) => {
      oneTime = /one-time password: (\S+)/.exec(text)?.[1] ?? oneTime;
    },
  });
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => callJson(running.url, method, path, body, headers);
  let token: string | undefined;
  const adminToken = async () => {
    token ??= await adminLogin(running.url, oneTime);
    return token;
  };
  return {
    ...running,
    dataDir,
    adminToken,
    call,
    adminGet: async (path) => call('GET', path, undefined, { authorization: `Bearer ${await adminToken()}` }),
    async register(accountId, instanceId) {
      const auth = { authorization: `Bearer ${await adminToken()}` };
      await call('POST', '/api/1.0/backoffice/accounts', { id: accountId, name: `Account ${accountId}` }, auth);
      const res = await call('POST', '/api/1.0/backoffice/instances', { accountId, name: `server of ${accountId}`, ...(instanceId ? { id: instanceId } : {}) }, auth);
      if (res.status !== 201) throw new Error(`instance registration failed: ${JSON.stringify(res.body)}`);
      return { instanceId: res.body.instance.id as string, credential: res.body.credential as string };
    },
    async stop(stopOptions = {}) {
      await running.close();
      if (!options.dataDir && !stopOptions.keepData) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
