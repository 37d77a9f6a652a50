import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../support/random.mjs';
import { processAdminToken, startServerProcess, writeLicenseFiles } from '../support/server-process.js';
import { spawnTally, stopProcess } from '../support/tally-cli.js';
import { ADMIN_PASSWORD, CAPABILITY, adminLogin, callJson, capability } from '../support/test-server.js';

const root = mkdtempSync(join(tmpdir(), 'tally-first-start-'));
const seed = Number(process.env.TALLY_CRASH_SEED ?? Date.now() % 100_000);
const random = seededRandom(seed).next;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe(`SIGKILL while storage is first made (seed ${seed})`, () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('a license server killed at any moment of its first start — opening, migrating, its first admin, its license — starts again and serves', async () => {
    writeLicenseFiles(root, { licenseId: 'first', features: [{ name: 'seat', version: '1.0', count: 3, expiry: 'permanent' }] });
    for (let round = 0; round < 4; round++) {
      const data = join(root, `server-${round}`);
      const first = spawnTally('server', ['--data', data, '--producer-key', join(root, 'producer.pub'), '--license', join(root, 'license.json')]);
      first.listening.catch(() => undefined);
      await sleep(Math.floor(random() * 900));
      await stopProcess(first, 'SIGKILL');
      const again = await startServerProcess(root, data);
      try {
        const health = await callJson(again.url, 'GET', '/api/1.0/health');
        expect([round, health.body.status, health.body.licenses.served]).toEqual([round, 'ok', 1]);
        const grant = await callJson(again.url, 'POST', CAPABILITY, capability(`d-${round}`, [{ name: 'seat', count: 1 }]));
        expect(grant.body.granted).toHaveLength(1);
        // The one-time password in its file is the admin's, whichever start wrote it.
        expect(await processAdminToken(again)).toMatch(/\S/);
      } finally {
        await stopProcess(again);
      }
    }
  }, 120_000);

  it('a back office killed while it makes a cloud instance starts again with the instance whole or not at all', async () => {
    const data = join(root, 'backoffice');
    let running = spawnTally('backoffice', ['--data', data]);
    let url = await running.listening;
    const admin = { authorization: `Bearer ${await adminLogin(url, readFileSync(join(data, 'admin-password.txt'), 'utf8').trim())}` };
    await callJson(url, 'POST', '/api/1.0/backoffice/accounts', { id: 'acme', name: 'Acme' }, admin);
    for (let round = 0; round < 3; round++) {
      const id = `cloud-${round}`;
      void callJson(url, 'POST', '/api/1.0/backoffice/cloud-instances', { accountId: 'acme', name: `Cloud ${round}`, id }, admin).catch(() => undefined);
      await sleep(Math.floor(random() * 300));
      await stopProcess(running, 'SIGKILL');
      running = spawnTally('backoffice', ['--data', data]);
      url = await running.listening;
      const admin2 = { authorization: `Bearer ${(await callJson(url, 'POST', '/api/1.0/instances/~/authorize', { user: 'admin', password: ADMIN_PASSWORD })).body.token}` };
      const listed = await callJson(url, 'GET', `/api/1.0/backoffice/cloud-instances/${id}`, undefined, admin2);
      expect([404, 200]).toContain(listed.status);
      if (listed.status === 200) {
        // Made before the kill: its first administrator can be given a password and it serves.
        const reset = await callJson(url, 'POST', `/api/1.0/backoffice/cloud-instances/${id}/admin-password`, undefined, admin2);
        expect(reset.status).toBe(200);
        const login = await callJson(url, 'POST', `/api/1.0/instances/${id}/reset-password`, { user: 'admin', currentPassword: reset.body.oneTimePassword, newPassword: ADMIN_PASSWORD });
        expect(login.status).toBe(200);
        const health = await callJson(url, 'GET', `/api/1.0/instances/${id}/health`, undefined, { authorization: `Bearer ${login.body.token}` });
        expect([round, health.status, health.body.instanceId]).toEqual([round, 200, id]);
      } else {
        // Not made: the ID is free to make it now.
        expect((await callJson(url, 'POST', '/api/1.0/backoffice/cloud-instances', { accountId: 'acme', name: `Cloud ${round}`, id }, admin2)).status).toBe(201);
      }
      Object.assign(admin, admin2);
    }
    await stopProcess(running);
  }, 120_000);
});
