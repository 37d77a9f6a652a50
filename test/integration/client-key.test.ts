import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, signCapability } from '../../src/licensing/client-signature.js';
import { generateProducerKeys } from '../../src/licensing/license-file.js';
import { runTally } from '../support/tally-cli.js';
import type { TestServer } from '../support/test-server.js';
import { ADMIN_PASSWORD, CAPABILITY, capability, startTestServer } from '../support/test-server.js';

const CLIENT_KEY = '/api/1.0/instances/~/client-key';
const features = { licenseId: 'L-keys', features: [{ name: 'cad', version: '1.0', count: 10, expiry: 'permanent' }] };

const rsa = (bits = 2048) => generateKeyPairSync('rsa', { modulusLength: bits });
const client = rsa();
const stranger = rsa();
const spki = (keys: ReturnType<typeof rsa>) => keys.publicKey.export({ type: 'spki', format: 'der' });

/** PUTs bytes as the key file. */
async function upload(server: TestServer, bytes: Uint8Array, headers: Record<string, string>, contentType = 'application/octet-stream') {
  const res = await fetch(server.url + CLIENT_KEY, { method: 'PUT', headers: { ...headers, 'content-type': contentType }, body: bytes });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** A capability request for one count of cad, signed with `keys` when given. */
function ask(server: TestServer, device: string, keys?: ReturnType<typeof rsa>, alter?: (body: ReturnType<typeof capability>) => void) {
  const body = capability(device, [{ name: 'cad', count: 1 }]);
  const signature = keys ? signCapability(body, keys.privateKey) : undefined;
  alter?.(body);
  return server.post(CAPABILITY, body, signature ? { [SIGNATURE_HEADER]: signature } : {});
}

describe('the client key of a license server, with signing not required', () => {
  let server: TestServer;
  let admin: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer({ features });
    admin = { authorization: `Bearer ${await server.adminToken()}` };
  });
  afterAll(async () => server.stop());

  it('with no key uploaded, unsigned and signed capability requests are served as ever', async () => {
    expect((await server.get(CLIENT_KEY, admin)).body).toEqual({ present: false, keyId: null, bits: null, uploadedAt: null, uploadedBy: null, required: false });
    expect((await ask(server, 'plain')).body.granted).toHaveLength(1);
    expect((await ask(server, 'signed-early', client)).body.granted).toHaveLength(1);
  });

  it('uploads a 2048-bit RSA public key in DER as SubjectPublicKeyInfo or as PKCS#1, named by its fingerprint either way', async () => {
    const pkcs1 = await upload(server, client.publicKey.export({ type: 'pkcs1', format: 'der' }), admin);
    expect(pkcs1.status).toBe(200);
    expect(pkcs1.body).toMatchObject({ keyId: expect.stringMatching(/^[0-9a-f]{16}$/), bits: 2048, uploadedBy: 'admin', required: false });
    const res = await upload(server, spki(client), admin);
    expect(res.status).toBe(200);
    expect(res.body.keyId).toBe(pkcs1.body.keyId);
    const shown = (await server.get(CLIENT_KEY, admin)).body;
    expect(shown).toEqual({ present: true, keyId: res.body.keyId, bits: 2048, uploadedAt: res.body.uploadedAt, uploadedBy: 'admin', required: false });
    expect((await server.get('/api/1.0/health')).body.clientKey).toEqual({ present: true, keyId: res.body.keyId, required: false });
  });

  it.each([
    { what: 'a PEM text file', bytes: () => Buffer.from(client.publicKey.export({ type: 'spki', format: 'pem' })), message: /PEM \(text\) file: convert it to DER first, e\.g\. openssl rsa -pubin/ },
    { what: 'a 1024-bit RSA key', bytes: () => spki(rsa(1024)), message: /This RSA key has 1024 bits: the client key must have 2048/ },
    { what: 'an EC key', bytes: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' }), message: /not an RSA key but EC/ },
    { what: 'bytes that are no key', bytes: () => Buffer.from([0x30, 0x03, 0x02, 0x01, 0x07, 0xff]), message: /not a DER-encoded public key/ },
    { what: 'an empty file', bytes: () => Buffer.alloc(0), message: /The body is empty/ },
    { what: 'a 5 KB file', bytes: () => Buffer.alloc(5 * 1024, 0x30), message: /The file is 5120 bytes: a 2048-bit RSA public key in DER is at most 4 KB/ },
  ])('refuses $what, saying what is wrong with the file, and keeps the key it had', async ({ bytes, message }) => {
    const before = (await server.get(CLIENT_KEY, admin)).body;
    const res = await upload(server, bytes(), admin);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(res.body.error.message).toMatch(message);
    expect(res.body.error.details).toEqual([{ field: 'body', message: res.body.error.message }]);
    expect((await server.get(CLIENT_KEY, admin)).body).toEqual(before);
  });

  it('takes the key file only as application/octet-stream', async () => {
    const res = await upload(server, Buffer.from(JSON.stringify({ key: 'MIIB' })), admin, 'application/json');
    expect(res.status).toBe(415);
    expect(res.body.error.details).toEqual([{ field: 'content-type', message: 'must be application/octet-stream' }]);
  });

  it('a read-only user may see the client key but not upload or remove it; without a login, nothing', async () => {
    const reader = { authorization: `Bearer ${await server.userToken('auditor', 'read-only')}` };
    expect((await server.get(CLIENT_KEY, reader)).body.present).toBe(true);
    expect((await upload(server, spki(stranger), reader)).status).toBe(403);
    expect((await server.call('DELETE', CLIENT_KEY, undefined, reader)).status).toBe(403);
    expect((await server.get(CLIENT_KEY)).status).toBe(401);
  });

  it('once a key is uploaded: unsigned and rightly signed requests are served, a request signed with another key or altered after signing is refused', async () => {
    expect((await ask(server, 'unsigned')).body.granted).toHaveLength(1);
    expect((await ask(server, 'signed', client)).body.granted).toHaveLength(1);
    const other = await ask(server, 'other-key', stranger);
    expect(other.status).toBe(401);
    expect(other.body.error).toMatchObject({ code: 'CLIENT_SIGNATURE_REFUSED', details: [{ field: `headers.${SIGNATURE_HEADER}` }] });
    expect(other.body.error.message).toMatch(/signature does not verify with the client key of this server/);
    const altered = await ask(server, 'altered', client, (body) => (body.features[0]!.count = 5));
    expect(altered.status).toBe(401);
    const garbage = await server.post(CAPABILITY, capability('garbage', [{ name: 'cad', count: 1 }]), { [SIGNATURE_HEADER]: 'not a signature' });
    expect(garbage.body.error.code).toBe('CLIENT_SIGNATURE_REFUSED');
    // Refused before anything was decided: the refused devices hold nothing.
    const held = await server.post(CAPABILITY, capability('other-key', [], { operation: 'preview' }));
    expect(held.body.granted).toEqual([]);
  });

  it('the signature covers the values, not the spacing or key order of the JSON sent', async () => {
    const body = capability('reordered', [{ name: 'cad', count: 1 }]);
    const signature = signCapability(body, client.privateKey);
    const text = `{ "features" : ${JSON.stringify(body.features)},\n "device": ${JSON.stringify(body.device)} }`;
    const res = await server.post(CAPABILITY, text, { [SIGNATURE_HEADER]: signature });
    expect(res.status).toBe(200);
  });

  it('removing the key: signed requests are no longer checked, and removing it again is a 404', async () => {
    const removed = await server.call('DELETE', CLIENT_KEY, undefined, admin);
    expect(removed.status).toBe(204);
    expect((await server.get(CLIENT_KEY, admin)).body.present).toBe(false);
    expect((await ask(server, 'after-removal', stranger)).status).toBe(200);
    const again = await server.call('DELETE', CLIENT_KEY, undefined, admin);
    expect(again.status).toBe(404);
    expect(again.body.error.message).toMatch(/No client key is uploaded/);
  });
});

describe('the client key of a license server whose producer requires signed requests', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tally-client-key-'));
  const producer = generateProducerKeys();
  const settings = { 'licensing.requireClientSignature': true };
  const home = join(dataDir, 'home');
  let server: TestServer;
  let admin: Record<string, string>;
  beforeAll(async () => {
    server = await startTestServer({ features, dataDir, keys: producer, settings });
    admin = { authorization: `Bearer ${await server.adminToken()}` };
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('with no key uploaded, every capability request is refused, saying that no key is uploaded', async () => {
    expect((await server.get('/api/1.0/health')).body.clientKey).toEqual({ present: false, keyId: null, required: true });
    for (const res of [await ask(server, 'early'), await ask(server, 'early-signed', client)]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('CLIENT_SIGNATURE_REFUSED');
      expect(res.body.error.message).toMatch(/No client key is uploaded to this server/);
    }
  });

  it('the administrator cannot turn signing off: the producer locks the property', async () => {
    const res = await server.call('PUT', '/api/1.0/instances/~/properties', { 'licensing.requireClientSignature': false }, admin);
    expect(res.status).toBe(400);
    expect(res.body.error.details).toEqual([{ field: 'licensing.requireClientSignature', message: expect.stringMatching(/producer/) }]);
    expect((await server.get(CLIENT_KEY, admin)).body.required).toBe(true);
  });

  it('once a key is uploaded: an unsigned request is refused, one signed with the matching key granted, one signed with another key refused', async () => {
    const uploaded = await upload(server, spki(client), admin);
    expect(uploaded.body.required).toBe(true);
    const unsigned = await ask(server, 'unsigned');
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.message).toMatch(/The request is not signed/);
    expect((await ask(server, 'signed', client)).body.granted).toEqual([expect.objectContaining({ feature: 'cad', count: 1 })]);
    const other = await ask(server, 'other', stranger);
    expect(other.status).toBe(401);
    expect(other.body.error.message).toMatch(/does not verify/);
  });

  it('the key survives a restart', async () => {
    const before = (await server.get(CLIENT_KEY, admin)).body;
    await server.stop();
    server = await startTestServer({ dataDir, keys: producer, settings });
    admin = { authorization: `Bearer ${await server.adminToken()}` };
    expect((await server.get(CLIENT_KEY, admin)).body).toEqual(before);
    expect((await ask(server, 'after-restart', client)).body.granted).toHaveLength(1);
    expect((await ask(server, 'after-restart-unsigned')).status).toBe(401);
  });

  it('tally admin client-key uploads, shows and removes the key; the reference client with --sign-key is granted, without it refused', async () => {
    const env = { ...process.env, TALLY_HOME: home, TALLY_PASSWORD: ADMIN_PASSWORD };
    const tally = (...args: string[]) => runTally([...args, '--server', server.url], env);
    const der = join(dataDir, 'client.der');
    const pem = join(dataDir, 'client.pem');
    writeFileSync(der, spki(client));
    writeFileSync(pem, client.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect((await tally('admin', 'login', '-u', 'admin')).code).toBe(0);
    const uploaded = await tally('admin', 'client-key', 'upload', der);
    expect(uploaded.stdout).toMatch(/^Uploaded client key [0-9a-f]{16} \(RSA 2048 bits\)\. Signed capability requests are required\./);
    expect((await tally('admin', 'client-key', 'show')).stdout).toMatch(/[0-9a-f]{16}\s+2048\s+\S+\s+admin/);

    const client_ = (...args: string[]) => tally('client', 'request', 'cad=1', '--hostid', 'cli-signer', '--hostid-type', 'STRING', ...args);
    const signed = await client_('--sign-key', pem);
    expect(signed.code).toBe(0);
    expect(signed.stdout).toMatch(/held\s+cad\s+1\.0\s+x1/);
    const unsigned = await client_();
    expect(unsigned.code).not.toBe(0);
    expect(unsigned.stderr).toMatch(/not signed/);

    expect((await tally('admin', 'client-key', 'remove')).stdout).toContain('Removed the client key.');
  }, 60_000);
});
