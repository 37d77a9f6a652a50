import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { TallyError } from '../common/errors.js';

/** Bearer tokens of `tally admin login`, per server URL, in a file only the owner can read. */
function sessionsFile(): string {
  const dir = process.env.TALLY_HOME ?? join(homedir(), '.tally');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return join(dir, 'sessions.json');
}

function readAll(): Record<string, string> {
  const file = sessionsFile();
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

export function saveToken(server: string, token: string): void {
  const all = readAll();
  all[normalize(server)] = token;
  const file = sessionsFile();
  writeFileSync(file, JSON.stringify(all, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** The token for a server: TALLY_TOKEN wins, then the one saved by `tally admin login`. */
export function tokenFor(server: string): string {
  const token = process.env.TALLY_TOKEN ?? readAll()[normalize(server)];
  if (!token) throw new TallyError('UNAUTHORIZED', `Not logged in to ${server}: run \`tally admin login --server ${server}\` first.`);
  return token;
}

function normalize(server: string): string {
  return server.replace(/\/+$/, '');
}
