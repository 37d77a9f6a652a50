import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_WEB_DIR } from '../../src/http/web-routes.js';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import type { TestServer } from '../support/test-server.js';
import { startTestServer } from '../support/test-server.js';

const built = existsSync(join(DEFAULT_WEB_DIR, 'manager.html')) && existsSync(join(DEFAULT_WEB_DIR, 'index.html'));

async function page(url: string) {
  const res = await fetch(url);
  const body = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', csp: res.headers.get('content-security-policy') ?? '', body };
}

/** Which app answers which path: the manager on a license server, the report and the manager on a back office. */
describe.skipIf(!built)('the browser apps each role serves (needs `npm run build`)', () => {
  let server: TestServer;
  let bo: TestBackoffice;
  beforeAll(async () => {
    [server, bo] = await Promise.all([startTestServer(), startTestBackoffice()]);
  });
  afterAll(async () => Promise.all([server?.stop(), bo?.stop()]));

  it('answers the License Server Manager at / of a license server, and for every client route of it', async () => {
    for (const path of ['/', '/features', '/features/records/cad-a?x=1', '/reservations/add']) {
      const res = await page(`${server.url}${path}`);
      expect([path, res.status, res.type.startsWith('text/html')]).toEqual([path, 200, true]);
      expect(res.body).toContain('License Server Manager');
    }
  });

  it('lets the manager call other license servers (its Settings may name one) but keeps scripts to its own origin', async () => {
    const res = await page(`${server.url}/`);
    expect(res.csp).toContain("connect-src 'self' http: https:");
    expect(res.csp).toContain("script-src 'self'");
    expect(res.csp).toContain("frame-ancestors 'none'");
  });

  it('keeps API paths, missing files and the page files themselves out of the app', async () => {
    const api = await page(`${server.url}/api/1.0/instances/~/nothing-here`);
    expect([api.status, JSON.parse(api.body).error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await page(`${server.url}/assets/missing.js`)).status).toBe(404);
    expect((await page(`${server.url}/branding/nothing`)).status).toBe(404);
  });

  it('answers the report at / of a back office with the page-only policy, and the manager under /manager', async () => {
    const report = await page(`${bo.url}/denials?accounts=acme`);
    expect([report.status, report.body.includes('Usage and Denials')]).toEqual([200, true]);
    expect(report.csp).toContain("connect-src 'self';");
    for (const path of ['/manager', '/manager/', '/manager/features']) {
      const manager = await page(`${bo.url}${path}`);
      expect([path, manager.status, manager.body.includes('License Server Manager')]).toEqual([path, 200, true]);
      expect(manager.csp).toContain("connect-src 'self' http: https:");
    }
    // A path that only starts like the manager's is the report's.
    expect((await page(`${bo.url}/managers`)).body).toContain('Usage and Denials');
  });
});
