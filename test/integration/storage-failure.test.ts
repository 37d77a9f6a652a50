import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, capability, startTestServer } from '../support/test-server.js';
import { outboxEvents, storedHoldings } from '../support/storage.js';

describe('a commit that trusted storage refuses', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ features: [{ name: 'cad', version: '1.0', count: 1, expiry: 'permanent' }] });
    // Storage fails every write that records an event of device "doomed", as a full disk would.
    const db = new Database(join(server.dataDir, 'server.db'));
    db.exec(`CREATE TRIGGER doomed BEFORE INSERT ON outbox
      WHEN json_extract(NEW.event, '$.deviceId') = 'doomed'
      BEGIN SELECT RAISE(ABORT, 'simulated storage failure'); END`);
    db.close();
  });
  afterAll(async () => server.stop());

  it('answers 503 STORAGE_UNAVAILABLE and keeps neither the grant nor its event', async () => {
    const res = await server.post(CAPABILITY, capability('doomed', [{ name: 'cad', count: 1 }]));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('STORAGE_UNAVAILABLE');
    expect(storedHoldings(server.dataDir)).toEqual([]);
    expect(outboxEvents(server.dataDir)).toEqual([]);
  });

  it('forgets the refused grant in memory too, so its count is free for the next device', async () => {
    const res = await server.post(CAPABILITY, capability('lucky', [{ name: 'cad', count: 1 }]));
    expect(res.status).toBe(200);
    expect(res.body.denied).toEqual([]);
    const status = await server.post(CAPABILITY, { device: { hostId: { value: 'doomed', type: 'STRING' } } });
    expect(status.body.granted).toEqual([]);
    expect(outboxEvents(server.dataDir).map((e) => [e.kind, e.deviceId])).toEqual([['checkout', 'lucky']]);
  });

  it('also refuses requests decided on top of the failed one, then recovers', async () => {
    await server.post(CAPABILITY, capability('lucky', [{ name: 'cad', count: 0 }]));
    const [doomed, next] = await Promise.all([
      server.post(CAPABILITY, capability('doomed', [{ name: 'cad', count: 1 }])),
      server.post(CAPABILITY, capability('next', [{ name: 'cad', count: 1 }], { partial: true })),
    ]);
    expect(doomed.status).toBe(503);
    // "next" was either refused with the failed batch or decided after the reload; never granted on the doomed count.
    expect([200, 503]).toContain(next.status);
    const again = await server.post(CAPABILITY, capability('next', [{ name: 'cad', count: 1 }]));
    expect(again.body.denied).toEqual([]);
    expect(storedHoldings(server.dataDir).map((h) => h.device_key)).toEqual(['STRING:next']);
  });
});
