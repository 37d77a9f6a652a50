import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../support/server-process.js';
import { processAdminToken, startServerProcess, writeLicenseFiles } from '../support/server-process.js';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import { runTally } from '../support/tally-cli.js';
import { CAPABILITY, capability } from '../support/test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'tally-monitor-'));

const capture = (time: string, users: string[]) => `lmutil - Copyright (c) 1989-2023 Flexera. All Rights Reserved.
Flexible License Manager status on Tue 1/9/2024 ${time}

License server status: 27000@lic1
    lic1: license server UP (MASTER) v11.19.4

Vendor daemon status (on lic1):

     cadd: UP v11.19.4
Feature usage info:

Users of solid:  (Total of 10 licenses issued;  Total of ${users.length} licenses in use)

  "solid" v2024.0, vendor: cadd
  floating license

${users.map((u) => `    ${u} ${u}-pc /dev/pts/1 (v2024.0) (lic1/27000 ${u.charCodeAt(0)}), start Tue 1/9 9:${u.charCodeAt(0) - 87}`).join('\n')}
`;

describe('monitors in the back office', () => {
  let bo: TestBackoffice;
  let auth: Record<string, string>;
  const api = (method: string, path: string, body?: unknown) => bo.call(method, `/api/1.0/backoffice/monitors${path}`, body, auth);
  const eventsOf = async (instanceId: string) => (await bo.warehouse.events({ instanceId, limit: 100 })).map((e) => `${e.kind} ${e.feature} ${e.user ?? '-'}@${e.deviceAlias} x${e.count} in-use ${e.inUseAfter} ${e.source}`);

  beforeAll(async () => {
    bo = await startTestBackoffice({ dataDir: join(dir, 'backoffice') });
    await bo.register('acme', 'lm-1');
    await bo.register('acme', 'rest-1');
    auth = { authorization: `Bearer ${await bo.adminToken()}` };
  });

  afterAll(async () => {
    await bo.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a status command: the first poll stores who holds what, later polls the differences; a failed poll marks it down and invents no returns', async () => {
    const status = join(dir, 'status.txt');
    writeFileSync(status, capture('10:00', ['ann', 'bob']));
    const added = await api('POST', '', { instanceId: 'lm-1', kind: 'command', command: `cat '${status}'`, intervalSeconds: 3600, timezone: 'UTC' });
    expect(added.status).toBe(201);
    const id = added.body.id as string;
    expect((await api('POST', `/${id}/poll`)).body).toMatchObject({ state: 'up', eventsStored: 2 });
    expect(await eventsOf('lm-1')).toEqual(['checkout solid ann@ann-pc x1 in-use 1 lmstat', 'checkout solid bob@bob-pc x1 in-use 2 lmstat']);

    writeFileSync(status, 'lmutil - Copyright (c) 1989-2023 Flexera.\nFlexible License Manager status on Tue 1/9/2024 10:05\n\nError getting status: Cannot connect to license server system. (-15,570:111 "Connection refused")\n');
    const down = (await api('POST', `/${id}/poll`)).body;
    expect(down).toMatchObject({ state: 'down', eventsStored: 2 });
    expect(down.lastError).toMatch(/Cannot connect/);
    expect(down.lastSeenAt).not.toBeNull();

    writeFileSync(status, capture('10:10', ['bob', 'cyd']));
    expect((await api('POST', `/${id}/poll`)).body).toMatchObject({ state: 'up', downSince: null, eventsStored: 4 });
    // Both at the poll time (cyd's start is before the last good poll): compared without their order.
    expect((await eventsOf('lm-1')).sort()).toEqual([
      'checkout solid ann@ann-pc x1 in-use 1 lmstat',
      'checkout solid bob@bob-pc x1 in-use 2 lmstat',
      'checkout solid cyd@cyd-pc x1 in-use 3 lmstat',
      'return solid ann@ann-pc x1 in-use 2 lmstat',
    ]);
    const listed = await api('GET', '');
    expect(listed.body.items.find((m: any) => m.id === id)).toMatchObject({ kind: 'command', instanceId: 'lm-1', status: { state: 'up' } });
    expect((await api('DELETE', `/${id}`)).status).toBe(204);
    expect((await api('GET', `/${id}`)).status).toBe(404);
  }, 30_000);

  it('refuses a monitor without its command or URL, for an unknown instance, and without an admin login', async () => {
    expect((await api('POST', '', { instanceId: 'lm-1', kind: 'rest' })).body.error.details[0].field).toBe('body.url');
    expect((await api('POST', '', { instanceId: 'nope', kind: 'command', command: 'true' })).status).toBe(404);
    const anonymous = await fetch(`${bo.url}/api/1.0/backoffice/monitors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(anonymous.status).toBe(401);
  });

  it('is added and polled by `tally monitor add` and `poll`', async () => {
    const env = { ...process.env, TALLY_HOME: join(dir, 'cli-home'), TALLY_TOKEN: auth.authorization!.slice(7) };
    const tally = (...args: string[]) => runTally([...args, '--backoffice', bo.url, '--json'], env);
    const added = JSON.parse((await tally('monitor', 'add', '--instance', 'lm-1', '--command', 'exit 3', '--interval', '3600', '--timezone', 'UTC')).stdout);
    expect(added).toMatchObject({ instanceId: 'lm-1', kind: 'command', target: 'exit 3', intervalSeconds: 3600 });
    const polled = JSON.parse((await tally('monitor', 'poll', added.id)).stdout);
    expect(polled).toMatchObject({ state: 'down' });
    expect(polled.lastError).toMatch(/exited with status 3/);
    expect((await api('GET', '')).body.items.map((m: any) => m.id)).toContain(added.id);
    expect((await api('DELETE', `/${added.id}`)).status).toBe(204);
  }, 60_000);

  describe('polling a Tally license server over REST', () => {
    let server: ServerProcess;
    let serverToken = '';
    const request = (device: string, count: number) =>
      fetch(`${server.url}${CAPABILITY}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...capability(device, [{ name: 'cad', count }]), device: { hostId: { value: device, type: 'STRING' }, alias: `${device}-host`, user: `${device}-user` } }) });

    beforeAll(async () => {
      writeLicenseFiles(dir, { licenseId: 'mon', features: [{ name: 'cad', version: '1.0', count: 5, expiry: 'permanent' }] });
      server = await startServerProcess(dir, join(dir, 'server'));
      serverToken = await processAdminToken(server);
    }, 30_000);

    afterAll(() => {
      server.child.kill('SIGCONT');
      server.child.kill('SIGKILL');
    });

    it('turns leases into checkouts and returns, marks a server that stops answering down, and resumes, also after a back office restart', async () => {
      expect((await request('d1', 2)).status).toBe(200);
      const added = await api('POST', '', { instanceId: 'rest-1', kind: 'rest', url: server.url, token: serverToken, intervalSeconds: 3600, timeoutSeconds: 1, timezone: 'UTC' });
      expect(added.status).toBe(201);
      const id = added.body.id as string;
      expect((await api('POST', `/${id}/poll`)).body).toMatchObject({ state: 'up', eventsStored: 1 });

      expect((await request('d2', 1)).status).toBe(200);
      expect((await request('d1', 0)).status).toBe(200);
      expect((await api('POST', `/${id}/poll`)).body).toMatchObject({ state: 'up', eventsStored: 3 });
      expect(await eventsOf('rest-1')).toEqual(['checkout cad d1-user@d1-host x2 in-use 2 server', 'checkout cad d2-user@d2-host x1 in-use 3 server', 'return cad d1-user@d1-host x2 in-use 1 server']);

      // A stopped process accepts connections and never answers.
      server.child.kill('SIGSTOP');
      const down = (await api('POST', `/${id}/poll`)).body;
      expect(down).toMatchObject({ state: 'down', eventsStored: 3 });
      expect(down.downSince).toBe(down.lastPollAt);
      server.child.kill('SIGCONT');
      expect((await api('POST', `/${id}/poll`)).body).toMatchObject({ state: 'up', eventsStored: 3, downSince: null });

      // The last snapshot is kept: a restarted back office invents nothing.
      await bo.stop({ keepData: true });
      bo = await startTestBackoffice({ dataDir: join(dir, 'backoffice') });
      auth = { authorization: `Bearer ${await bo.adminToken()}` };
      expect((await api('POST', `/${id}/poll`)).body).toMatchObject({ state: 'up', eventsStored: 3 });
      expect(await eventsOf('rest-1')).toHaveLength(3);
    }, 60_000);
  });
});
