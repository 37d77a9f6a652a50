import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { adminLogin, callJson } from '../support/test-server.js';
import { TALLY, runTally, spawnTally, stopProcess } from '../support/tally-cli.js';

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

interface Started {
  child: ChildProcess;
  output: () => string;
  server: string;
  backoffice: string;
}

/** Starts `tally start` on `data` and any free ports, and resolves once its banner is printed. */
async function start(data: string, args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [...TALLY, 'start', '--data', data, '--port', '0', '--server-port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const urls = await new Promise<{ server: string; backoffice: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start-up banner: ${output}`)), 150_000);
    const check = (c: Buffer) => {
      output += c.toString();
      const server = /license server API\s+(http:\/\/[\d.:]+)/.exec(output)?.[1];
      const backoffice = /back office\s+(http:\/\/[\d.:]+)/.exec(output)?.[1];
      if (server && backoffice && output.includes('Ctrl-C')) {
        clearTimeout(timer);
        resolve({ server, backoffice });
      }
    };
    child.stderr.on('data', check);
    child.stdout.on('data', check);
  });
  return { child, output: () => output, ...urls };
}

async function stop(started: Started): Promise<void> {
  const exited = new Promise((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGINT');
  await exited;
}

/** A widget of the report, answered for the given filters. */
async function widget(started: Started, token: string, name: string, query: string): Promise<any> {
  const res = await callJson(started.backoffice, 'GET', `/api/reports/usage-denials/${name}?${query}`, undefined, { authorization: `Bearer ${token}` });
  expect(res.status).toBe(200);
  return res.body;
}

const HISTORY_INSTANCES = 'northwind-hq,kestrel-osaka,harbor-render,harbor-studio';
const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

const dir = mkdtempSync(join(tmpdir(), 'tally-start-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tally start', () => {
  it('shows a report with 90 days of history of named accounts at once, while simulated devices leave room for the first client command', async () => {
    const data = join(dir, 'first');
    const first = await start(data, ['--devices', '12']);
    let historyEvents = 0;
    try {
      // One table tells the two one-time passwords apart: what each opens, its URL and user.
      const banner = first.output();
      const report = new RegExp(`Usage and Denials report \\(back office\\)\\s+${first.backoffice}/\\s+admin\\s+(\\S+)`).exec(banner);
      const manager = new RegExp(`License Server Manager \\(license server\\)\\s+${first.server}/\\s+admin\\s+(\\S+)`).exec(banner);
      expect(report?.[1]).toBeTruthy();
      expect(manager?.[1]).toBeTruthy();
      expect(report![1]).not.toBe(manager![1]);
      expect(banner).toMatch(/\d+ events of 90 days of simulated history .* were added to the report in [\d.]+ s\./);
      const token = await adminLogin(first.backoffice, report![1]!);

      // Every account of the history has events on the default 30 days; metered use and its cap show on 90.
      const active = await widget(first, token, 'active-accounts', `from=${days(30)}`);
      expect(active.rows.map((r: { id: string }) => r.id).sort()).toEqual(['demo', 'harbor', 'kestrel', 'northwind']);
      const codes = (await widget(first, token, 'denials-distribution', `from=${days(30)}`)).rows.map((r: { code: number }) => r.code);
      for (const code of [7, 10, 11, 67]) expect(codes).toContain(code);
      const metered = await widget(first, token, 'metered-usage', `from=${days(90)}&features=render-hours`);
      expect(metered.rows.some((r: { cap: number | null }) => r.cap === 12_000)).toBe(true);
      historyEvents = (await widget(first, token, 'events', `from=${days(100)}&instances=${HISTORY_INSTANCES}&pageSize=1`)).total;
      expect(historyEvents).toBeGreaterThan(5_000);

      // The README's first client command, run in this folder's start without --server: granted beside the simulated devices.
      await new Promise((r) => setTimeout(r, 8_000));
      const request = await runTally(['client', 'request', 'cad:1.0=2'], { ...process.env, TALLY_DATA: data });
      expect(request.stderr).toBe('');
      expect(request).toMatchObject({ code: 0 });
      expect(request.stdout).toMatch(/held\s+cad\s+\S+\s+x2/);

      // A second start on the same folder stops in one line before writing anything.
      const second = await startToEnd(['--data', data, '--port', '0', '--server-port', '0']);
      expect(second.code).toBe(1);
      expect(second.output.trim()).toBe(`error: Tally (tally start) is already running on ${data} (PID ${first.child.pid}, at ${first.backoffice}): stop it, or give this one another folder with --data.`);
    } finally {
      await stop(first);
    }
    expect(first.output()).toMatch(/SIGINT: stopping/);

    // Started again on the same folder, the history is the same one, not a second copy.
    const again = await start(data, ['--no-simulate']);
    try {
      expect(again.output()).toMatch(/The report holds 90 days of simulated history \(\d+ events\) up to /);
      const token = await adminLogin(again.backoffice, '');
      expect((await widget(again, token, 'events', `from=${days(100)}&instances=${HISTORY_INSTANCES}&pageSize=1`)).total).toBe(historyEvents);
    } finally {
      await stop(again);
    }
  }, 420_000);

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

  it('reads the back office of the start folder named by TALLY_DATA, and refuses a missing one in one line without making it', async () => {
    const missing = join(dir, 'no-such-start');
    const list = await runTally(['backoffice', 'account', 'list'], { ...process.env, TALLY_DATA: missing });
    expect(list).toMatchObject({ code: 1, stdout: '' });
    expect(list.stderr.trim()).toBe(`error: No back office data in ${join(missing, 'backoffice')}: give --data with the back office's folder, or TALLY_DATA with the folder of tally start (its back office is in <that folder>/backoffice).`);
    expect(existsSync(missing)).toBe(false);
    const known = await runTally(['backoffice', 'account', 'list'], { ...process.env, TALLY_DATA: join(dir, 'first') });
    expect(known.stdout).toMatch(/northwind\s+Northwind Engineering/);
  }, 90_000);

  it('refuses a second license server or back office on a folder another one is using, in one line and before writing anything', async () => {
    for (const role of ['server', 'backoffice'] as const) {
      const data = join(dir, `alone-${role}`);
      const running = spawnTally(role, ['--data', data, ...(role === 'server' ? ['--demo'] : [])]);
      try {
        const url = await running.listening;
        const before = readdirSync(data).sort();
        const second = await runTally([role, '--data', data, '--port', '0'], process.env);
        expect(second.code).toBe(1);
        expect(second.stderr.trim()).toBe(`error: Tally (${role === 'server' ? 'license server' : 'back office'}) is already running on ${data} (PID ${running.child.pid}, at ${url}): stop it, or give this one another folder with --data.`);
        expect(readdirSync(data).sort()).toEqual(before);
      } finally {
        await stopProcess(running, 'SIGINT');
      }
      expect(existsSync(join(data, 'running.json'))).toBe(false);
    }
  }, 240_000);
});
