import type { TallyProcess } from './tally-cli.js';
import { spawnTally, stopProcess } from './tally-cli.js';

export type BackofficeProcess = TallyProcess;

/** Starts `tally backoffice` as a process of its own with its data in `dataDir`. */
export function spawnBackoffice(dataDir: string, env: Record<string, string> = {}): BackofficeProcess {
  return spawnTally('backoffice', ['--data', dataDir], env);
}

/** SIGKILLs the process and waits until it is gone. */
export function killBackoffice(process: BackofficeProcess): Promise<void> {
  return stopProcess(process, 'SIGKILL');
}
