import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/**
 * The one ID scheme: UUIDv7, time-ordered so that IDs sort by creation and index well.
 * Used for usage events, holdings, correlation IDs and instances.
 */
export function newId(): string {
  return uuidv7();
}

/** A secret of `bytes` random bytes, URL-safe (tokens, one-time passwords). */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
