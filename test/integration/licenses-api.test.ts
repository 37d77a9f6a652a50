import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateProducerKeys, signLicense } from '../../src/licensing/license-file.js';
import type { TestServer } from '../support/test-server.js';
import { CAPABILITY, capability, startTestServer } from '../support/test-server.js';

const LICENSES = '/api/1.0/instances/~/licenses';
const features = [{ name: 'cad', version: '1.0', count: 2, expiry: 'permanent' }];

describe('loading signed license files over the admin API', () => {
  let server: TestServer;
  let auth: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer();
    auth = { authorization: `Bearer ${await server.adminToken()}` };
  });
  afterAll(async () => server.stop());

  const state = async () => ({
    licenses: (await server.get(LICENSES, auth)).body.licenses,
    grant: (await server.post(CAPABILITY, capability('probe', [{ name: 'cad', count: 1 }], { operation: 'preview' }))).body,
  });

  it('refuses anonymous callers', async () => {
    const res = await server.post(LICENSES, server.sign({ features }));
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  it('loads a license signed by the configured producer and serves its features', async () => {
    const res = await server.post(LICENSES, server.sign({ licenseId: 'L-A', features }), auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ replaced: false, license: { licenseId: 'L-A', records: 1 } });
    const grant = await server.post(CAPABILITY, capability('d1', [{ name: 'cad', count: 2 }]));
    expect(grant.body.denied).toEqual([]);
  });

  it.each([
    {
      why: 'its content was altered',
      file: (s: TestServer) => {
        const f = s.sign({ licenseId: 'L-A', features: [{ ...features[0], count: 99 }] });
        f.payload.features[0]!.count = 999;
        return f;
      },
      message: /altered/,
    },
    {
      why: 'it is unsigned',
      file: (s: TestServer) => {
        const { signature: _unused, ...rest } = s.sign({ licenseId: 'L-A', features });
        return rest;
      },
      message: /not signed/,
    },
    { why: 'another producer signed it', file: () => signLicense({ licenseId: 'L-A', features }, generateProducerKeys().privateKeyPem), message: /another producer/ },
    { why: 'its signature expired', file: (s: TestServer) => s.sign({ licenseId: 'L-A', features }, { now: Date.now() - 7200_000, validFor: 3600 }), message: /expired/ },
    { why: 'it is an older issue of a loaded license', file: (s: TestServer) => s.sign({ licenseId: 'L-A', features }, { now: Date.now() - 60_000 }), message: /older issue/ },
    {
      why: 'it makes a concurrent feature metered',
      file: (s: TestServer) => s.sign({ licenseId: 'L-B', features: [{ name: 'cad', version: '2.0', count: 5, expiry: 'permanent', model: 'metered' }] }),
      message: /one license model/,
    },
  ])('refuses a file when $why, with a clear error and no change', async ({ file, message }) => {
    const before = await state();
    const res = await server.post(LICENSES, file(server), auth);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('LICENSE_REJECTED');
    expect(res.body.error.message).toMatch(message);
    expect(res.body.error.details.length).toBeGreaterThan(0);
    const after = await state();
    expect(after.licenses).toEqual(before.licenses);
    expect(after.grant.granted).toEqual(before.grant.granted);
    expect(after.grant.denied).toEqual(before.grant.denied);
  });

  it('replaces a license by a newer issue and keeps the leases on its records', async () => {
    const res = await server.post(LICENSES, server.sign({ licenseId: 'L-A', features: [{ ...features[0], count: 3 }] }), auth);
    expect(res.body.replaced).toBe(true);
    const status = await server.post(CAPABILITY, { device: { hostId: { value: 'd1', type: 'STRING' } } });
    expect(status.body.granted).toEqual([expect.objectContaining({ feature: 'cad', count: 2 })]);
    const more = await server.post(CAPABILITY, capability('d2', [{ name: 'cad', count: 1 }]));
    expect(more.body.denied).toEqual([]);
  });

  it('removes a license; its features are then no longer served', async () => {
    expect((await server.post(LICENSES, server.sign({ licenseId: 'L-C', features: [{ name: 'extra', version: '1.0', count: 1, expiry: 'permanent' }] }), auth)).status).toBe(200);
    const removed = await fetch(`${server.url}${LICENSES}/L-C`, { method: 'DELETE', headers: auth });
    expect(removed.status).toBe(204);
    const res = await server.post(CAPABILITY, capability('d3', [{ name: 'extra', count: 1 }]));
    expect(res.body.denied[0].code).toBe(15);
  });
});

describe('a server without a producer key', () => {
  it('refuses every license file and says which setting is missing', async () => {
    const server = await startTestServer({ settings: { 'producer.publicKeyFile': null } });
    try {
      const res = await server.post(LICENSES, server.sign({ features }), { authorization: `Bearer ${await server.adminToken()}` });
      expect(res.status).toBe(422);
      expect(res.body.error.details[0].field).toBe('producer.publicKeyFile');
    } finally {
      await server.stop();
    }
  });
});
