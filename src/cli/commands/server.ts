import type { Command } from 'commander';
import { loadSettings } from '../../common/config.js';
import { stopOnSignals } from '../options.js';

/** `tally server`: the license server role. */
export function registerServerCommand(program: Command): void {
  program
    .command('server')
    .description('run the license server')
    .option('-p, --port <port>', 'port to listen on (server.port, TALLY_PORT; default 7070)')
    .option('--host <address>', 'address to listen on (server.host, TALLY_HOST; default 0.0.0.0)')
    .option('-d, --data <dir>', 'trusted storage folder (server.dataDir, TALLY_DATA; default ./tally-data)')
    .option('-c, --config <file>', 'JSON config file (TALLY_CONFIG)')
    .option('--producer-key <file>', 'producer public key that licenses must be signed with (producer.publicKeyFile)')
    .option('--license <file...>', 'signed license files to load at start-up')
    .option('--demo', 'quick start: make a demo producer key and load a demo license')
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent')
    .action(async (opts: { port?: string; host?: string; data?: string; config?: string; producerKey?: string; license?: string[]; demo?: boolean; logLevel?: string }) => {
      const settings = loadSettings({
        file: opts.config,
        overrides: {
          'server.port': opts.port,
          'server.host': opts.host,
          'server.dataDir': opts.data,
          'producer.publicKeyFile': opts.producerKey,
          'log.level': opts.logLevel,
        },
      });
      // Loaded here: the role's modules take a while to load, and other commands need none of them.
      const { startLicenseServer } = await import('../../server/main.js');
      const server = await startLicenseServer({ settings, licenseFiles: opts.license ?? [], demo: opts.demo ?? false });
      process.stderr.write(`Tally license server listening on ${server.url} (data in ${settings.server.dataDir})\n`);
      stopOnSignals(() => server.close());
    });
}
