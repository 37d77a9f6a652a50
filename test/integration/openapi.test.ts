import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import type { TestServer } from '../support/test-server.js';
import { startTestServer } from '../support/test-server.js';

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/** Every JSON route of an app that its OpenAPI document leaves without a described answer. */
function undescribed(routes: ReadonlyArray<{ method: string; url: string }>, doc: { paths: Record<string, Record<string, Operation>> }): string[] {
  return routes
    .filter((r) => !['HEAD', 'OPTIONS'].includes(r.method) && !r.url.startsWith('/docs') && r.url !== '/*')
    .filter((r) => {
      const operation = doc.paths[r.url.replace(/:(\w+)/g, '{$1}')]?.[r.method.toLowerCase()];
      const answers = Object.entries(operation?.responses ?? {}).filter(([status]) => status.startsWith('2'));
      return answers.length === 0 || answers.some(([, answer]) => answer.content?.['application/json']?.schema === undefined);
    })
    .map((r) => `${r.method} ${r.url}`);
}

describe('the OpenAPI documents', () => {
  let server: TestServer;
  let bo: TestBackoffice;
  beforeAll(async () => {
    server = await startTestServer();
    bo = await startTestBackoffice();
  });
  afterAll(async () => {
    await server.stop();
    await bo.stop();
  });

  it("describe the answer of every route of the license server, from the route's own schema", async () => {
    const doc = (await server.get('/docs/json')).body;
    expect(undescribed(server.app.registeredRoutes, doc)).toEqual([]);
  });

  it("describe the answer of every route of the back office, from the route's own schema", async () => {
    const doc = (await bo.call('GET', '/docs/json')).body;
    expect(undescribed(bo.app.registeredRoutes, doc)).toEqual([]);
  });
});
