import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { TallyError } from '../common/errors.js';

/**
 * The quick start's data folder: `--data`, else TALLY_DATA, else ./tally-data. Every command
 * that works on what `tally start` made resolves it the same way.
 */
export function startFolder(given?: string): string {
  return resolve(given ?? process.env.TALLY_DATA ?? './tally-data');
}

const runningStartSchema = z.object({ pid: z.number().int(), serverUrl: z.string(), backofficeUrl: z.string(), startedAt: z.string() });
/** Where a running `tally start` listens, kept in its folder while it runs. */
export type RunningStart = z.infer<typeof runningStartSchema>;

const stateFile = (folder: string) => join(folder, 'running.json');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The `tally start` running on this folder, if one is (a file left by one that was killed is ignored). */
export function runningStart(folder: string): RunningStart | null {
  try {
    const parsed = runningStartSchema.safeParse(JSON.parse(readFileSync(stateFile(folder), 'utf8')));
    return parsed.success && parsed.data.pid !== process.pid && alive(parsed.data.pid) ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Refuses, before anything is written, a folder another `tally start` is using. */
export function ensureFolderFree(folder: string): void {
  const other = runningStart(folder);
  if (other) {
    throw new TallyError('CONFLICT', `Tally is already running on ${folder} (PID ${other.pid}, back office at ${other.backofficeUrl}): stop it, or give this start another folder with --data.`);
  }
}

/** Notes where this start listens, so that client commands find it; removed when it stops. */
export function noteRunningStart(folder: string, start: Omit<RunningStart, 'pid' | 'startedAt'>): () => void {
  const file = stateFile(folder);
  writeFileSync(file, `${JSON.stringify({ pid: process.pid, ...start, startedAt: new Date().toISOString() })}\n`);
  return () => {
    try {
      if ((JSON.parse(readFileSync(file, 'utf8')) as { pid?: number }).pid === process.pid) rmSync(file, { force: true });
    } catch {
      // Gone already, or never readable: nothing of ours to remove.
    }
  };
}

/**
 * The license server URL client and admin commands use unless given --server: TALLY_SERVER,
 * else the server of the `tally start` running on the start folder, else the default port.
 */
export function defaultServerUrl(): string {
  return process.env.TALLY_SERVER ?? runningStart(startFolder())?.serverUrl ?? 'http://127.0.0.1:7070';
}
