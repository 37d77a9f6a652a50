import { createPublicKey, sign, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import { TallyError, detailsFromIssues } from '../common/errors.js';
import type { EpochMs } from '../common/time.js';
import { activationAsksSchema } from './entitlement.js';
import { keyIdOf, licenseFileSchema } from './license-file.js';

/**
 * The exchange between a license server and the back office: the server asks (activate these
 * IDs, or tell me my current rights), the back office answers with the server's whole set of
 * rights as a signed license. The same messages travel over HTTP (online) or as files carried
 * by hand (offline). Each is signed over its canonical JSON (RFC 8785): requests with the
 * server's own key, responses with the producer's; a request carries a nonce that its response
 * repeats, so each answer is applied once and only by the server that asked.
 */
export const EXCHANGE_FORMAT = 'tally-exchange/1';

/** The license ID of the rights the back office issues: one license per server, reissued whole. */
export const BACK_OFFICE_LICENSE_ID = 'backoffice';

export const EXCHANGE_KINDS = ['activation', 'capability'] as const;
export type ExchangeKind = (typeof EXCHANGE_KINDS)[number];

/** How far a sender's clock may run ahead of the receiver's. */
export const CLOCK_SKEW_MS = 5 * 60_000;

const iso = z.iso.datetime({ offset: true, error: 'must be an ISO timestamp' });
const nonceSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'must be 16-64 URL-safe characters');

/** Who a license server is: the instance ID it keeps for life and the hostids of its machine. */
export const serverIdentitySchema = z
  .object({
    instanceId: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be an instance ID'),
    hostIds: z.array(z.string().regex(/^[A-Za-z0-9:._-]{1,64}$/, 'must be a hostid')).max(32),
  })
  .strict();
export type ServerIdentity = z.infer<typeof serverIdentitySchema>;

export const exchangeRequestSchema = z
  .object({
    kind: z.enum(EXCHANGE_KINDS),
    server: serverIdentitySchema,
    /** The server's public key (SPKI PEM); the back office binds it to the instance at first contact. */
    publicKey: z.string().min(1).max(1024),
    nonce: nonceSchema,
    createdAt: iso,
    /** After this the back office refuses the request as stale. */
    expiresAt: iso,
    /** Activation requests only. */
    activations: activationAsksSchema.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.kind === 'activation' && !r.activations) ctx.addIssue({ code: 'custom', path: ['activations'], message: 'is required for an activation request' });
    if (r.kind === 'capability' && r.activations) ctx.addIssue({ code: 'custom', path: ['activations'], message: 'is only for activation requests' });
  });
export type ExchangeRequest = z.infer<typeof exchangeRequestSchema>;

/** What the back office says of each activation ID the server holds after the exchange. */
export const activationLineSchema = z.object({
  activationId: z.string(),
  productName: z.string(),
  /** Counts of this ID on this server now. */
  count: z.number(),
  /** Counts of this ID still free to activate anywhere. */
  remaining: z.number(),
  expiry: z.string().nullable(),
});
export type ActivationLine = z.infer<typeof activationLineSchema>;

export const exchangeResponseSchema = z
  .object({
    kind: z.literal('response'),
    requestKind: z.enum(EXCHANGE_KINDS),
    /** The nonce of the request this answers. */
    requestNonce: nonceSchema,
    server: serverIdentitySchema,
    accountId: z.string().min(1).max(128),
    issuedAt: iso,
    /** After this the server refuses to apply it. */
    expiresAt: iso,
    activations: z.array(activationLineSchema).max(1000),
    /** The server's whole set of rights, signed as a license file; null when it has none left. */
    license: licenseFileSchema.nullable(),
  })
  .strict();
export type ExchangeResponse = z.infer<typeof exchangeResponseSchema>;

const envelopeSchema = z
  .object({
    format: z.literal(EXCHANGE_FORMAT, { error: `must be ${EXCHANGE_FORMAT}` }),
    keyId: z.string().min(1).max(64),
    body: z.unknown(),
    signature: z.string().min(1).max(1024),
  })
  .strict();

/** A signed message as it travels: the body, who signed it, and the signature. */
export interface SignedMessage<T> {
  format: typeof EXCHANGE_FORMAT;
  keyId: string;
  body: T;
  signature: string;
}

export function signMessage<T>(body: T, privateKeyPem: string, publicKeyPem: string): SignedMessage<T> {
  const signature = sign(null, Buffer.from(canonicalize(body) ?? ''), privateKeyPem).toString('base64');
  return { format: EXCHANGE_FORMAT, keyId: keyIdOf(publicKeyPem), body, signature };
}

function refuse(message: string, field: string, detail: string): never {
  throw new TallyError('EXCHANGE_REFUSED', message, [{ field, message: detail }]);
}

/**
 * Reads a message (JSON text or parsed) and checks its shape and signature against the key it
 * must carry; `key` may depend on the body (a request brings its own). Refuses with the first
 * reason found.
 */
export function openMessage<T>(input: unknown, schema: z.ZodType<T>, key: (body: T) => string, what: string): T {
  let value = input;
  if (typeof input === 'string' || Buffer.isBuffer(input)) {
    try {
      value = JSON.parse(input.toString());
    } catch {
      refuse(`This is not a ${what} file: it is not JSON.`, 'file', 'is not JSON');
    }
  }
  const envelope = envelopeSchema.safeParse(value);
  if (!envelope.success) throw new TallyError('EXCHANGE_REFUSED', `This is not a Tally ${what}.`, detailsFromIssues(envelope.error.issues));
  const body = schema.safeParse(envelope.data.body);
  if (!body.success) throw new TallyError('EXCHANGE_REFUSED', `The ${what} is not valid.`, detailsFromIssues(body.error.issues, 'body'));
  const pem = key(body.data);
  let valid = false;
  try {
    const publicKey = createPublicKey(pem);
    valid = envelope.data.keyId === keyIdOf(publicKey) && verify(null, Buffer.from(canonicalize(envelope.data.body) ?? ''), publicKey, Buffer.from(envelope.data.signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) refuse(`The ${what}'s signature does not match its content or signer: it was altered, or signed by another key.`, 'signature', 'does not verify');
  return body.data;
}

/** Refuses a message outside its validity window. */
export function checkWindow(createdAt: string, expiresAt: string, now: EpochMs, what: string): void {
  if (Date.parse(createdAt) > now + CLOCK_SKEW_MS) refuse(`The ${what} was made in the future (${createdAt}); check the clocks.`, 'body.createdAt', 'is in the future');
  if (Date.parse(expiresAt) <= now) refuse(`The ${what} expired at ${expiresAt}; make a new one.`, 'body.expiresAt', 'is in the past');
}

/** Whether two identities are the same server: the same instance, and a hostid in common when both list any. */
export function sameServer(a: ServerIdentity, b: ServerIdentity): boolean {
  if (a.instanceId !== b.instanceId) return false;
  if (a.hostIds.length === 0 || b.hostIds.length === 0) return true;
  return a.hostIds.some((h) => b.hostIds.includes(h));
}

/** File names for the offline exchange. */
export function exchangeFileName(kind: 'request' | 'response', requestKind: ExchangeKind, instanceId: string): string {
  return `${requestKind}-${kind}-${instanceId.slice(0, 13)}.tally.json`;
}
