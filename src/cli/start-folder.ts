import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { TallyError } from '../common/errors.js';

/**
 * The quick start's data folder: `--data`, else TALLY_DATA, else ./tally-data. Every command
 * that works on what `tally start` made resolves it the same way.
 */
export function startFolder(given?: string): string {
  return resolve(given ?? process.env.TALLY_DATA ?? './tally-data');
}

const runningSchema = z.object({ pid: z.number().int(), role: z.string(), serverUrl: z.string().optional(), backofficeUrl: z.string().optional(), startedAt: z.string() });
/** A Tally process using a data folder, and where it listens: kept in the folder while it runs. */
export type Running = z.infer<typeof runningSchema>;

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

/** The Tally process running on this folder, if one is (a file left by one that was killed is ignored). */
export function runningOn(folder: string): Running | null {
  try {
    const parsed = runningSchema.safeParse(JSON.parse(readFileSync(stateFile(folder), 'utf8')));
    return parsed.success && parsed.data.pid !== process.pid && alive(parsed.data.pid) ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Refuses, before anything is written, a folder another Tally process is using: the folder
 * itself, the quick start folder it lies in (`tally start` keeps server/ and backoffice/ in
 * its own), or, for a start, the roles' folders in it.
 */
export function ensureFolderFree(folder: string, inside: readonly string[] = []): void {
  for (const candidate of [folder, dirname(folder), ...inside.map((sub) => join(folder, sub))]) {
    const other = runningOn(candidate);
    if (other) {
      const where = other.backofficeUrl ?? other.serverUrl;
      throw new TallyError('CONFLICT', `Tally (${other.role}) is already running on ${candidate} (PID ${other.pid}${where ? `, at ${where}` : ''}): stop it, or give this one another folder with --data.`);
    }
  }
}

/** Notes that this process uses the folder and where it listens; the returned function removes the note. */
export function noteRunning(folder: string, running: Omit<Running, 'pid' | 'startedAt'>): () => void {
  const file = stateFile(folder);
  writeFileSync(file, `${JSON.stringify({ pid: process.pid, ...running, startedAt: new Date().toISOString() })}\n`);
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
  return process.env.TALLY_SERVER ?? runningOn(startFolder())?.serverUrl ?? 'http://127.0.0.1:7070';
}
