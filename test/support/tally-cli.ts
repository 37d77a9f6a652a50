import { spawn } from 'node:child_process';

export interface TallyRun {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs `tally ...` from the sources with the given environment and standard input. */
export function runTally(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<TallyRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ stdout, stderr, code: code ?? 1 }));
    child.stdin.end(input);
  });
}
