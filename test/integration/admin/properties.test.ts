import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../support/test-server.js';
import { CAPABILITY, capability, startTestServer } from '../../support/test-server.js';
import { outboxEvents } from '../../support/storage.js';
import { SETTINGS } from '../../../src/common/settings.js';

const PROPERTIES = '/api/1.0/instances/~/properties';

describe('properties', () => {
  let server: TestServer;
  let admin: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer({ features: [{ name: 'cad', version: '1.0', count: 1, expiry: 'permanent' }] });
    admin = { authorization: `Bearer ${await server.adminToken()}` };
  });
  afterAll(async () => server.stop());

  const put = (body: unknown) => server.call('PUT', PROPERTIES, body, admin);

  it('lists every property with group, value, default, whether it may be changed and a description', async () => {
    const res = await server.get(PROPERTIES, admin);
    expect(res.status).toBe(200);
    expect(res.body.groups.map((g: { group: string }) => g.group)).toEqual([
      'general', 'secure-rest-api', 'server-sync', 'failover', 'license-generation', 'capability-polling', 'local-server', 'logging',
    ]);
    const byKey = Object.fromEntries(res.body.properties.map((p: { key: string }) => [p.key, p]));
    expect(byKey['licensing.renewInterval']).toMatchObject({ group: 'license-generation', value: 15, default: 15, editable: true, lockedBy: null });
    expect(byKey['licensing.borrowInterval']).toMatchObject({ value: '1w', default: '1w', editable: false, lockedBy: 'producer' });
    expect(byKey['server.port']).toMatchObject({ group: 'local-server', editable: false, lockedBy: 'configuration' });
    expect(byKey['server.instanceId']).toMatchObject({ group: 'general', lockedBy: 'server' });
    expect(byKey['security.sessionIdleTimeout']).toMatchObject({ group: 'secure-rest-api', value: '30m' });
    for (const p of res.body.properties) expect(p.description.length).toBeGreaterThan(10);
  });

  it('labels every group and property, and gives the range a number or duration must keep, from the one settings definition', async () => {
    const res = await server.get(PROPERTIES, admin);
    expect(res.body.groups[0]).toEqual({ group: 'general', label: 'General', description: 'What this server is', count: 4 });
    const byKey = Object.fromEntries(res.body.properties.map((p: { key: string }) => [p.key, p]));
    for (const p of res.body.properties) expect(p.label).not.toBe(p.key);
    expect(byKey['licensing.renewInterval']).toMatchObject({ label: 'Renew after (% of the lease)', min: SETTINGS.licensing.renewInterval.min, max: SETTINGS.licensing.renewInterval.max });
    // Durations: in seconds, as the API also accepts them.
    expect(byKey['security.sessionIdleTimeout']).toMatchObject({ type: 'duration', min: 60, max: 86_400 });
    expect(byKey['usageService.sync.url']).toMatchObject({ nullable: true });
    expect(byKey['log.level'].min).toBeUndefined();
  });

  it('filters by group', async () => {
    const res = await server.get(`${PROPERTIES}?group=logging`, admin);
    expect(res.body.properties.map((p: { key: string }) => p.key)).toEqual(['log.level']);
  });

  it.each([
    { key: 'licensing.renewInterval', value: 0, message: 'must be at least 1' },
    { key: 'licensing.renewInterval', value: 101, message: 'must be at most 100' },
    { key: 'licensing.renewInterval', value: 'twenty', message: 'must be a whole number' },
    { key: 'licensing.renewInterval', value: 2.5, message: 'must be a whole number' },
    { key: 'licensing.borrowIntervalMax', value: 'soon', message: 'must be a duration such as 90, 15m, 12h, 7d or 1w' },
    { key: 'licensing.borrowIntervalMax', value: '400d', message: 'must be between 1s and 365d' },
    { key: 'licensing.clientExpiryTimer', value: '2h', message: 'must be between 1s and 1h' },
    { key: 'licensing.trackDeniedRequests', value: 'yes', message: 'must be true or false' },
    { key: 'security.sessionIdleTimeout', value: '10s', message: 'must be between 1m and 1d' },
    { key: 'security.lockoutAttempts', value: 0, message: 'must be at least 1' },
    { key: 'security.lockoutDuration', value: '2d', message: 'must be between 1m and 1d' },
    { key: 'security.passwordMinLength', value: 4, message: 'must be at least 8' },
    { key: 'security.corsOrigins', value: ['ftp://x'], message: 'must be * or an origin such as https://manager.example.com:8443' },
    { key: 'log.level', value: 'loud', message: 'must be one of fatal, error, warn, info, debug, trace, silent' },
    { key: 'licensing.borrowInterval', value: '1d', message: 'is locked by the producer' },
    { key: 'usageService.sync.url', value: 'http://backoffice:8080', message: 'is locked by the producer' },
    { key: 'usageService.sync.batchSize', value: 0, message: 'must be at least 1' },
    { key: 'usageService.sync.credential', value: 'guess', message: 'is a start-up setting: change it in the configuration and restart' },
    { key: 'server.port', value: 8000, message: 'is a start-up setting: change it in the configuration and restart' },
    { key: 'server.instanceId', value: 'mine', message: 'describes the server and cannot be changed' },
    { key: 'licensing.nothing', value: 1, message: 'is not a known property' },
  ])('refuses $key = $value: "$message"', async ({ key, value, message }) => {
    const before = (await server.get(`${PROPERTIES}/${key}`, admin)).body;
    const res = await put({ [key]: value });
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: key, message }]);
    if (before.key) expect((await server.get(`${PROPERTIES}/${key}`, admin)).body.value).toEqual(before.value);
  });

  it('changes nothing when one of several values is bad', async () => {
    const res = await put({ 'licensing.renewInterval': 40, 'log.level': 'loud' });
    expect(res.status).toBe(400);
    expect((await server.get(`${PROPERTIES}/licensing.renewInterval`, admin)).body.value).toBe(15);
  });

  it('refuses an empty update', async () => {
    expect((await put({})).body.error.details).toEqual([{ field: 'body', message: 'names no property to change' }]);
  });

  it('applies a new renew interval and lease ceiling to the very next request, without a restart', async () => {
    const res = await put({ 'licensing.renewInterval': 50, 'licensing.borrowIntervalMax': '2m' });
    expect(res.status).toBe(200);
    expect(res.body.changed.map((p: { key: string; value: unknown }) => [p.key, p.value])).toEqual([
      ['licensing.renewInterval', 50],
      ['licensing.borrowIntervalMax', '2m'],
    ]);
    const grant = await server.post(CAPABILITY, capability('p1', [{ name: 'cad', count: 1 }]));
    expect(grant.body.renewInterval).toBe(50);
    expect(Date.parse(grant.body.granted[0].expires) - Date.parse(grant.body.serverTime)).toBe(120_000);
    expect(Date.parse(grant.body.granted[0].renewAt) - Date.parse(grant.body.serverTime)).toBe(60_000);
  });

  it('stops recording denials as soon as trackDeniedRequests is turned off', async () => {
    await put({ 'licensing.trackDeniedRequests': false });
    const before = outboxEvents(server.dataDir).filter((e) => e.kind === 'deny').length;
    const res = await server.post(CAPABILITY, capability('p2', [{ name: 'cad', count: 1 }]));
    expect(res.body.denied[0].code).toBe(7);
    expect(outboxEvents(server.dataDir).filter((e) => e.kind === 'deny').length).toBe(before);
    await put({ 'licensing.trackDeniedRequests': 'true' });
    await server.post(CAPABILITY, capability('p2', [{ name: 'cad', count: 1 }]));
    expect(outboxEvents(server.dataDir).filter((e) => e.kind === 'deny').length).toBe(before + 1);
  });

  it('keeps what an administrator set across a restart, and drops it on reset', async () => {
    const dataDir = server.dataDir;
    const again = await startTestServer({ dataDir, keys: server.keys, settings: { 'server.port': 0 } });
    try {
      const token = { authorization: `Bearer ${await again.adminToken()}` };
      expect((await again.get(`${PROPERTIES}/licensing.renewInterval`, token)).body.value).toBe(50);
    } finally {
      await again.stop();
    }
  });

  it('resets a property to its configured value', async () => {
    const res = await server.call('DELETE', `${PROPERTIES}/licensing.renewInterval`, undefined, admin);
    expect(res.body).toMatchObject({ key: 'licensing.renewInterval', value: 15 });
    expect((await server.post(CAPABILITY, capability('p3', []))).body.renewInterval).toBe(15);
  });
});
