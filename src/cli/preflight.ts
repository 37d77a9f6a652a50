import { createServer } from 'node:net';
import { TallyError } from '../common/errors.js';

/** A port a role is about to listen on, and the flag that chooses another. */
export interface PlannedPort {
  role: string;
  host: string;
  port: number;
  flag: string;
}

/**
 * Refuses to start when a port is taken, before anything is written: a role that found its
 * port taken only after creating its data folder and admin password would leave both behind.
 */
export async function ensurePortsFree(ports: readonly PlannedPort[]): Promise<void> {
  for (const planned of ports) {
    if (planned.port === 0) continue;
    const problem = await new Promise<string | null>((resolve) => {
      const probe = createServer();
      probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      probe.listen({ host: planned.host, port: planned.port, exclusive: true }, () => probe.close(() => resolve(null)));
    });
    if (problem === 'EADDRINUSE') {
      throw new TallyError('CONFLICT', `Port ${planned.port} on ${planned.host} (the ${planned.role}) is in use by another program: stop it, or choose another port with ${planned.flag}.`);
    }
    if (problem === 'EACCES') {
      throw new TallyError('CONFLICT', `Port ${planned.port} on ${planned.host} (the ${planned.role}) needs privileges this user lacks: choose a port above 1023 with ${planned.flag}.`);
    }
    if (problem === 'EADDRNOTAVAIL') {
      throw new TallyError('CONFLICT', `Address ${planned.host} (the ${planned.role}) is not an address of this machine: choose another with --host.`);
    }
  }
}
