import type { Command } from 'commander';

/** The options every command that talks to a license server takes: its URL and --json. */
export function withServer(command: Command): Command {
  return command
    .option('-s, --server <url>', 'license server URL (TALLY_SERVER)', process.env.TALLY_SERVER ?? 'http://127.0.0.1:7070')
    .option('--json', 'print JSON');
}

/** Runs `close` on Ctrl-C or SIGTERM, then exits: 0 when it closed cleanly. */
export function stopOnSignals(close: () => Promise<unknown>): void {
  const stop = (signal: string) => {
    process.stderr.write(`${signal}: stopping\n`);
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
