import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/common/time.js';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, capability, startTestServer } from '../support/test-server.js';

const BASE = '/api/1.0/instances/~';
const DAY = 86_400_000;

/**
 * Activation, license updates by capability polling and the offline exchange, between a real
 * back office and real license servers over HTTP.
 */
describe('license rights from the back office', () => {
  let backoffice: TestBackoffice;
  let server: TestServer;
  let admin: Record<string, string>;
  let producer: Record<string, string>;
  let firstDataDir = '';

  const held = async (device: string) => {
    const res = await server.post(CAPABILITY, capability(device, [], { operation: 'preview' }));
    return (res.body.granted as Array<{ feature: string; count: number }>).filter((g) => g.feature === 'cad').reduce((n, g) => n + g.count, 0);
  };
  const cadCount = async () => {
    const res = await server.get(`${BASE}/features/summaries?name=cad`, admin);
    return (res.body.items as Array<{ totalCount: number }>).reduce((n, f) => n + f.totalCount, 0);
  };

  beforeAll(async () => {
    backoffice = await startTestBackoffice();
    const { catalog, registry } = backoffice;
    registry.addAccount({ id: 'acme', name: 'Acme Engineering' });
    registry.addAccount({ id: 'globex', name: 'Globex' });
    catalog.addProduct({ id: 'cad-pro', name: 'Tally CAD Pro', version: '2026', features: [{ name: 'cad', version: '2.0', count: 1 }, { name: 'viewer', version: '1.0', count: 0, counted: false }] });
    catalog.addProduct({ id: 'render', name: 'Tally Render', term: '30d', features: [{ name: 'render-hours', version: '1.0', count: 100, model: 'metered' }] });
    catalog.addEntitlement({ id: 'ENT-ACME', accountId: 'acme', lineItems: [
      { activationId: 'ACT-CAD', productId: 'cad-pro', quantity: 10 },
      { activationId: 'ACT-RENDER', productId: 'render', quantity: 2 },
      { activationId: 'ACT-OLD', productId: 'cad-pro', quantity: 5, expiry: '2020-01-01' },
    ] });
    catalog.addEntitlement({ id: 'ENT-GLOBEX', accountId: 'globex', lineItems: [{ activationId: 'ACT-GLOBEX', productId: 'cad-pro', quantity: 3 }] });
    server = await startTestServer({ keys: backoffice.producerKey, settings: { 'capabilityPolling.url': backoffice.url } });
    admin = { authorization: `Bearer ${await server.adminToken()}` };
    producer = { authorization: `Bearer ${await backoffice.adminToken()}` };
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await backoffice?.stop();
    if (firstDataDir) rmSync(firstDataDir, { recursive: true, force: true });
  });

  it('activates activation IDs online and serves the rights the back office issued', async () => {
    const res = await server.post(`${BASE}/activations`, { activations: [{ activationId: 'ACT-CAD', count: 4 }, { activationId: 'ACT-RENDER', count: 1 }] }, admin);
    expect(res.status).toBe(200);
    expect(res.body.update.source).toBe('online-activation');
    expect(res.body.update.added.map((r: { feature: string }) => r.feature).sort()).toEqual(['cad', 'render-hours', 'viewer']);
    expect(res.body.activations).toEqual(expect.arrayContaining([expect.objectContaining({ activationId: 'ACT-CAD', count: 4, remaining: 6 })]));
    expect(await cadCount()).toBe(4);
    const grant = await server.post(CAPABILITY, capability('dev-1', [{ name: 'cad', version: '2.0', count: 1 }]));
    expect(grant.body.granted).toEqual([expect.objectContaining({ feature: 'cad', count: 1 })]);
    const where = backoffice.catalog.activationId('ACT-CAD');
    expect(where.servers).toEqual([expect.objectContaining({ instanceId: server.service.instanceId, count: 4 })]);
    expect(where.history[0]).toEqual(expect.objectContaining({ delta: 4, via: 'online' }));
    const status = await server.get(`${BASE}/license-updates/status`, admin);
    expect(status.body).toEqual(expect.objectContaining({ activated: true, accountId: 'acme' }));
  });

  it('registers a server it did not know under the account of its activation IDs, and makes it a sync credential on demand', async () => {
    const instance = backoffice.registry.instance(server.service.instanceId);
    expect(instance.accountId).toBe('acme');
    const made = await backoffice.call('POST', `/api/1.0/backoffice/instances/${instance.id}/credential`, undefined, producer);
    expect(made.status).toBe(200);
    expect(backoffice.registry.authenticate(made.body.credential).id).toBe(instance.id);
  });

  it('refuses a whole activation when one ID cannot be had, naming each ID and why; nothing is activated', async () => {
    const before = backoffice.catalog.lineItemView('ACT-CAD').activated;
    const res = await server.post(
      `${BASE}/activations`,
      {
        activations: [
          { activationId: 'ACT-CAD', count: 1 },
          { activationId: 'ACT-NOPE', count: 1 },
          { activationId: 'ACT-OLD', count: 1 },
          { activationId: 'ACT-GLOBEX', count: 1 },
          { activationId: 'ACT-RENDER', count: 5 },
        ],
      },
      admin,
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('ACTIVATION_REFUSED');
    const messages = Object.fromEntries((res.body.error.details as Array<{ field: string; message: string }>).map((d) => [d.field, d.message]));
    expect(messages['activations.1.activationId']).toMatch(/ACT-NOPE is not an activation ID/);
    expect(messages['activations.2.activationId']).toMatch(/ACT-OLD expired on 2020-01-01/);
    expect(messages['activations.3.activationId']).toMatch(/ACT-GLOBEX belongs to another account/);
    expect(messages['activations.4.activationId']).toMatch(/ACT-RENDER has 1 of 2 left to activate; 5 asked/);
    expect(messages['activations.0.activationId']).toBeUndefined();
    expect(backoffice.catalog.lineItemView('ACT-CAD').activated).toBe(before);
    expect(await cadCount()).toBe(4);
  });

  it('refuses bad input at the edge with the field named', async () => {
    const res = await server.post(`${BASE}/activations`, { activations: [{ activationId: '', count: 0 }] }, admin);
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining([expect.stringMatching(/activations\.0\.activationId/), expect.stringMatching(/activations\.0\.count/)]));
  });

  it('polling applies counts taken back by ending the newest leases first, and keeps the leases that still fit', async () => {
    for (const d of ['dev-2', 'dev-3', 'dev-4']) {
      expect((await server.post(CAPABILITY, capability(d, [{ name: 'cad', version: '2.0', count: 1 }]))).body.granted).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 5));
    }
    backoffice.catalog.setServerCount('ACT-CAD', server.service.instanceId, { count: 2 });
    const res = await server.post(`${BASE}/capability-poll`, undefined, admin);
    expect(res.status).toBe(200);
    expect(res.body.update.changed).toEqual([expect.objectContaining({ feature: 'cad', countBefore: 4, count: 2 })]);
    expect(res.body.update.endedLeases.map((l: { deviceKey: string }) => l.deviceKey).sort()).toEqual(['STRING:dev-3', 'STRING:dev-4']);
    expect(res.body.update.endedLeases.every((l: { reason: string }) => l.reason === 'count-lowered')).toBe(true);
    expect([await held('dev-1'), await held('dev-2'), await held('dev-3'), await held('dev-4')]).toEqual([1, 1, 0, 0]);
    const history = await server.get(`${BASE}/license-updates`, admin);
    expect(history.body.items[0]).toEqual(expect.objectContaining({ source: 'capability-poll', summary: expect.stringContaining('2 leased counts ended on 2 devices') }));
  });

  it('polling applies added counts and renewals, with leases running on', async () => {
    backoffice.catalog.setServerCount('ACT-CAD', server.service.instanceId, { count: 6 });
    backoffice.catalog.changeLineItem('ACT-RENDER', { expiry: '2099-12-31' });
    const res = await server.post(`${BASE}/capability-poll`, undefined, admin);
    expect(res.body.update.endedLeases).toEqual([]);
    expect(res.body.update.changed).toEqual(expect.arrayContaining([expect.objectContaining({ feature: 'cad', count: 6 }), expect.objectContaining({ feature: 'render-hours', expiry: '2099-12-31' })]));
    expect(await cadCount()).toBe(6);
    expect(await held('dev-1')).toBe(1);
    const again = await server.post(`${BASE}/capability-poll`, undefined, admin);
    expect(again.body.update).toBeNull();
  });

  it('carries an activation offline: request file, back office response, applied once even when sent twice at once; replays, tampering and other servers refused', async () => {
    const request = await server.call('POST', `${BASE}/offline/activation-request`, { activations: [{ activationId: 'ACT-CAD', count: 1 }] }, admin);
    expect(request.status).toBe(200);
    const answer = await backoffice.call('POST', '/api/1.0/backoffice/offline', request.body, producer);
    expect(answer.status).toBe(200);
    const tampered = structuredClone(answer.body);
    tampered.body.activations[0].count = 99;
    expect((await server.post(`${BASE}/offline/response`, tampered, admin)).body.error.message).toMatch(/signature does not match/);
    // Sent twice at once: applied once, the other refused.
    const [applied, replayed] = (await Promise.all([1, 2].map(() => server.post(`${BASE}/offline/response`, answer.body, admin)))).sort((a, b) => a.status - b.status);
    expect(applied!.status).toBe(200);
    expect(applied!.body.update.source).toBe('offline-response');
    expect(await cadCount()).toBe(7);
    expect(replayed!.status).toBe(422);
    expect(replayed!.body.error.message).toMatch(/already applied/);
    const asked = await backoffice.call('POST', '/api/1.0/backoffice/offline', request.body, producer);
    expect(asked.status).toBe(422);
    expect(asked.body.error.message).toMatch(/already answered/);
    expect(backoffice.catalog.lineItemView('ACT-CAD').activated).toBe(7);

    const other = await startTestServer({ keys: backoffice.producerKey });
    try {
      const otherAdmin = { authorization: `Bearer ${await other.adminToken()}` };
      const foreign = await server.call('GET', `${BASE}/offline/capability-request`, undefined, admin);
      const response = await backoffice.call('POST', '/api/1.0/backoffice/offline', foreign.body, producer);
      const refused = await other.post(`${BASE}/offline/response`, response.body, otherAdmin);
      expect(refused.status).toBe(422);
      expect(refused.body.error.message).toMatch(new RegExp(`is for license server ${server.service.instanceId}`));
    } finally {
      await other.stop();
    }
  });

  it('keeps its licenses unchanged while the back office is down, says why, and retries', async () => {
    await server.call('PUT', `${BASE}/properties`, { 'capabilityPolling.enabled': true, 'capabilityPolling.retryInterval': '1h' }, admin);
    const port = new URL(backoffice.url).port;
    const dataDir = backoffice.dataDir;
    firstDataDir = dataDir;
    await backoffice.close();
    const res = await server.post(`${BASE}/capability-poll`, undefined, admin);
    expect(res.status).toBe(502);
    expect(res.body.error.code).toBe('BACK_OFFICE_UNREACHABLE');
    expect(await cadCount()).toBe(7);
    expect(await held('dev-1')).toBe(1);
    const status = (await server.get(`${BASE}/license-updates/status`, admin)).body;
    expect(status.polling.lastError).toMatch(/could not be reached/);
    expect(Date.parse(status.polling.nextPollAt) - Date.now()).toBeGreaterThan(3500_000);
    backoffice = await startTestBackoffice({ dataDir, port: Number(port) });
    producer = { authorization: `Bearer ${await backoffice.adminToken()}` };
    const back = await server.post(`${BASE}/capability-poll`, undefined, admin);
    expect(back.status).toBe(200);
    expect((await server.get(`${BASE}/license-updates/status`, admin)).body.polling.lastError).toBeNull();
  });

  it('polls on its own: again after the retry interval when a poll failed, and then on its interval', async () => {
    const status = async () => (await server.get(`${BASE}/license-updates/status`, admin)).body.polling;
    await server.call('PUT', `${BASE}/properties`, { 'capabilityPolling.url': 'http://127.0.0.1:9', 'capabilityPolling.retryInterval': '1s' }, admin);
    await server.post(`${BASE}/capability-poll`, undefined, admin);
    expect((await status()).lastError).toMatch(/could not be reached/);
    const failedAt = Date.parse((await status()).lastAttemptAt);
    await server.call('PUT', `${BASE}/properties`, { 'capabilityPolling.url': backoffice.url }, admin);
    await expect.poll(async () => (await status()).lastError, { timeout: 10_000, interval: 200 }).toBeNull();
    const polling = await status();
    expect(Date.parse(polling.lastSuccessAt)).toBeGreaterThan(failedAt);
    expect(Date.parse(polling.nextPollAt) - Date.parse(polling.lastSuccessAt)).toBe(polling.interval * 1000);
  });

  it('refuses a response applied after its lifetime', async () => {
    const clock = new ManualClock(Date.now());
    const late = await startTestServer({ keys: backoffice.producerKey, clock, settings: { 'capabilityPolling.url': backoffice.url } });
    try {
      const lateAdmin = { authorization: `Bearer ${await late.adminToken()}` };
      const request = await late.call('POST', `${BASE}/offline/activation-request`, { activations: [{ activationId: 'ACT-CAD', count: 1 }] }, lateAdmin);
      const response = await backoffice.call('POST', '/api/1.0/backoffice/offline', request.body, producer);
      clock.advance(2 * DAY);
      const refused = await late.post(`${BASE}/offline/response`, response.body, { authorization: `Bearer ${await late.userToken('night-shift', 'admin')}` });
      expect(refused.status).toBe(422);
      expect(refused.body.error.message).toMatch(/expired/);
    } finally {
      await late.stop();
    }
  });
});
