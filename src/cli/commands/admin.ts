import type { Command } from 'commander';
import { LicenseClient } from '../../client/license-client.js';
import { TallyError } from '../../common/errors.js';
import { withServer } from '../options.js';
import { emit, table } from '../output.js';
import { saveToken, tokenFor } from '../sessions.js';
import { readJson } from './producer.js';

interface AdminOptions {
  server: string;
  json?: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** `tally admin`: administration of a license server over its admin API. */
export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('administer a license server (log in first)');

  withServer(admin.command('login'))
    .description('log in and keep the session token for later admin commands')
    .requiredOption('-u, --user <name>', 'user name')
    .option('--password-stdin', 'read the password from standard input (else TALLY_PASSWORD)')
    .action(async (opts: AdminOptions & { user: string; passwordStdin?: boolean }) => {
      const password = opts.passwordStdin ? await readStdin() : process.env.TALLY_PASSWORD;
      if (!password) throw new TallyError('BAD_REQUEST', 'Give the password on standard input with --password-stdin, or in TALLY_PASSWORD.');
      const api = new LicenseClient(opts.server);
      const result = await api.authorize(opts.user, password);
      saveToken(opts.server, result.token);
      emit(opts.json ?? false, { user: opts.user, role: result.role, mustChangePassword: result.mustChangePassword }, () =>
        `Logged in to ${opts.server} as ${opts.user} (${result.role}).`,
      );
    });

  const licenses = admin.command('licenses').description('signed license files on the server');

  withServer(licenses.command('list'))
    .description('list loaded licenses')
    .action(async (opts: AdminOptions) => {
      const r = await new LicenseClient(opts.server, tokenFor(opts.server)).licenses();
      emit(opts.json ?? false, r, () =>
        r.licenses.length === 0
          ? 'No license is loaded.'
          : table([['LICENSE', 'PRODUCER', 'RECORDS', 'ISSUED', 'LOADED'], ...r.licenses.map((l) => [l.licenseId, l.producer, String(l.records), l.issuedAt, l.loadedAt])]),
      );
    });

  withServer(licenses.command('load <file>'))
    .description('load a signed license file (a newer issue of a loaded license replaces it)')
    .action(async (file: string, opts: AdminOptions) => {
      const r = await new LicenseClient(opts.server, tokenFor(opts.server)).loadLicense(readJson(file));
      emit(opts.json ?? false, r, () => `${r.replaced ? 'Replaced' : 'Loaded'} license ${r.license.licenseId} with ${r.license.records} feature records.`);
    });

  withServer(licenses.command('remove <licenseId>'))
    .description('remove a license and its feature records')
    .action(async (licenseId: string, opts: AdminOptions) => {
      await new LicenseClient(opts.server, tokenFor(opts.server)).removeLicense(licenseId);
      emit(opts.json ?? false, { removed: licenseId }, () => `Removed license ${licenseId}.`);
    });
}
