import type { KeyObject } from 'node:crypto';
import { createHash, createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { TallyError } from '../common/errors.js';
import { SIGNATURE_HEADER, verifyCapability } from '../licensing/client-signature.js';
import type { Logger } from '../common/log.js';
import type { Clock, EpochMs } from '../common/time.js';
import type { LicenseStore, StoredClientKey } from './store/license-store.js';
import { deleteClientKeyOps, putClientKeyOps } from './store/license-store.js';
import type { WriteOp } from './store/storage-writer.js';

/** A 2048-bit RSA public key in DER is under 300 bytes; anything past 4 KB is the wrong file. */
export const CLIENT_KEY_MAX_BYTES = 4096;

/** The one size of client key the producer's clients use. */
export const CLIENT_KEY_BITS = 2048;

export { SIGNATURE_HEADER };

/** `GET …/client-key`: the uploaded key, if any, and whether the producer requires signing. */
export const clientKeyViewSchema = z.object({
  present: z.boolean(),
  keyId: z.string().nullable().describe('sha256 fingerprint of the key (SubjectPublicKeyInfo DER), 16 hex digits'),
  bits: z.number().nullable(),
  uploadedAt: z.string().nullable(),
  uploadedBy: z.string().nullable(),
  required: z.boolean().describe('licensing.requireClientSignature: unsigned capability requests are refused'),
});

export type ClientKeyView = z.infer<typeof clientKeyViewSchema>;

/** `PUT …/client-key`: the key now in use. */
export const uploadedClientKeySchema = z.object({ keyId: z.string(), bits: z.number(), uploadedAt: z.string(), uploadedBy: z.string(), required: z.boolean() });

export type UploadedClientKey = z.infer<typeof uploadedClientKeySchema>;

/** A parsed client key: its canonical SPKI DER, what it is called, and the key to verify with. */
export interface ParsedClientKey {
  spki: Buffer;
  keyId: string;
  bits: number;
  key: KeyObject;
}

function refused(message: string): TallyError {
  return new TallyError('BAD_REQUEST', message, [{ field: 'body', message }]);
}

/** The key ID of a public key: the start of the sha256 of its SubjectPublicKeyInfo DER. */
export function clientKeyId(spki: Buffer): string {
  return createHash('sha256').update(spki).digest('hex').slice(0, 16);
}

/**
 * Reads an uploaded client public key: DER, as SubjectPublicKeyInfo or as a PKCS#1
 * RSAPublicKey, 2048-bit RSA. Every refusal says what the file is instead and how to fix it.
 */
export function parseClientKey(bytes: Uint8Array): ParsedClientKey {
  if (bytes.length === 0) throw refused('The body is empty: send the client public key file (2048-bit RSA, DER) as application/octet-stream.');
  if (bytes.length > CLIENT_KEY_MAX_BYTES) {
    throw refused(`The file is ${bytes.length} bytes: a 2048-bit RSA public key in DER is at most 4 KB, so this is not one.`);
  }
  const der = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (der.subarray(0, 10).toString('latin1') === '-----BEGIN') {
    throw refused('This is a PEM (text) file: convert it to DER first, e.g. openssl rsa -pubin -in client.pem -outform DER -out client.der');
  }
  let key: KeyObject | undefined;
  for (const type of ['spki', 'pkcs1'] as const) {
    try {
      key = createPublicKey({ key: der, format: 'der', type });
      break;
    } catch {
      // Not this encoding; the other one may fit.
    }
  }
  if (!key) throw refused('The file is not a DER-encoded public key (SubjectPublicKeyInfo or PKCS#1 RSAPublicKey).');
  if (key.asymmetricKeyType !== 'rsa') {
    throw refused(`This is not an RSA key but ${(key.asymmetricKeyType ?? 'another kind').toUpperCase()}: the client key must be an RSA key of ${CLIENT_KEY_BITS} bits.`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits !== CLIENT_KEY_BITS) throw refused(`This RSA key has ${bits} bits: the client key must have ${CLIENT_KEY_BITS}.`);
  const spki = key.export({ type: 'spki', format: 'der' });
  return { spki, keyId: clientKeyId(spki), bits, key };
}

/** What a signature is checked with. */
export interface Verifier {
  key: KeyObject;
  keyId: string;
}

/** Why a capability request is refused for its signature, or null when it may be served. */
export function signatureProblem(body: unknown, signature: string | undefined, verifier: Verifier | null, required: boolean): string | null {
  if (!verifier) {
    return required ? 'No client key is uploaded to this server, and it requires signed capability requests: an administrator must upload the client public key.' : null;
  }
  if (signature === undefined) {
    return required ? `The request is not signed: this server requires capability requests signed with its client key ${verifier.keyId} (header ${SIGNATURE_HEADER}).` : null;
  }
  return verifyCapability(body, signature, verifier.key) ? null : `The signature does not verify with the client key of this server (${verifier.keyId}): the request is signed with another key, or altered.`;
}

/** The client key of this server: held in memory to verify with, kept in trusted storage. */
export class ClientKeys {
  private current: (StoredClientKey & { key: KeyObject; bits: number }) | null = null;

  constructor(
    private readonly store: LicenseStore,
    private readonly submit: (ops: WriteOp[]) => Promise<void>,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly required: () => boolean,
  ) {
    this.reload();
  }

  /** Reads the key from trusted storage again (a failover backup's storage changes under it). */
  reload(): void {
    this.current = null;
    const stored = this.store.readClientKey();
    if (!stored) return;
    try {
      const parsed = parseClientKey(stored.der);
      this.current = { ...stored, key: parsed.key, bits: parsed.bits };
    } catch (err) {
      // A stored key that no longer reads verifies nothing: signed requests are refused until a key is uploaded again.
      this.log.error({ event: 'client_key.unreadable', reason: (err as Error).message }, 'the stored client key cannot be read; upload it again');
    }
  }

  /** The key to verify signatures with, or null when none is uploaded. */
  get verifier(): Verifier | null {
    return this.current;
  }

  view(): ClientKeyView {
    const c = this.current;
    return {
      present: c !== null,
      keyId: c?.keyId ?? null,
      bits: c?.bits ?? null,
      uploadedAt: c ? iso(c.uploadedAt) : null,
      uploadedBy: c?.uploadedBy ?? null,
      required: this.required(),
    };
  }

  /** Replaces the key once the write is durable: until then, the previous key still verifies. */
  async upload(bytes: Uint8Array, by: string): Promise<UploadedClientKey> {
    const parsed = parseClientKey(bytes);
    const stored: StoredClientKey = { der: parsed.spki, keyId: parsed.keyId, uploadedAt: this.clock.now(), uploadedBy: by };
    await this.submit(putClientKeyOps(stored));
    this.current = { ...stored, key: parsed.key, bits: parsed.bits };
    return { keyId: stored.keyId, bits: parsed.bits, uploadedAt: iso(stored.uploadedAt), uploadedBy: by, required: this.required() };
  }

  async remove(): Promise<void> {
    if (!this.current) throw new TallyError('NOT_FOUND', 'No client key is uploaded to this server.');
    await this.submit(deleteClientKeyOps());
    this.current = null;
  }
}

function iso(at: EpochMs): string {
  return new Date(at).toISOString();
}
