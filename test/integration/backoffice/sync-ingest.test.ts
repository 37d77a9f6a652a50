import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackoffice } from '../../support/test-backoffice.js';
import { startTestBackoffice } from '../../support/test-backoffice.js';
import { buildEvent } from '../../support/factories.js';

const SYNC = '/usage/api/1.0/sync';

describe('POST /usage/api/1.0/sync on the back office', () => {
  let bo: TestBackoffice;
  let instanceId: string;
  let auth: Record<string, string>;
  beforeAll(async () => {
    bo = await startTestBackoffice();
    const registered = await bo.register('acme');
    instanceId = registered.instanceId;
    auth = { authorization: `Bearer ${registered.credential}` };
  });
  afterAll(async () => bo.stop());

  const batch = (events: unknown[]) => ({ instanceId, events });

  it('stores the events of a registered instance, under its account, and acknowledges how many', async () => {
    const events = [buildEvent({ instanceId, accountId: null }), buildEvent({ instanceId, kind: 'deny', statusCode: 7 })];
    const res = await bo.call('POST', SYNC, batch(events), auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 2, duplicates: 0, quarantined: 0, quarantinedEvents: [] });
    const stored = await bo.warehouse.events({ instanceId, limit: 10 });
    expect(stored.map((e) => e.accountId)).toEqual(['acme', 'acme']);
  });

  it('ignores events it already has, so a batch sent again is acknowledged without storing twice', async () => {
    const events = [buildEvent({ instanceId }), buildEvent({ instanceId })];
    await bo.call('POST', SYNC, batch(events), auth);
    const again = await bo.call('POST', SYNC, batch(events), auth);
    expect(again.body).toEqual({ accepted: 0, duplicates: 2, quarantined: 0, quarantinedEvents: [] });
    expect(await bo.warehouse.countEvents({ instanceId })).toBe(4);
  });

  it('stores the good events of a batch and sets a bad one aside, naming its index, field and reason, once however often it is sent', async () => {
    const before = await bo.warehouse.countEvents();
    const good = [buildEvent({ instanceId }), buildEvent({ instanceId }), buildEvent({ instanceId })];
    const bad = { ...buildEvent({ instanceId }), kind: 'borrow' };
    const events = [good[0], good[1], bad, good[2]];
    const res = await bo.call('POST', SYNC, batch(events), auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      accepted: 3,
      duplicates: 0,
      quarantined: 1,
      quarantinedEvents: [{ index: 2, eventId: bad.eventId, field: 'kind', reason: 'must be checkout, return, expire, consume or deny' }],
    });
    expect(await bo.warehouse.countEvents()).toBe(before + 3);
    const again = await bo.call('POST', SYNC, batch(events), auth);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 3, quarantined: 1 });
    const listed = await bo.adminGet(`/api/1.0/backoffice/quarantine?instanceId=${instanceId}`);
    expect(listed.body.items.filter((q: { eventId: string }) => q.eventId === bad.eventId)).toEqual([
      expect.objectContaining({ instanceId, field: 'kind', reason: 'must be checkout, return, expire, consume or deny', event: JSON.stringify(bad), truncated: false }),
    ]);
  });

  it.each([
    { why: 'a deny without its code', change: { kind: 'deny', statusCode: null }, field: 'statusCode' },
    { why: 'an unknown denial code', change: { kind: 'deny', statusCode: 99 }, field: 'statusCode' },
    { why: 'a time that is not ISO', change: { ts: 'yesterday' }, field: 'ts' },
    { why: 'a negative count', change: { count: -1 }, field: 'count' },
    { why: 'an unknown field', change: { colour: 'red' }, field: 'colour' },
    { why: 'an event of another instance', change: { instanceId: 'someone-else' }, field: 'instanceId' },
  ])('sets aside $why, naming the field', async ({ change, field }) => {
    const res = await bo.call('POST', SYNC, batch([{ ...buildEvent({ instanceId }), ...change }, buildEvent({ instanceId })]), auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, quarantined: 1 });
    expect(res.body.quarantinedEvents.map((q: { field: string }) => q.field)).toEqual([field]);
  });

  it('sets aside what is not an event at all, and tells the admin in health', async () => {
    const res = await bo.call('POST', SYNC, batch([42, null, 'event']), auth);
    expect(res.body).toMatchObject({ accepted: 0, quarantined: 3 });
    expect((await bo.call('GET', '/api/1.0/health')).body.quarantine.events).toBeGreaterThanOrEqual(3);
  });

  it('refuses whole only what is not a batch: an unknown credential (401), a batch of another instance (403), a bad envelope (400)', async () => {
    expect((await bo.call('POST', SYNC, batch([buildEvent({ instanceId })]), { authorization: 'Bearer tally_guess' })).status).toBe(401);
    expect((await bo.call('POST', SYNC, batch([buildEvent({ instanceId })]))).status).toBe(401);
    const other = await bo.call('POST', SYNC, { instanceId: 'someone-else', events: [buildEvent({ instanceId: 'someone-else' })] }, auth);
    expect(other.status).toBe(403);
    expect(other.body.error.details).toEqual([{ field: 'body.instanceId', message: 'does not match the credential' }]);
    const envelope = await bo.call('POST', SYNC, { instanceId, events: 'many' }, auth);
    expect(envelope.status).toBe(400);
    expect(envelope.body.error.details.map((d: { field: string }) => d.field)).toContain('body.events');
  });

  it('lists the quarantine only to logged-in users', async () => {
    expect((await bo.call('GET', '/api/1.0/backoffice/quarantine')).status).toBe(401);
  });

  it('keeps accounts and instances behind the admin login', async () => {
    expect((await bo.call('GET', '/api/1.0/backoffice/instances')).status).toBe(401);
    const list = await bo.call('GET', '/api/1.0/backoffice/instances', undefined, { authorization: `Bearer ${await bo.adminToken()}` });
    expect(list.body.items).toEqual([expect.objectContaining({ id: instanceId, accountId: 'acme', kind: 'local' })]);
    expect(list.body.items[0].lastSyncAt).not.toBeNull();
    expect(JSON.stringify(list.body)).not.toContain('tally_');
  });

  it('refuses anonymous calls on every route but sync, health, login, the license exchange and the report app\'s files', async () => {
    // GET /* serves the browser app's own files (no data); under /api it answers 404. License
    // servers' exchange requests are signed by their own keys; the producer's public key is public.
    const open = ['POST /usage/api/1.0/sync', 'GET /api/1.0/health', 'POST /api/1.0/instances/~/authorize', 'POST /api/1.0/instances/~/reset-password', 'GET /*', 'POST /api/1.0/backoffice/exchange', 'GET /api/1.0/backoffice/producer-key'];
    for (const route of bo.app.registeredRoutes) {
      if (route.method === 'HEAD' || route.method === 'OPTIONS' || route.url.startsWith('/docs') || open.includes(`${route.method} ${route.url}`)) continue;
      // A cloud instance's routes answer to its own users: test/integration/backoffice/cloud-isolation.test.ts walks them.
      if (route.url.startsWith('/api/1.0/instances/:instanceId/')) continue;
      const res = await bo.call(route.method, route.url.replace(/:[A-Za-z]+/g, 'probe'), route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
      expect([`${route.method} ${route.url}`, res.status]).toEqual([`${route.method} ${route.url}`, 401]);
    }
  });

  it('takes a batch from a license server of another release, ignoring envelope fields it does not use', async () => {
    const res = await bo.call('POST', SYNC, { ...batch([buildEvent({ instanceId })]), firstSeq: 1, lastSeq: 1 }, auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, quarantined: 0 });
  });
});
