import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TALLY } from '../support/tally-cli.js';

/** Runs `tally start` to its end and answers its exit code and what it printed. */
async function startToEnd(args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...TALLY, 'start', '--no-simulate', ...args]);
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tally-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tally start', () => {
  it('runs a license server and a back office with a demo whose simulated usage reaches the warehouse', async () => {
    const child = spawn(process.execPath, [...TALLY, 'start', '--data', dir, '--port', '0', '--server-port', '0', '--devices', '12'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      const urls = await new Promise<{ server: string; backoffice: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start-up banner: ${output}`)), 30_000);
        const check = () => {
          const server = /license server API\s+(http:\/\/[\d.:]+)/.exec(output)?.[1];
          const backoffice = /back office\s+(http:\/\/[\d.:]+)/.exec(output)?.[1];
          if (server && backoffice) {
            clearTimeout(timer);
            resolve({ server, backoffice });
          }
        };
        child.stderr.on('data', check);
        child.stdout.on('data', check);
      });
      let events = 0;
      const end = Date.now() + 30_000;
      while (events < 10 && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 500));
        events = ((await (await fetch(`${urls.backoffice}/api/1.0/health`)).json()) as { warehouse: { events: number } }).warehouse.events;
      }
      expect(events).toBeGreaterThanOrEqual(10);
      const health = (await (await fetch(`${urls.server}/api/1.0/health`)).json()) as {
        sync: { enabled: boolean; lastError: string | null };
        licenseUpdates: { activated: boolean; accountId: string | null; polling: { enabled: boolean } };
      };
      expect(health.sync).toMatchObject({ enabled: true, lastError: null });
      // The demo server was activated from the demo account's entitlements, and polls for updates.
      expect(health.licenseUpdates).toMatchObject({ activated: true, accountId: 'demo', polling: { enabled: true } });
      const licensing = ((await (await fetch(`${urls.backoffice}/api/1.0/health`)).json()) as { licensing: { activatedServers: number; entitlements: number } }).licensing;
      expect(licensing.activatedServers).toBe(1);
      expect(licensing.entitlements).toBeGreaterThan(0);

      // A second start on the same folder stops at the warehouse the first one holds, in one line.
      const second = await startToEnd(['--data', dir, '--port', '0', '--server-port', '0']);
      expect(second.code).toBe(1);
      expect(second.output.trim()).toMatch(/^error: The warehouse .*warehouse\.duckdb is in use by another process \(PID \d+\): stop it, or give this one another data folder\.$/);
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(output).toMatch(/SIGINT: stopping/);
    // Each wait above is bounded on its own; on a loaded machine compiling the sources alone takes tens of seconds.
  }, 120_000);

  it('refuses a port another program holds in one line, before writing anything', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    const data = join(dir, 'never-written');
    try {
      const result = await startToEnd(['--data', data, '--port', '0', '--server-port', String(port)]);
      expect(result.code).toBe(1);
      expect(result.output.trim()).toBe(`error: Port ${port} on 127.0.0.1 (the license server) is in use by another program: stop it, or choose another port with --server-port.`);
      expect(existsSync(data)).toBe(false);
    } finally {
      holder.close();
    }
  });
});
