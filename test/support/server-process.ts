import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProducerKeyPair } from '../../src/licensing/license-file.js';
import { generateProducerKeys, signLicense } from '../../src/licensing/license-file.js';
import { spawnTally } from './tally-cli.js';
import { adminLogin } from './test-server.js';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  dataDir: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
}

/**
 * Starts `tally server` as a process of its own (so that a test can SIGKILL it) on a free
 * port, with the producer key and license in `dir` (`producer.pub`, `license.json`), and
 * resolves once it listens. `license: false` starts it on what its storage holds alone.
 */
export async function startServerProcess(dir: string, dataDir: string, env: Record<string, string> = {}, options: { license?: boolean } = {}): Promise<ServerProcess> {
  const started = spawnTally('server', ['--data', dataDir, '--producer-key', join(dir, 'producer.pub'), ...(options.license === false ? [] : ['--license', join(dir, 'license.json')])], env);
  return { child: started.child, url: await started.listening, dataDir, output: () => started.output() };
}

/** Writes into `dir` what startServerProcess reads: `producer.pub` and `license.json` signed with it. */
export function writeLicenseFiles(dir: string, license: unknown, keys: ProducerKeyPair = generateProducerKeys()): ProducerKeyPair {
  writeFileSync(join(dir, 'producer.pub'), keys.publicKeyPem);
  writeFileSync(join(dir, 'license.json'), JSON.stringify(signLicense(license, keys.privateKeyPem)));
  return keys;
}

/** Replaces the admin's one-time password (from its file) by ADMIN_PASSWORD and answers the admin's bearer token. */
export function processAdminToken(server: ServerProcess): Promise<string> {
  return adminLogin(server.url, readFileSync(join(server.dataDir, 'admin-password.txt'), 'utf8').trim());
}
