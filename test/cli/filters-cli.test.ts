import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { ADMIN_PASSWORD, CAPABILITY, startTestServer } from '../support/test-server.js';
import { runTally } from '../support/tally-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tally-filters-cli-'));
const env = { ...process.env, TALLY_HOME: join(dir, 'home') };

const tally = (args: string[], input = '') => runTally(args, env, input);

const FILTER = `filter "cli" {
  deny feature("cad") and devicetype(VIRTUAL) because "CAD runs on workstations only"
}
`;

describe('tally admin filters', () => {
  let server: TestServer;
  let s: string[];

  beforeAll(async () => {
    server = await startTestServer({ features: [{ name: 'cad', version: '2.0', count: 5, expiry: 'permanent' }] });
    await server.adminToken();
    s = ['--server', server.url];
    expect((await tally(['admin', 'login', '--user', 'admin', ...s], `${ADMIN_PASSWORD}\n`)).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a filter with its line and column, then validates, sets, shows and deletes one', async () => {
    writeFileSync(join(dir, 'bad.filter'), 'filter "bad" {\n  deny devicetype(LAPTOP)\n}\n');
    const bad = await tally(['admin', 'filters', 'validate', join(dir, 'bad.filter'), ...s]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: Line 2, column 19: Expected one of PHYSICAL, VIRTUAL, CONTAINER, UNKNOWN/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    expect((await tally(['admin', 'filters', 'set', join(dir, 'bad.filter'), ...s])).code).toBe(1);

    writeFileSync(join(dir, 'good.filter'), FILTER);
    const valid = await tally(['admin', 'filters', 'validate', join(dir, 'good.filter'), ...s]);
    expect(valid.stdout).toMatch(/Filter "cli" is valid/);
    expect(valid.stdout).toMatch(/2\s+deny\s+deny feature\("cad"\) and devicetype\(VIRTUAL\)/);
    expect((await server.get('/api/1.0/instances/~/filters', { authorization: `Bearer ${await server.adminToken()}` })).status).toBe(404);

    const set = await tally(['admin', 'filters', 'set', join(dir, 'good.filter'), ...s]);
    expect(set.code).toBe(0);
    expect(set.stdout).toMatch(/Activated "cli"/);
    expect(set.stdout).toMatch(/default allow; days and hours in UTC/);
    const refused = await server.post(CAPABILITY, { device: { hostId: { value: 'vm', type: 'STRING' }, deviceType: 'VIRTUAL' }, features: [{ name: 'cad', version: '2.0', count: 1 }] });
    expect(refused.body.denied).toMatchObject([{ code: 67, description: 'Checkout filter "cli", line 2: CAD runs on workstations only' }]);

    expect((await tally(['admin', 'filters', 'show', ...s])).stdout).toBe(FILTER);
    const out = join(dir, 'shown.filter');
    expect((await tally(['admin', 'filters', 'show', '--out', out, ...s])).stdout).toMatch(/Wrote filter "cli"/);
    expect(readFileSync(out, 'utf8')).toBe(FILTER);
    const json = JSON.parse((await tally(['admin', 'filters', 'show', '--json', ...s])).stdout);
    expect(json).toMatchObject({ name: 'cli', filter: { rules: [{ line: 2, action: 'deny' }] } });

    expect((await tally(['admin', 'filters', 'set', join(dir, 'good.filter'), ...s])).stdout).toMatch(/Replaced the filter with "cli"/);
    expect((await tally(['admin', 'filters', 'delete', ...s])).stdout).toMatch(/Deleted the checkout filter/);
    const none = await tally(['admin', 'filters', 'show', ...s]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No checkout filter is active/);
  }, 60_000);
});
