import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';

export interface BackofficeProcess {
  child: ChildProcess;
  /** Resolves with the URL once it listens; rejects when the process ends first, with its output. */
  listening: Promise<string>;
  /** Everything it printed so far. */
  output(): string;
  /** Resolves once the process has ended. */
  exited: Promise<number | null>;
}

/**
 * Starts `tally back office` as a process of its own (so that a test can SIGKILL it) on a free
 * port, with its data in `dataDir`.
 */
export function spawnBackoffice(dataDir: string, env: Record<string, string> = {}): BackofficeProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'backoffice', '--host', '127.0.0.1', '--port', '0', '--data', dataDir, '--log-level', 'warn'], {
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
    void exited.then((code) => reject(new Error(`back office exited (${code}): ${output.slice(0, 600)}`)));
  });
  listening.catch(() => undefined);
  return { child, listening, output: () => output, exited };
}

/** SIGKILLs the process and waits until it is gone. */
export async function killBackoffice(process: BackofficeProcess): Promise<void> {
  if (process.child.exitCode === null && process.child.signalCode === null) process.child.kill('SIGKILL');
  await process.exited;
}
