import type { AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restSource } from '../../src/importers/monitor/snapshot-sources.js';

// A FlexNet Embedded style server: `/features` and `/clients`, no `/devices`.
const FEATURES = [
  { featureName: 'solid', count: 10, used: 3 },
  { featureName: 'solid', count: '5', used: '1' },
  { featureName: 'viewer', uncounted: true, used: 2 },
];
const CLIENTS = {
  items: [
    { hostId: { value: '0A1B2C3D4E5F', type: 'ETHERNET' }, hostName: 'ws7', user: 'ann', features: [{ featureName: 'solid', featureVersion: '2.1', count: 3, grantedAt: '2024-06-03T09:00:00Z' }] },
    { hostId: 'ws8-id', user: null, features: [{ featureName: 'viewer', count: 2 }] },
  ],
};

describe('restSource on a FlexNet Embedded style server', () => {
  let server: Server;
  let url = '';
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization ?? '-'}`);
      const path = (req.url ?? '').split('?')[0];
      const body = path === '/api/1.0/instances/~/features' ? FEATURES : path === '/api/1.0/instances/~/clients' ? CLIENTS : null;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? { error: 'not found' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sums the features per name and reads the holdings of each client', async () => {
    const snap = await restSource(url, 'tok', 2000)(Date.UTC(2024, 5, 3, 10));
    expect(snap.complete).toBe(true);
    expect(snap.features).toEqual([
      { daemon: 'rest', feature: 'solid', issued: 15, inUse: 4, queued: 0, reserved: 0 },
      { daemon: 'rest', feature: 'viewer', issued: null, inUse: 2, queued: 0, reserved: 0 },
    ]);
    expect(snap.checkouts.map((c) => `${c.feature} ${c.version} x${c.count} ${c.user}@${c.host} ${c.since === null ? '-' : new Date(c.since).toISOString()}`)).toEqual([
      'solid 2.1 x3 ann@ws7 2024-06-03T09:00:00.000Z',
      'viewer 0.0 x2 null@ws8-id -',
    ]);
    expect(seen.every((s) => s.endsWith('Bearer tok'))).toBe(true);
  });

  it('fails the poll when the server answers an error', async () => {
    await expect(restSource(`${url}/nowhere`, null, 2000)(0)).rejects.toThrow(/answered 404/);
  });
});
