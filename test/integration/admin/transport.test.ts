import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../../support/test-server.js';
import { startTestServer } from '../../support/test-server.js';

describe('CORS for a License Server Manager served from another origin', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ settings: { 'security.corsOrigins': ['https://manager.example.com'] } });
  });
  afterAll(async () => server.stop());

  const preflight = (origin: string) =>
    fetch(`${server.url}/api/1.0/instances/~/features`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });

  it('answers a preflight from an allowed origin, without credentials', async () => {
    const res = await preflight('https://manager.example.com');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://manager.example.com');
    expect(res.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('allows no other origin', async () => {
    const res = await preflight('https://evil.example.com');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('puts CORS headers on refusals too, so the browser can show them', async () => {
    const res = await fetch(`${server.url}/api/1.0/instances/~/features`, { headers: { origin: 'https://manager.example.com' } });
    expect(res.status).toBe(401);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://manager.example.com');
  });

  it('follows a change of security.corsOrigins at once', async () => {
    const auth = { authorization: `Bearer ${await server.adminToken()}` };
    await server.call('PUT', '/api/1.0/instances/~/properties', { 'security.corsOrigins': ['https://other.example.com'] }, auth);
    expect((await preflight('https://other.example.com')).headers.get('access-control-allow-origin')).toBe('https://other.example.com');
    expect((await preflight('https://manager.example.com')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('HTTPS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the API over HTTPS with the configured certificate and key', async () => {
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    } catch {
      console.warn('skipped: openssl is not installed, so no test certificate can be made');
      return;
    }
    const server = await startTestServer({ settings: { 'server.https.certFile': join(dir, 'cert.pem'), 'server.https.keyFile': join(dir, 'key.pem') } });
    try {
      expect(server.url).toMatch(/^https:/);
      const body = await new Promise<string>((resolve, reject) => {
        request(`${server.url}/api/1.0/health`, { rejectUnauthorized: false }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
      expect(JSON.parse(body)).toMatchObject({ status: 'ok' });
    } finally {
      await server.stop();
    }
  });

  it('refuses a certificate without its key, naming the setting', async () => {
    await expect(startTestServer({ settings: { 'server.https.certFile': join(dir, 'cert.pem') } })).rejects.toThrow(/server.https/);
  });
});
