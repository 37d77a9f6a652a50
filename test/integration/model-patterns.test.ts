import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerProcess } from '../support/server-process.js';
import { processAdminToken, startServerProcess, writeLicenseFiles } from '../support/server-process.js';
import { CAPABILITY, callJson } from '../support/test-server.js';

const BASE = '/api/1.0/instances/~';

// Each of these takes exponential time on a backtracking engine for a run of "a" (or of word
// characters) that ends in a character the pattern cannot take; none has nested repetition.
const MODEL = `model "patterns" {
  partitions { partition "svc" { "cad" 2.0 1 } }
  on user(~/^(a|a)*$/, ~/^(a|aa)*$/, ~/^(\\w|\\d)*$/) { use "svc" accept }
}`;

/**
 * The server runs as a process of its own: on an engine that backtracks, the request below
 * would hold its event loop for longer than the test may wait, and the test must be able to
 * fail rather than hang with it.
 */
describe('regular expressions of the model over HTTP, against a server of its own', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-patterns-'));
  const dataDir = join(dir, 'data');
  let server: ServerProcess;
  let auth: Record<string, string>;

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => callJson(server.url, method, path, body, headers);

  beforeAll(async () => {
    writeLicenseFiles(dir, { licenseId: 'patterns', features: [{ name: 'cad', version: '2.0', count: 5, expiry: 'permanent' }] });
    server = await startServerProcess(dir, dataDir);
    auth = { authorization: `Bearer ${await processAdminToken(server)}` };
  });
  afterAll(() => {
    server.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('accepts overlapping alternation under a star as a model, since patterns run in linear time', async () => {
    const res = await call('PUT', `${BASE}/model`, { text: MODEL }, auth);
    expect(res.status).toBe(200);
  });

  it('answers an anonymous request with a long adversarial user, and health meanwhile', async () => {
    const adversarial = (user: string) =>
      call('POST', CAPABILITY, { device: { hostId: { value: `dev-${user.length}`, type: 'STRING' }, user }, features: [{ name: 'cad', version: '2.0', count: 1 }] });
    const [word, letters, health] = await Promise.all([adversarial(`${'a'.repeat(255)}!`), adversarial(`${'a1'.repeat(127)}!`), call('GET', '/api/1.0/health')]);
    expect(health.status).toBe(200);
    // No pattern matches these users: they draw from default, not from "svc".
    expect(word.body.granted).toMatchObject([{ feature: 'cad', count: 1, pool: 'default' }]);
    expect(letters.body.granted).toMatchObject([{ feature: 'cad', count: 1, pool: 'default' }]);
    const matching = await adversarial('a'.repeat(256));
    expect(matching.body.granted).toMatchObject([{ feature: 'cad', count: 1, pool: 'svc' }]);
  });
});
