import type { Command } from 'commander';

/** The options every command that talks to a license server takes: its URL and --json. */
export function withServer(command: Command): Command {
  return command
    .option('-s, --server <url>', 'license server URL (TALLY_SERVER)', process.env.TALLY_SERVER ?? 'http://127.0.0.1:7070')
    .option('--json', 'print JSON');
}
