import { sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';

/**
 * A capability request signed by its client: the header holds the base64 RSA-SHA256 (PKCS#1
 * v1.5) signature of the request body's canonical JSON (RFC 8785), so that key order and
 * spacing on the wire do not matter, only the values.
 */
export const SIGNATURE_HEADER = 'x-tally-signature';

function signedBytes(body: unknown): Buffer {
  return Buffer.from(canonicalize(body) ?? '');
}

/** Signs a request body as it will travel: what JSON makes of it, not the object itself. */
export function signCapability(body: unknown, privateKey: KeyObject | string): string {
  return sign('sha256', signedBytes(JSON.parse(JSON.stringify(body))), privateKey).toString('base64');
}

/** Whether `signature` signs the body the server received (parsed JSON) with `publicKey`. */
export function verifyCapability(body: unknown, signature: string, publicKey: KeyObject): boolean {
  try {
    return verify('sha256', signedBytes(body), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    // A signature of the wrong length or a body canonical JSON cannot express: not a valid signature.
    return false;
  }
}
