import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestBackoffice } from '../support/test-backoffice.js';
import { startTestBackoffice } from '../support/test-backoffice.js';
import type { TestServer } from '../support/test-server.js';
import { ADMIN_PASSWORD, startTestServer } from '../support/test-server.js';
import { runTally } from '../support/tally-cli.js';

/** An administrator activating and updating a license server's licenses with `tally admin`. */
describe('tally admin activate, update-licenses, offline and license-updates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-updates-cli-'));
  const env = { ...process.env, TALLY_HOME: join(dir, 'home') };
  let backoffice: TestBackoffice;
  let server: TestServer;
  const tally = (args: string[], input = '') => runTally([...args, '--server', server.url], env, input);

  beforeAll(async () => {
    backoffice = await startTestBackoffice();
    backoffice.registry.addAccount({ id: 'acme', name: 'Acme' });
    backoffice.catalog.addProduct({ id: 'cad', name: 'Tally CAD', features: [{ name: 'cad', version: '2.0', count: 1 }] });
    backoffice.catalog.addEntitlement({ id: 'ENT-1', accountId: 'acme', lineItems: [{ activationId: 'ACT-CAD', productId: 'cad', quantity: 5 }] });
    server = await startTestServer({ keys: backoffice.producerKey, settings: { 'capabilityPolling.url': backoffice.url } });
    await server.adminToken();
    expect((await tally(['admin', 'login', '--user', 'admin', '--password-stdin'], ADMIN_PASSWORD)).code).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await backoffice?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('activates ID=COUNT online and lists what the server now holds', async () => {
    const run = await tally(['admin', 'activate', 'ACT-CAD=2']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/1 feature record added/);
    expect(run.stdout).toMatch(/ACT-CAD\s+Tally CAD\s+2\s+3\s+permanent/);
  });

  it('says which activation ID was refused and why, and exits with an error', async () => {
    const run = await tally(['admin', 'activate', 'ACT-CAD=9', 'NOPE=1']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/ACT-CAD has 3 of 5 left to activate; 9 asked/);
    expect(run.stderr).toMatch(/NOPE is not an activation ID/);
  });

  it('updates licenses now and says when nothing changed', async () => {
    backoffice.catalog.setServerCount('ACT-CAD', server.service.instanceId, { count: 4 });
    expect((await tally(['admin', 'update-licenses'])).stdout).toMatch(/cad 2\.0: 2 → 4/);
    expect((await tally(['admin', 'update-licenses'])).stdout).toMatch(/No change/);
  });

  it('writes an offline request file and applies the response the back office made of it', async () => {
    const file = join(dir, 'request.json');
    const request = await tally(['admin', 'offline', 'request', '--activate', 'ACT-CAD=1', '-o', file]);
    expect(request.stdout).toMatch(/Wrote .*request\.json/);
    expect(existsSync(file)).toBe(true);
    const answer = await backoffice.call('POST', '/api/1.0/backoffice/offline', JSON.parse(readFileSync(file, 'utf8')), { authorization: `Bearer ${await backoffice.adminToken()}` });
    const responseFile = join(dir, 'response.json');
    writeFileSync(responseFile, JSON.stringify(answer.body));
    expect((await tally(['admin', 'offline', 'load', responseFile])).stdout).toMatch(/cad 2\.0: 4 → 5/);
    const again = await tally(['admin', 'offline', 'load', responseFile]);
    expect(again.stderr).toMatch(/already applied/);
    const history = await tally(['admin', 'license-updates']);
    expect(history.stdout).toMatch(/Activated by http/);
    expect(history.stdout).toMatch(/offline-response\s+1 record changed/);
  });
});
