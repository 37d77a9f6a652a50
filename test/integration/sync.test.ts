import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncResult } from '../../src/licensing/usage-sync.js';
import { syncBatchSchema } from '../../src/licensing/usage-sync.js';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, capability, startTestServer } from '../support/test-server.js';
import { writeOutboxEvent } from '../support/outbox.js';
import { outboxEvents, refusedEvents } from '../support/storage.js';
import { until } from '../support/until.js';

/**
 * A stand-in for the back office's sync endpoint: it checks the instance credential and the
 * batch with the back office's own schema, answers in the back office's shape, and keeps every
 * event it acknowledged, so the test can see what arrived, in what order, how often.
 */
class Receiver {
  app: FastifyInstance | null = null;
  port = 0;
  /** `proxy`: a 200 answer that is not a sync answer, as a misconfigured proxy gives. */
  mode: 'ok' | 'fail' | 'proxy' = 'ok';
  /** An event ID for which it refuses the whole batch that holds it, as an older back office did. */
  poison: string | null = null;
  batches: string[][] = [];
  seen = new Map<string, number>();
  kinds: string[] = [];

  async start(): Promise<string> {
    const app = Fastify({ bodyLimit: 64 * 1024 * 1024 });
    app.post('/usage/api/1.0/sync', async (request, reply) => {
      if (request.headers.authorization !== 'Bearer instance-secret') return reply.code(401).send({ error: { code: 'UNAUTHORIZED', message: 'unknown instance credential', details: [] } });
      if (this.mode === 'fail') return reply.code(503).send({ error: { code: 'NOT_READY', message: 'warehouse busy', details: [] } });
      if (this.mode === 'proxy') return reply.type('text/html').send('<html>Welcome</html>');
      const events = syncBatchSchema.parse(request.body).events as Array<{ eventId: string; kind: string }>;
      const bad = events.findIndex((e) => e.eventId === this.poison);
      if (bad >= 0) return reply.code(400).send({ error: { code: 'BAD_REQUEST', message: `Event ${bad} is invalid; nothing in this batch was stored.`, details: [] } });
      this.batches.push(events.map((e) => e.eventId));
      for (const e of events) {
        this.seen.set(e.eventId, (this.seen.get(e.eventId) ?? 0) + 1);
        this.kinds.push(e.kind);
      }
      return { accepted: events.length, duplicates: 0, quarantined: 0, quarantinedEvents: [] } satisfies SyncResult;
    });
    await app.listen({ host: '127.0.0.1', port: this.port });
    this.port = (app.server.address() as { port: number }).port;
    this.app = app;
    return `http://127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await this.app?.close();
    this.app = null;
  }
}

describe('usage sync to the back office', () => {
  const receiver = new Receiver();
  let server: TestServer;
  beforeAll(async () => {
    const url = await receiver.start();
    server = await startTestServer({
      features: [{ name: 'cad', version: '1.0', count: 2, expiry: 'permanent' }],
      settings: { 'sync.enabled': true, 'sync.url': url, 'sync.credential': 'instance-secret', 'sync.batchSize': 5 },
    });
  });
  afterAll(async () => {
    await server.stop();
    await receiver.stop();
  });

  it('sends every event in order, then empties the outbox', async () => {
    await server.post(CAPABILITY, capability('s1', [{ name: 'cad', count: 2 }]));
    await server.post(CAPABILITY, capability('s2', [{ name: 'cad', count: 1 }]));
    await server.post(CAPABILITY, capability('s1', [{ name: 'cad', count: 0 }]));
    await until(() => outboxEvents(server.dataDir).length === 0 && receiver.kinds.length >= 3);
    expect(receiver.kinds).toEqual(['checkout', 'deny', 'return']);
    const health = await server.get('/api/1.0/health');
    expect(health.body.sync).toMatchObject({ enabled: true, backlog: 0, lastError: null, sent: 3 });
    expect(health.body.sync.lastSuccess).not.toBeNull();
  });

  it('keeps events while the back office is failing, says why, and delivers each once when it recovers', async () => {
    receiver.mode = 'fail';
    for (let i = 0; i < 12; i++) await server.post(CAPABILITY, capability(`busy-${i}`, [{ name: 'cad', count: 1 }], { partial: true }));
    await until(async () => (await server.get('/api/1.0/health')).body.sync.lastError !== null);
    const failing = (await server.get('/api/1.0/health')).body.sync;
    expect(failing.lastError).toMatch(/503: warehouse busy/);
    expect(failing.backlog).toBeGreaterThan(0);
    expect(failing.retryAt).not.toBeNull();
    expect(failing).toMatchObject({ state: 'stalled', stalledSince: expect.any(String) });
    receiver.mode = 'ok';
    await until(() => outboxEvents(server.dataDir).length === 0, 30_000);
    await until(async () => (await server.get('/api/1.0/health')).body.sync.state === 'ok');
    expect((await server.get('/api/1.0/health')).body.sync.stalledSince).toBeNull();
    expect([...receiver.seen.values()].every((n) => n === 1)).toBe(true);
    // 3 from the first test; then 2 checkouts and 10 denials.
    expect(receiver.seen.size).toBe(3 + 12);
  });

  it('sends batches of the configured size, oldest event first, each event once', () => {
    // Event IDs are time-ordered, so the order they were made in is their sorted order.
    const sent = receiver.batches.flat();
    expect(sent).toEqual([...sent].sort());
    expect(new Set(sent).size).toBe(sent.length);
    expect(Math.max(...receiver.batches.map((b) => b.length))).toBeLessThanOrEqual(5);
  });

  it('takes only a sync answer as an acknowledgement: after any other 200 the events stay in the outbox', async () => {
    receiver.mode = 'proxy';
    await server.post(CAPABILITY, capability('proxied', [{ name: 'cad', count: 1 }], { partial: true }));
    await until(async () => (await server.get('/api/1.0/health')).body.sync.lastError === 'back office answered 200 without a sync answer');
    expect(outboxEvents(server.dataDir).length).toBeGreaterThan(0);
    receiver.mode = 'ok';
    await until(() => outboxEvents(server.dataDir).length === 0, 30_000);
  });

  it('shows the sync status and settings among the properties, never the credential', async () => {
    const res = await server.get('/api/1.0/instances/~/properties?group=server-sync', { authorization: `Bearer ${await server.adminToken()}` });
    const byKey = Object.fromEntries(res.body.properties.map((p: { key: string }) => [p.key, p]));
    expect(byKey['usageService.sync.enabled']).toMatchObject({ value: true, lockedBy: 'producer' });
    expect(byKey['usageService.sync.credential'].value).toBe('set');
    expect(JSON.stringify(res.body)).not.toContain('instance-secret');
    expect(res.body.syncStatus).toMatchObject({ enabled: true, backlog: 0 });
  });
});

describe('a back office that refuses a whole batch for one event in it', () => {
  it('has that event travel alone, logs it in full and keeps it apart from the outbox, while every other event arrives once and sync moves on', async () => {
    const receiver = new Receiver();
    receiver.poison = 'poison-1';
    const url = await receiver.start();
    const logLines: Array<Record<string, unknown>> = [];
    const server = await startTestServer({
      logLines,
      features: [{ name: 'cad', version: '1.0', count: 20, expiry: 'permanent' }],
      settings: { 'sync.enabled': true, 'sync.url': url, 'sync.credential': 'instance-secret', 'sync.batchSize': 8 },
    });
    try {
      for (let i = 0; i < 3; i++) await server.post(CAPABILITY, capability(`p-${i}`, [{ name: 'cad', count: 1 }]));
      writeOutboxEvent(server.dataDir, { eventId: 'poison-1', kind: 'checkout' });
      for (let i = 3; i < 9; i++) await server.post(CAPABILITY, capability(`p-${i}`, [{ name: 'cad', count: 1 }]));
      await until(() => outboxEvents(server.dataDir).length === 0);
      expect(receiver.seen.size).toBe(9);
      expect([...receiver.seen.values()].every((n) => n === 1)).toBe(true);
      expect(receiver.seen.has('poison-1')).toBe(false);
      const sync = (await server.get('/api/1.0/health')).body.sync;
      expect(sync).toMatchObject({ state: 'ok', refused: 1, backlog: 0, stalledSince: null });
      expect(sync.lastError).toMatch(/400/);
      const logged = logLines.filter((l) => l.event === 'sync.event.refused');
      expect(logged).toHaveLength(1);
      expect(JSON.parse(String(logged[0]!.usageEvent))).toEqual({ eventId: 'poison-1', kind: 'checkout' });
      const kept = refusedEvents(server.dataDir);
      expect(kept).toEqual([{ event: expect.any(String), status: 400, reason: expect.any(String) }]);
      expect(JSON.parse(kept[0]!.event)).toEqual({ eventId: 'poison-1', kind: 'checkout' });
    } finally {
      await server.stop();
      await receiver.stop();
    }
  });
});

describe('a backlog across a restart', () => {
  it('survives the license server stopping while the back office is down, and is delivered after', async () => {
    const receiver = new Receiver();
    const url = await receiver.start();
    await receiver.stop();
    const settings = { 'sync.enabled': true, 'sync.url': url, 'sync.credential': 'instance-secret' };
    const dataDir = mkdtempSync(join(tmpdir(), 'tally-sync-'));
    const first = await startTestServer({ dataDir, features: [{ name: 'cad', version: '1.0', count: 5, expiry: 'permanent' }], settings });
    const keys = first.keys;
    for (let i = 0; i < 4; i++) await first.post(CAPABILITY, capability(`r-${i}`, [{ name: 'cad', count: 1 }]));
    await first.stop();
    expect(outboxEvents(dataDir).length).toBe(4);

    await receiver.start();
    const second = await startTestServer({ dataDir, keys, settings });
    try {
      await until(() => outboxEvents(dataDir).length === 0);
      expect(receiver.seen.size).toBe(4);
    } finally {
      await second.stop();
      await receiver.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
