import { type Command, Option } from 'commander';
import { envName } from '../common/config.js';
import { SETTING_LIST } from '../common/settings.js';
import { defaultServerUrl } from './start-folder.js';

/**
 * Adds flags that set settings (by path: the flag, and what it sets; an enumeration's choices by
 * default), each one's help naming its setting, environment variable and default. Returns what
 * reads the settings given back from the parsed options, by path, for `loadSettings`.
 */
export function withSettings(command: Command, flags: Record<string, [flags: string, what?: string]>): (opts: Record<string, unknown>) => Record<string, unknown> {
  const names = Object.entries(flags).map(([path, [spec, what]]) => {
    const s = SETTING_LIST.find((setting) => setting.path === path)!;
    const choices = s.choices ? `${s.choices.slice(0, -1).join(', ')} or ${s.choices.at(-1)}` : '';
    // Flags set only settings of one value: text, a number or a duration.
    const shown = (s.display ? s.display(s.default) : s.default) as string | number | null;
    const option = new Option(spec, `${what ?? choices} (${path}, ${envName(path)}; default ${shown ?? 'none'})`);
    command.addOption(option);
    return [path, option.attributeName()] as const;
  });
  return (opts) => Object.fromEntries(names.map(([path, name]) => [path, opts[name]]));
}

/** The options every command that talks to a license server takes: its URL and --json. */
export function withServer(command: Command): Command {
  return command
    .option('-s, --server <url>', 'license server URL (TALLY_SERVER; else that of the tally start running on TALLY_DATA or ./tally-data)', defaultServerUrl())
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
