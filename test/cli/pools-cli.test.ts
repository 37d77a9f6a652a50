import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../support/test-server.js';
import { ADMIN_PASSWORD, CAPABILITY, startTestServer } from '../support/test-server.js';
import { runTally } from '../support/tally-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tally-pools-cli-'));
const env = { ...process.env, TALLY_HOME: join(dir, 'home') };

const tally = (args: string[], input = '') => runTally(args, env, input);

const MODEL = `model "cli" {
  partitions { partition "eng" { "cad" 2.0 3 } }
  on user("alice") { use "eng" accept }
}
`;

describe('tally admin model, pools and reservations', () => {
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

  it('refuses a model that does not fit with the line and column, then activates, shows, lists and deletes one', async () => {
    writeFileSync(join(dir, 'bad.model'), 'model "over" {\n  partitions { partition "p" { "cad" 2.0 9 } }\n}\n');
    const bad = await tally(['admin', 'model', 'activate', join(dir, 'bad.model'), ...s]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: Line 2, column 32: The pools now take 9 of "cad" 2\.0, but the server holds 5/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);

    writeFileSync(join(dir, 'good.model'), MODEL);
    const activated = await tally(['admin', 'model', 'activate', join(dir, 'good.model'), ...s]);
    expect(activated.code).toBe(0);
    expect(activated.stdout).toMatch(/Activated "cli"/);
    expect(activated.stdout).toMatch(/eng\s+1\s+3/);

    const shown = await tally(['admin', 'model', 'show', ...s]);
    expect(shown.stdout).toBe(MODEL);

    await server.post(CAPABILITY, { device: { hostId: { value: 'a1', type: 'STRING' }, user: 'alice' }, features: [{ name: 'cad', version: '2.0', count: 2 }] });
    const pools = await tally(['admin', 'pools', ...s]);
    expect(pools.stdout).toMatch(/eng\s+cad\s+2\.0\s+permanent\s+3\s+2\s+normal/);
    expect(pools.stdout).toMatch(/default\s+cad\s+2\.0\s+permanent\s+2\s+0\s+normal/);

    expect((await tally(['admin', 'model', 'delete', ...s])).stdout).toMatch(/Deleted the model/);
    await server.post(CAPABILITY, { device: { hostId: { value: 'a1', type: 'STRING' }, user: 'alice' }, features: [{ name: 'cad', version: '2.0', count: 0 }] });
  }, 60_000);

  it('adds, lists, exports, deletes and imports reservation groups', async () => {
    const added = await tally(['admin', 'reservations', 'add', '--group', 'desk', '--device', 'ETHERNET:7200014F5DF0', '--feature', 'cad:1.0=2', ...s, '--json']);
    expect(added.code).toBe(0);
    const groupId = JSON.parse(added.stdout).id as string;
    const bad = await tally(['admin', 'reservations', 'add', '--group', 'big', '--device', 'USER:bob', '--feature', 'cad:1.0=9', ...s]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/nothing was added/);

    const list = await tally(['admin', 'reservations', 'list', ...s]);
    expect(list.stdout).toMatch(new RegExp(`satisfiable\\s+7200014F5DF0\\s+ETHERNET\\s+desk\\s+${groupId}\\s+cad\\s+1\\.0\\s+2`));

    const out = join(dir, 'reservations.json');
    expect((await tally(['admin', 'reservations', 'export', '--out', out, ...s])).code).toBe(0);
    const exported = JSON.parse(readFileSync(out, 'utf8'));
    expect(exported).toEqual([{ name: 'desk', reservations: [{ hostId: { value: '7200014F5DF0', type: 'ETHERNET' }, reservationEntries: [{ featureName: 'cad', featureVersion: '1.0', featureCount: 2 }] }] }]);

    expect((await tally(['admin', 'reservations', 'delete', groupId, ...s])).stdout).toMatch(/Deleted 1 reservation groups/);
    const imported = await tally(['admin', 'reservations', 'import', out, ...s]);
    expect(imported.stdout).toMatch(/Imported 1 reservation groups: desk/);
    expect((await server.get('/api/1.0/instances/~/reservationgroups/export', { authorization: `Bearer ${await server.adminToken()}` })).body).toEqual(exported);
  }, 60_000);
});
