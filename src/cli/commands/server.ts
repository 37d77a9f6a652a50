import type { Command } from 'commander';
import { loadSettings } from '../../common/config.js';
import { stopOnSignals, withSettings } from '../options.js';
import { ensurePortsFree } from '../preflight.js';
import { ensureFolderFree, noteRunning } from '../start-folder.js';

/** `tally server`: the license server role. */
export function registerServerCommand(program: Command): void {
  const server = program.command('server').description('run the license server');
  const given = withSettings(server, {
    'server.port': ['-p, --port <port>', 'port to listen on'],
    'server.host': ['--host <address>', 'address to listen on'],
    'server.dataDir': ['-d, --data <dir>', 'trusted storage folder'],
    'producer.publicKeyFile': ['--producer-key <file>', 'producer public key that licenses must be signed with'],
    'server.brandingDir': ['--branding <dir>', "the License Server Manager's branding: logo.png, logo.jpg or logo.jpeg and data.json"],
    'log.level': ['--log-level <level>'],
  });
  server
    .option('-c, --config <file>', 'JSON config file (TALLY_CONFIG)')
    .option('--license <file...>', 'signed license files to load at start-up')
    .option('--demo', 'quick start: make a demo producer key and load a demo license')
    .action(async (opts: { config?: string; license?: string[]; demo?: boolean }) => {
      const settings = loadSettings({ file: opts.config, overrides: given(opts) });
      ensureFolderFree(settings.server.dataDir);
      await ensurePortsFree([{ role: 'license server', host: settings.server.host, port: settings.server.port, flag: '--port' }]);
      // Loaded here: the role's modules take a while to load, and other commands need none of them.
      const { startLicenseServer } = await import('../../server/main.js');
      const server = await startLicenseServer({ settings, licenseFiles: opts.license ?? [], demo: opts.demo ?? false });
      const forget = noteRunning(settings.server.dataDir, { role: 'license server', serverUrl: server.url });
      process.stderr.write(`Tally license server listening on ${server.url} (data in ${settings.server.dataDir})\nLicense Server Manager ${server.url}/\n`);
      stopOnSignals(async () => {
        await server.close();
        forget();
      });
    });
}
