import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import type { TestServer } from '../support/test-server.js';
import { startTestServer } from '../support/test-server.js';

/** The browser policy each role sends with every answer, whatever the answer is. */
describe('security headers on both roles', () => {
  let bo: TestBackoffice;
  let server: TestServer;

  beforeAll(async () => {
    [bo, server] = await Promise.all([startTestBackoffice(), startTestServer()]);
  });
  afterAll(async () => {
    await Promise.all([bo?.stop(), server?.stop()]);
  });

  const answers = (): Array<[string, string, RequestInit?]> => [
    ['back office page', `${bo.url}/`],
    ['back office client route', `${bo.url}/denials?accounts=acme`],
    ['back office health', `${bo.url}/api/1.0/health`],
    ['back office report without login (401)', `${bo.url}/api/reports/usage-denials/events`],
    ['back office unknown API path (404)', `${bo.url}/api/nothing`],
    ['back office broken URL encoding (400)', `${bo.url}/%`],
    ['back office API reference', `${bo.url}/docs/`],
    ['back office CORS preflight', `${bo.url}/api/1.0/health`, { method: 'OPTIONS', headers: { origin: 'http://elsewhere', 'access-control-request-method': 'GET' } }],
    ['server health', `${server.url}/api/1.0/health`],
    ['server admin list without login (401)', `${server.url}/api/1.0/instances/~/features`],
    ['server unknown path (404)', `${server.url}/nothing`],
    ['server broken URL encoding (400)', `${server.url}/%`],
    ['server API reference', `${server.url}/docs/`],
    ['server bad JSON (400)', `${server.url}/api/1.0/instances/~/capability`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' }],
  ];

  it('sends a strict Content-Security-Policy, nosniff, a referrer policy and no framing with every answer', async () => {
    for (const [name, url, init] of answers()) {
      const res = await fetch(url, init);
      await res.arrayBuffer();
      const csp = res.headers.get('content-security-policy') ?? '';
      const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
      expect(directives['default-src'], name).toEqual(["'self'"]);
      // No inline script and no eval: markup that reached the page could not run.
      expect(directives['script-src'], name).toEqual(["'self'"]);
      expect(directives['object-src'], name).toEqual(["'none'"]);
      expect(directives['frame-ancestors'], name).toEqual(["'none'"]);
      expect(res.headers.get('x-frame-options'), name).toBe('DENY');
      expect(res.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), name).toBe('no-referrer');
    }
  });
});
