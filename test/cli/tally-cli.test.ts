import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TallyProcess } from '../support/tally-cli.js';
import { TALLY, runTally, spawnTally, stopProcess } from '../support/tally-cli.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tally-cli-'));
const env = { ...process.env, TALLY_HOME: join(dir, 'home') };

/** Runs `tally ...` from the sources; resolves with its output and exit code. */
async function tally(args: string[], input?: string): Promise<{ stdout: string; stderr: string; code: number }> {
  if (input !== undefined) return runTally(args, env, input);
  try {
    const { stdout, stderr } = await run(process.execPath, [...TALLY, ...args], { env });
    return { stdout, stderr, code: 0 };
  } catch (error) {
    const e = error as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('the tally command line', () => {
  let server: TallyProcess;
  let url = '';
  const client = (cmd: string, ...args: string[]) => tally(['client', cmd, ...args, '--server', url, '--hostid', 'cli-box', '--hostid-type', 'STRING']);

  beforeAll(async () => {
    expect((await tally(['producer', 'keygen', '--out', join(dir, 'keys')])).code).toBe(0);
    writeFileSync(
      join(dir, 'features.json'),
      JSON.stringify({ licenseId: 'cli', features: [{ name: 'cad', version: '2.0', count: 2, expiry: 'permanent' }] }),
    );
    const signed = await tally(['producer', 'sign', join(dir, 'features.json'), '--key', join(dir, 'keys', 'producer.key'), '--out', join(dir, 'license.json')]);
    expect(signed.code).toBe(0);
    server = spawnTally('server', ['--data', join(dir, 'data'), '--producer-key', join(dir, 'keys', 'producer.pub'), '--license', join(dir, 'license.json')], env);
    url = await server.listening;
  }, 60_000);

  afterAll(async () => {
    await stopProcess(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it('tally server prints the address of the License Server Manager it serves', () => {
    expect(server.output()).toContain(`License Server Manager ${url}/\n`);
  });

  it('keeps the producer private key readable by its owner only', () => {
    expect(statSync(join(dir, 'keys', 'producer.key')).mode & 0o077).toBe(0);
  });

  it('requests, shows and returns licenses as a client', async () => {
    const granted = await client('request', 'cad:1.0=2');
    expect(granted.code).toBe(0);
    expect(granted.stdout).toMatch(/held\s+cad\s+2\.0\s+x2\s+lease/);
    const denied = await tally(['client', 'request', 'cad=1', '--server', url, '--hostid', 'other', '--hostid-type', 'STRING']);
    expect(denied.code).toBe(3);
    expect(denied.stdout).toMatch(/denied\s+cad\s+1\.0\s+x1\s+7 INSUFFICIENT_COUNT/);
    const status = await client('status', '--json');
    expect(JSON.parse(status.stdout).granted).toEqual([expect.objectContaining({ feature: 'cad', count: 2 })]);
    const renewed = await client('renew');
    expect(renewed.stdout).toMatch(/held\s+cad/);
    await client('return');
    expect(JSON.parse((await client('status', '--json')).stdout).granted).toEqual([]);
  });

  it('holds a lease until stopped, then gives it back', async () => {
    const holder = spawn(process.execPath, [...TALLY, 'client', 'request', 'cad=1', '--hold', '--server', url, '--hostid', 'holder', '--hostid-type', 'STRING'], { env });
    await new Promise<void>((resolve) => holder.stdout.on('data', (c: Buffer) => c.toString().includes('held') && resolve()));
    const during = await tally(['client', 'status', '--json', '--server', url, '--hostid', 'holder', '--hostid-type', 'STRING']);
    expect(JSON.parse(during.stdout).granted).toHaveLength(1);
    holder.kill('SIGINT');
    await new Promise((resolve) => holder.once('exit', resolve));
    const after = await tally(['client', 'status', '--json', '--server', url, '--hostid', 'holder', '--hostid-type', 'STRING']);
    expect(JSON.parse(after.stdout).granted).toEqual([]);
  }, 30_000);

  it('makes the admin replace the one-time password at first login, then administers the server', async () => {
    const oneTime = readFileSync(join(dir, 'data', 'admin-password.txt'), 'utf8').trim();
    const login = await tally(['admin', 'login', '--server', url, '--user', 'admin', '--password-stdin'], oneTime);
    expect(login.code).toBe(1);
    expect(login.stderr).toMatch(/tally admin reset-password --user admin/);
    const reset = await tally(['admin', 'reset-password', '--server', url, '--user', 'admin'], `${oneTime}\nblue harbor lights 42\n`);
    expect(reset.code).toBe(0);
    expect((await tally(['admin', 'login', '--server', url, '--user', 'admin'], "blue harbor lights 42\n")).code).toBe(0);

    const list = await tally(['admin', 'licenses', 'list', '--server', url, '--json']);
    expect(JSON.parse(list.stdout).licenses).toEqual([expect.objectContaining({ licenseId: 'cli', records: 1 })]);
    const summary = await tally(['admin', 'features', '--summary', '--server', url]);
    expect(summary.stdout).toMatch(/cad\s+2\.0\s+2\s+0\s+2\s+permanent\s+permanent/);
    const set = await tally(['admin', 'properties', 'set', 'licensing.renewInterval=25', '--server', url]);
    expect(set.stdout).toMatch(/licensing\.renewInterval\s+license-generation\s+25/);
    const locked = await tally(['admin', 'properties', 'set', 'licensing.borrowInterval=1h', '--server', url]);
    expect(locked.code).toBe(1);
    expect(locked.stderr).toMatch(/locked by the producer/);
    const added = await tally(['admin', 'users', 'add', 'viewer', '--role', 'read-only', '--server', url, '--json']);
    expect(JSON.parse(added.stdout)).toMatchObject({ user: { name: 'viewer', role: 'read-only', mustChangePassword: true }, oneTimePassword: expect.any(String) });
    const devices = await tally(['admin', 'devices', '--server', url]);
    expect(devices.stdout).toMatch(/cli-box\s+STRING/);
  });

  it('registers back office accounts and instances, showing the sync credential once', async () => {
    const bo = join(dir, 'bo');
    const elsewhere = await tally(['backoffice', 'account', 'list', '--data', bo]);
    expect(elsewhere).toMatchObject({ code: 1, stdout: '' });
    expect(elsewhere.stderr.trim()).toBe(`error: No back office data in ${bo}: give --data with the back office's folder, or TALLY_DATA with the folder of tally start (its back office is in <that folder>/backoffice).`);
    expect(existsSync(bo)).toBe(false);
    expect((await tally(['backoffice', 'account', 'add', 'acme', '--name', 'Acme Corp', '--data', bo])).stdout).toMatch(/Added account acme/);
    expect(existsSync(join(bo, 'backoffice.db'))).toBe(true);
    const added = await tally(['backoffice', 'instance', 'add', '--account', 'acme', '--name', 'HQ', '--data', bo, '--json']);
    expect(JSON.parse(added.stdout)).toMatchObject({ instance: { accountId: 'acme', name: 'HQ', kind: 'local' }, credential: expect.stringMatching(/^tally_/) });
    const list = await tally(['backoffice', 'instance', 'list', '--data', bo]);
    expect(list.stdout).toMatch(/acme\s+local\s+HQ/);
    expect(list.stdout).not.toMatch(/tally_/);
    const bad = await tally(['backoffice', 'instance', 'add', '--account', 'nobody', '--name', 'x', '--data', bo]);
    expect(bad.stderr).toMatch(/There is no account nobody/);
  });

  it('says how to point a client at another server when none answers where it looked', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const res = await tally(['client', 'status', '--server', `http://127.0.0.1:${port}`]);
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toBe(`error: nothing answers at http://127.0.0.1:${port} (connection refused): is the server running? Point this command elsewhere with --server URL, TALLY_SERVER, or TALLY_DATA naming the folder of a running tally start.`);
  });

  it('explains a bad feature argument instead of failing with a stack trace', async () => {
    const bad = await client('request', 'cad:two=1');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: .*version two/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses to load a tampered license file and says why', async () => {
    const file = JSON.parse(readFileSync(join(dir, 'license.json'), 'utf8'));
    file.payload.features[0].count = 200;
    writeFileSync(join(dir, 'tampered.json'), JSON.stringify(file));
    const res = await tally(['admin', 'licenses', 'load', join(dir, 'tampered.json'), '--server', url]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/signature does not match/);
  });

  it('names each setting flag\'s setting, environment variable and default in --help, and refuses a bad value as the config file does', async () => {
    const help = (await tally(['server', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('-p, --port <port> port to listen on (server.port, TALLY_PORT; default 7070)');
    expect(help).toContain('--log-level <level> fatal, error, warn, info, debug, trace or silent (log.level, TALLY_LOG_LEVEL; default info)');
    const bad = await tally(['server', '--port', '70000', '--log-level', 'loud', '--data', join(dir, 'never')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Invalid settings: server.port must be at most 65535; log.level must be one of fatal, error, warn, info, debug, trace, silent');
  });
});
