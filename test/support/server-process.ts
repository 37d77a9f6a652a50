import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

/**
 * Starts `tally server` as a process of its own (so that a test can SIGKILL it) on a free
 * port, with the producer key and license in `dir` (`producer.pub`, `license.json`), and
 * resolves once it listens. `license: false` starts it on what its storage holds alone.
 */
export function startServerProcess(dir: string, dataDir: string, env: Record<string, string> = {}, options: { license?: boolean } = {}): Promise<ServerProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'server', '--host', '127.0.0.1', '--port', '0', '--data', dataDir,
      '--producer-key', join(dir, 'producer.pub'), ...(options.license === false ? [] : ['--license', join(dir, 'license.json')]), '--log-level', 'warn'],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match) resolve({ child, url: match[1]!, output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${output}`)));
  });
}
