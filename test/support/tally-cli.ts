import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface TallyRun {
  stdout: string;
  stderr: string;
  code: number;
}

/**
 * How to run `tally`: the built CLI, as `bin/tally.js` runs it, when the build is newer than
 * every source file (the test command builds first); else the sources through tsx, which
 * costs about half a second more at each start.
 */
export const TALLY: readonly string[] = builtIsCurrent() ? ['dist/cli/main.js'] : ['--import', 'tsx', 'src/cli/main.ts'];

function builtIsCurrent(): boolean {
  if (!existsSync('dist/cli/main.js')) return false;
  const built = statSync('dist/cli/main.js').mtimeMs;
  const newest = (dir: string): number =>
    Math.max(0, ...readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs)));
  return newest('src') <= built;
}

/** Runs `tally ...` with the given environment and standard input. */
export function runTally(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<TallyRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...TALLY, ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ stdout, stderr, code: code ?? 1 }));
    child.stdin.end(input);
  });
}

export interface TallyProcess {
  child: ChildProcess;
  /** Resolves with the URL once it listens; rejects when the process ends first, with its output. */
  listening: Promise<string>;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves once the process has ended. */
  exited: Promise<number | null>;
}

/**
 * Starts `tally server` or `tally backoffice` from the sources as a process of its own (so that a
 * test can SIGKILL it), on 127.0.0.1 and a free port, with `env` added to this process's.
 */
export function spawnTally(role: 'server' | 'backoffice', args: string[], env: NodeJS.ProcessEnv = {}): TallyProcess {
  const child = spawn(process.execPath, [...TALLY, role, '--host', '127.0.0.1', '--port', '0', ...args, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`${role} exited (${code}): ${output.slice(0, 600)}`)));
  });
  listening.catch(() => undefined);
  return { child, listening, output: () => output, exited };
}

/** Sends `signal` to the process, unless it has ended already, and resolves once it is gone. */
export async function stopProcess(running: { child: ChildProcess }, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (running.child.exitCode === null && running.child.signalCode === null) {
    const exited = new Promise((resolve) => running.child.once('exit', resolve));
    running.child.kill(signal);
    await exited;
  }
}
