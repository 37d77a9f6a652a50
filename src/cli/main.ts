import { Command, CommanderError } from 'commander';
import { VERSION } from '../common/version.js';
import { registerAdminCommands } from './commands/admin.js';
import { registerBackofficeCommands } from './commands/backoffice.js';
import { registerClientCommands } from './commands/client.js';
import { registerImportCommand } from './commands/import.js';
import { registerProducerCommands } from './commands/producer.js';
import { registerServerCommand } from './commands/server.js';
import { registerStartCommands } from './commands/start.js';
import { describeFailure } from './output.js';

/** The `tally` command line: thin wrappers over the roles and the client. */
export function buildProgram(): Command {
  const program = new Command('tally')
    .description('Tally: license server with usage and denials analytics')
    .version(VERSION)
    .showHelpAfterError()
    // Options after a subcommand are the subcommand's: `backoffice --data` and `backoffice account add --data` differ.
    .enablePositionalOptions()
    .exitOverride();
  registerServerCommand(program);
  registerBackofficeCommands(program);
  registerStartCommands(program);
  registerClientCommands(program);
  registerProducerCommands(program);
  registerAdminCommands(program);
  registerImportCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    process.stderr.write(`${describeFailure(error)}\n`);
    process.exitCode = 1;
  }
}

await main(process.argv);
