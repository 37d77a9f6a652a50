import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'tally-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tally start', () => {
  it('runs a license server and a back office with a demo whose simulated usage reaches the warehouse', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'start', '--data', dir, '--port', '0', '--server-port', '0', '--devices', '12'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      const urls = await new Promise<{ server: string; backoffice: string }>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start-up banner: ${output}`)), 30_000);
        const check = () => {
          const server = /license server\s+(http:\/\/[\d.:]+)/.exec(output)?.[1];
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
      const sync = ((await (await fetch(`${urls.server}/api/1.0/health`)).json()) as { sync: { enabled: boolean; lastError: string | null } }).sync;
      expect(sync).toMatchObject({ enabled: true, lastError: null });
    } finally {
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    expect(output).toMatch(/SIGINT: stopping/);
  }, 60_000);
});
