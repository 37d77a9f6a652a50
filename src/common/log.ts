import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/**
 * Structured logs, one stable event name per line (`lease.expired`, `license.loaded`).
 * Anything that may carry a secret is redacted, wherever it appears.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          'password',
          '*.password',
          'newPassword',
          '*.newPassword',
          'token',
          '*.token',
          'req.headers.authorization',
          'headers.authorization',
          'privateKey',
          'credential',
          '*.credential',
          'secret',
          '*.secret',
          '*.privateKey',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
