import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FailoverPair } from '../support/failover-pair.js';
import { PAIR_SECRET, failoverPair, failoverState } from '../support/failover-pair.js';
import { storedHoldings } from '../support/storage.js';
import { CAPABILITY, callJson, capability, startTestServer } from '../support/test-server.js';
import { until } from '../support/until.js';
import { signRequest } from '../../src/server/failover/pair-link.js';

const FEATURES = { licenseId: 'pair', features: [{ name: 'seat', version: '1.0', count: 3, expiry: 'permanent' }] };
const held = (answer: any) => answer.granted.filter((g: any) => g.feature === 'seat').reduce((n: number, g: any) => n + g.count, 0);
const seatsOn = (dataDir: string) => storedHoldings(dataDir).filter((h) => h.feature === 'seat').reduce((n, h) => n + h.count, 0);

describe('a failover pair: a main that streams its changes, and a backup that takes over when the main is silent', () => {
  let pair: FailoverPair;
  const logLines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    pair = await failoverPair({ features: FEATURES, logLines });
  });
  afterAll(async () => pair.stop());

  it('puts every grant the main acknowledged on the backup before the client hears it', async () => {
    const answer = await pair.main!.post(CAPABILITY, capability('desk-1', [{ name: 'seat', count: 1 }]));
    expect(answer.status).toBe(200);
    expect(held(answer.body)).toBe(1);
    expect(storedHoldings(pair.backup!.dataDir)).toEqual([expect.objectContaining({ device_key: 'STRING:desk-1', feature: 'seat', count: 1 })]);
    expect(await failoverState(pair.main!)).toMatchObject({ state: 'serving', serving: true, peerReachable: true, lagBatches: 0 });
  });

  it('has the backup refuse capability requests while the main serves, naming the main', async () => {
    const res = await pair.backup!.post(CAPABILITY, capability('desk-2', [{ name: 'seat', count: 1 }]));
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('NOT_SERVING');
    expect(res.body.error.message).toContain(pair.main!.url);
    expect(await failoverState(pair.backup!)).toMatchObject({ state: 'standby', serving: false, peerReachable: true });
  });

  it('has the backup refuse administrative changes while the main serves: licenses are loaded on the main', async () => {
    const res = await pair.backup!.post('/api/1.0/instances/~/licenses', pair.backup!.sign({ ...FEATURES, licenseId: 'other' }), { authorization: `Bearer ${await pair.backup!.adminToken()}` });
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('NOT_SERVING');
    expect((await pair.backup!.get('/api/1.0/instances/~/licenses', { authorization: `Bearer ${await pair.backup!.adminToken()}` })).body.licenses.map((l: any) => l.licenseId)).toEqual(['pair']);
  });

  it('opens the pair link only to requests signed with the pair secret, recent and never seen before', async () => {
    const path = '/api/1.0/instances/~/failover/heartbeat';
    const body = JSON.stringify({ epoch: 'intruder', seq: 0 });
    const send = (header?: string) => callJson(pair.backup!.url, 'POST', path, body, header ? { 'x-tally-pair': header } : {});
    const unsigned = await send();
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.details[0].field).toBe('headers.x-tally-pair');
    expect((await send(signRequest('another secret, as long', 'POST', path, body, Date.now()).header)).status).toBe(401);
    expect((await send(signRequest(PAIR_SECRET, 'POST', path, body, Date.now() - 3_600_000).header)).status).toBe(401);
    const signed = signRequest(PAIR_SECRET, 'POST', path, body, Date.now()).header;
    expect((await send(signed)).status).toBe(200);
    expect((await send(signed)).status).toBe(401);
    // The pair's state is for logged-in users.
    expect((await pair.backup!.get('/api/1.0/instances/~/failover')).status).toBe(401);
  });

  it('refuses a change that does not follow the last one the backup holds, and one it cannot apply, changing nothing', async () => {
    const path = '/api/1.0/instances/~/failover/changes';
    const post = (payload: unknown) => {
      const body = JSON.stringify(payload);
      return callJson(pair.backup!.url, 'POST', path, body, { 'x-tally-pair': signRequest(PAIR_SECRET, 'POST', path, body, Date.now()).header });
    };
    const gap = await post({ epoch: 'another-main', batches: [{ seq: 7, ops: [['deleteHolding', ['x']]] }] });
    expect(gap.status).toBe(409);
    expect(gap.body.error.details[0].field).toBe('body.batches.0.seq');
    const health = (await pair.backup!.get('/api/1.0/health')).body.failover;
    const [epoch, seq] = health.position.split(':');
    const unknown = await post({ epoch, batches: [{ seq: Number(seq) + 1, ops: [['dropEverything', []]] }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0].field).toBe('body.batches.0.ops.0.0');
    expect((await pair.backup!.get('/api/1.0/health')).body.failover.position).toBe(health.position);
  });

  it('serves from the backup once the main is silent for the takeover delay, and the main takes those changes back before it serves again', async () => {
    await pair.main!.stop();
    await until(async () => (await failoverState(pair.backup!)).serving, 15_000);
    const status = await failoverState(pair.backup!);
    expect(status).toMatchObject({ state: 'serving' });

    // The backup serves from the synchronized state: desk-1's seat is still held, so two are left.
    const granted = await pair.backup!.post(CAPABILITY, capability('desk-2', [{ name: 'seat', count: 2 }]));
    expect(held(granted.body)).toBe(2);
    const over = await pair.backup!.post(CAPABILITY, capability('desk-3', [{ name: 'seat', count: 1 }]));
    expect(over.body.denied).toHaveLength(1);
    const returned = await pair.backup!.post(CAPABILITY, capability('desk-1', [{ name: 'seat', count: 0 }]));
    expect(held(returned.body)).toBe(0);

    const main = await pair.startMain();
    expect(storedHoldings(main.dataDir)).toEqual([expect.objectContaining({ device_key: 'STRING:desk-2', feature: 'seat', count: 2 })]);
    const status2 = await main.post(CAPABILITY, capability('desk-2', [{ name: 'seat', count: 2 }]));
    expect(held(status2.body)).toBe(2);
    await until(async () => (await failoverState(pair.backup!)).state === 'standby', 10_000);
    expect((await pair.backup!.post(CAPABILITY, capability('desk-4', [{ name: 'seat', count: 1 }]))).status).toBe(503);
    // And the main streams to the backup again.
    const more = await main.post(CAPABILITY, capability('desk-5', [{ name: 'seat', count: 1 }]));
    expect(held(more.body)).toBe(1);
    expect(seatsOn(pair.backup!.dataDir)).toBe(3);
  });

  it('keeps the main serving while its backup is down, and catches the backup up when it returns', async () => {
    await pair.backup!.stop();
    const alone = await pair.main!.post(CAPABILITY, capability('desk-5', [{ name: 'seat', count: 0 }]));
    expect(alone.status).toBe(200);
    expect(held(alone.body)).toBe(0);
    expect(await failoverState(pair.main!)).toMatchObject({ serving: true, peerReachable: false, lagBatches: null });
    const backup = await pair.startBackup();
    await until(async () => seatsOn(backup.dataDir) === 2, 15_000);
    expect(await failoverState(pair.main!)).toMatchObject({ serving: true, peerReachable: true, lagBatches: 0 });
  });

  it('never shows or logs the pair secret', async () => {
    const res = await pair.main!.get('/api/1.0/instances/~/properties/failover.secret', { authorization: `Bearer ${await pair.main!.adminToken()}` });
    expect(res.body).toMatchObject({ value: 'set', editable: false, lockedBy: 'configuration' });
    expect(logLines.some((l) => l.event === 'failover.took_over')).toBe(true);
    expect(JSON.stringify(logLines)).not.toContain(PAIR_SECRET);
  });
});

describe('a partition: both servers up, the link between them cut', () => {
  let pair: FailoverPair;
  beforeAll(async () => {
    pair = await failoverPair({ features: FEATURES, cuttable: true });
  });
  afterAll(async () => pair.stop());

  it('lets both serve, over-allocating at most the counts free when the link broke; once it heals, the main takes the backup\'s state and forgets what it granted alone', async () => {
    expect(held((await pair.main!.post(CAPABILITY, capability('before', [{ name: 'seat', count: 1 }]))).body)).toBe(1);
    await pair.link!.cut();
    // The main serves alone: a backup it cannot reach does not stop it.
    expect(held((await pair.main!.post(CAPABILITY, capability('main-side', [{ name: 'seat', count: 1 }]))).body)).toBe(1);
    await until(async () => (await failoverState(pair.backup!)).serving, 15_000);
    // The backup serves from the state it last received: the two counts free when the link broke.
    expect(held((await pair.backup!.post(CAPABILITY, capability('backup-side', [{ name: 'seat', count: 2 }]))).body)).toBe(2);
    expect((await pair.backup!.post(CAPABILITY, capability('backup-more', [{ name: 'seat', count: 1 }]))).body.denied).toHaveLength(1);
    // 4 counts granted across the two for 3 licensed: one over, and never more than the 2 free at the cut.
    expect(seatsOn(pair.main!.dataDir) + seatsOn(pair.backup!.dataDir) - 1).toBe(4);

    await pair.link!.heal();
    await until(async () => (await failoverState(pair.backup!)).state === 'standby' && (await failoverState(pair.main!)).lagBatches === 0, 15_000);
    expect(storedHoldings(pair.main!.dataDir).map((h) => `${h.device_key}:${h.count}`).sort()).toEqual(['STRING:backup-side:2', 'STRING:before:1']);
    const renewal = await pair.main!.post(CAPABILITY, capability('main-side', [{ name: 'seat', count: 1 }]));
    expect(held(renewal.body)).toBe(0);
    expect(renewal.body.denied).toHaveLength(1);
    expect(seatsOn(pair.backup!.dataDir)).toBe(3);
  });
});

describe('the failover settings', () => {
  it('refuse to start a main or a backup without the other server\'s URL and the pair secret, naming both', async () => {
    await expect(startTestServer({ settings: { 'failover.role': 'backup' } })).rejects.toMatchObject({
      details: [
        { field: 'failover.peerUrl', message: 'is needed when failover.role is backup' },
        { field: 'failover.secret', message: 'is needed when failover.role is backup' },
      ],
    });
    await expect(startTestServer({ settings: { 'failover.role': 'main', 'failover.peerUrl': 'http://127.0.0.1:9', 'failover.secret': 'short' } })).rejects.toThrow(/failover.secret must be at least 16 characters/);
  });
});

describe('the failover period', () => {
  let pair: FailoverPair;
  beforeAll(async () => {
    pair = await failoverPair({ features: FEATURES, settings: { 'failover.maintenanceInterval': 3 } });
  });
  afterAll(async () => pair.stop());

  it('ends the backup’s serving after the failover period the producer set, with a refusal that says so', async () => {
    await pair.main!.stop();
    await until(async () => (await failoverState(pair.backup!)).serving, 15_000);
    expect((await pair.backup!.post(CAPABILITY, capability('late-1', [{ name: 'seat', count: 1 }]))).status).toBe(200);
    await until(async () => (await failoverState(pair.backup!)).state === 'period-over', 15_000);
    const refused = await pair.backup!.post(CAPABILITY, capability('late-2', [{ name: 'seat', count: 1 }]));
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('FAILOVER_PERIOD_OVER');
    // The main takes the changes back even so.
    const main = await pair.startMain();
    expect(storedHoldings(main.dataDir)).toEqual([expect.objectContaining({ device_key: 'STRING:late-1' })]);
  });

  it('lets no administrator change the failover period: the producer locks it', async () => {
    const res = await pair.main!.call('PUT', '/api/1.0/instances/~/properties', { 'failover.maintenanceInterval': '1d' }, { authorization: `Bearer ${await pair.main!.adminToken()}` });
    expect(res.status).toBe(400);
  });
});
