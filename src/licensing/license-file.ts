import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { z } from 'zod';
import { TallyError, detailsFromIssues } from '../common/errors.js';
import type { EpochMs } from '../common/time.js';
import type { FeatureRecord } from './feature-record.js';
import { featureRecordInputSchema, toFeatureRecord } from './feature-record.js';

/**
 * Signed license files. The payload is signed with the producer's Ed25519 key over its
 * canonical JSON (RFC 8785), so the file stays readable and any edit breaks the signature.
 */
export const LICENSE_FORMAT = 'tally-license/1';

/** What a producer writes before signing: the features, optionally a license ID to reissue. */
export const featuresDocumentSchema = z.union([
  z.array(featureRecordInputSchema).min(1, 'must list at least one feature'),
  z
    .object({
      licenseId: z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes, colons or underscores').optional(),
      producer: z.string().min(1).max(128).optional(),
      features: z.array(featureRecordInputSchema).min(1, 'must list at least one feature'),
    })
    .strict(),
]);

const payloadSchema = z
  .object({
    licenseId: z.string().min(1).max(64),
    producer: z.string().min(1).max(128),
    issuedAt: z.iso.datetime(),
    loadBefore: z.iso.datetime(),
    features: z.array(featureRecordInputSchema.and(z.object({ id: z.string() }))).min(1),
    /** The one license server that may load it (licenses the back office issues); any server when absent. */
    boundTo: z.object({ instanceId: z.string().min(1).max(64), hostIds: z.array(z.string().max(64)).max(32) }).strict().optional(),
  })
  .strict();

export type LicensePayload = z.input<typeof payloadSchema>;

export const licenseFileSchema = z
  .object({
    format: z.literal(LICENSE_FORMAT),
    keyId: z.string().min(1).max(64),
    payload: z.unknown(),
    signature: z.string().min(1).max(512),
  })
  .strict();

export type LicenseFile = { format: typeof LICENSE_FORMAT; keyId: string; payload: LicensePayload; signature: string };

/** A license the server accepted: its records, ready to serve. */
export interface VerifiedLicense {
  licenseId: string;
  producer: string;
  keyId: string;
  issuedAt: EpochMs;
  records: FeatureRecord[];
  boundTo: { instanceId: string; hostIds: string[] } | null;
}

export interface ProducerKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
  keyId: string;
}

/** Makes a new producer key pair. */
export function generateProducerKeys(): ProducerKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    keyId: keyIdOf(publicKey),
  };
}

/** A short fingerprint of a public key: tells which producer key signed a file. */
export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  const der = key.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

export interface SignOptions {
  /** Seconds during which a server may load the file (default 30 days). */
  validFor?: number;
  now?: EpochMs;
  producer?: string;
  /** Only this license server may load it. */
  boundTo?: { instanceId: string; hostIds: string[] };
}

/**
 * Signs a features document. Records without an `id` get one derived from what identifies
 * them (license, name, version, dates, IDs), so a reissued license with new counts keeps the
 * same record IDs and leases carry over.
 */
export function signLicense(document: unknown, privateKeyPem: string, options: SignOptions = {}): LicenseFile {
  const parsed = featuresDocumentSchema.safeParse(document);
  if (!parsed.success) {
    throw new TallyError('BAD_REQUEST', 'The features document is invalid.', detailsFromIssues(parsed.error.issues));
  }
  const doc = Array.isArray(parsed.data) ? { features: parsed.data } : parsed.data;
  const now = options.now ?? Date.now();
  const privateKey = createPrivateKey(privateKeyPem);
  const keyId = keyIdOf(createPublicKey(privateKey));
  const licenseId = doc.licenseId ?? `lic-${createHash('sha256').update(canonicalize(doc.features) ?? '').digest('hex').slice(0, 12)}`;
  const rawFeatures = (Array.isArray(document) ? document : (document as { features: unknown[] }).features) as Record<string, unknown>[];
  const features = rawFeatures.map((raw, i) => {
    const f = doc.features[i]!;
    return { ...raw, id: f.id ?? deriveRecordId(licenseId, f) };
  });
  const ids = new Set<string>();
  features.forEach((f, i) => {
    if (ids.has(f.id)) {
      throw new TallyError('BAD_REQUEST', `features.${i}.id: record ID ${f.id} is used twice`, [
        { field: `features.${i}.id`, message: `record ID ${f.id} is used twice; give the records distinct ids` },
      ]);
    }
    ids.add(f.id);
  });
  const payload = {
    licenseId,
    producer: options.producer ?? doc.producer ?? 'producer',
    issuedAt: new Date(now).toISOString(),
    loadBefore: new Date(now + (options.validFor ?? 30 * 86_400) * 1000).toISOString(),
    features,
    ...(options.boundTo ? { boundTo: options.boundTo } : {}),
  } as LicensePayload;
  const signature = sign(null, Buffer.from(canonicalize(payload) ?? ''), privateKey).toString('base64');
  return { format: LICENSE_FORMAT, keyId, payload, signature };
}

function deriveRecordId(licenseId: string, f: { name: string; version: string; start?: string | null | undefined; expiry: string; activationId?: string | null | undefined; entitlementId?: string | null | undefined; productName?: string | null | undefined; productVersion?: string | null | undefined }): string {
  const identity = [licenseId, f.name, f.version, f.start ?? '', f.expiry, f.activationId ?? '', f.entitlementId ?? '', f.productName ?? '', f.productVersion ?? ''].join('\u0000');
  return createHash('sha256').update(identity).digest('hex').slice(0, 16);
}

function reject(message: string, field = 'license', detail = message): never {
  throw new TallyError('LICENSE_REJECTED', message, [{ field, message: detail }]);
}

/**
 * Checks a license file in a fixed order and returns its records, or refuses it with the
 * first reason found: shape, producer key, signature, load deadline, then content. A file this
 * server loaded earlier is checked again with `now` null: the load deadline did its work then.
 */
export function verifyLicense(file: unknown, publicKeyPem: string, now: EpochMs | null): VerifiedLicense {
  const shape = licenseFileSchema.safeParse(file);
  if (!shape.success) {
    const unsigned = typeof file === 'object' && file !== null && !('signature' in file);
    if (unsigned) reject('The license file is not signed: it has no signature.', 'signature', 'is missing');
    throw new TallyError('LICENSE_REJECTED', 'The license file is not a Tally license file.', detailsFromIssues(shape.error.issues));
  }
  const { keyId, payload, signature } = shape.data;
  const publicKey = createPublicKey(publicKeyPem);
  const expectedKeyId = keyIdOf(publicKey);
  if (keyId !== expectedKeyId) {
    reject(
      `The license file was signed by another producer (key ${keyId}); this server trusts key ${expectedKeyId}.`,
      'keyId',
      'does not match the producer key this server is configured with',
    );
  }
  const bytes = Buffer.from(canonicalize(payload) ?? '');
  let valid = false;
  try {
    valid = verify(null, bytes, publicKey, Buffer.from(signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) reject('The license file signature does not match its content: the file was altered or damaged.', 'signature', 'does not verify');
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) {
    throw new TallyError('LICENSE_REJECTED', 'The signed license content is invalid.', detailsFromIssues(parsed.error.issues, 'payload'));
  }
  const p = parsed.data;
  const loadBefore = Date.parse(p.loadBefore);
  if (now !== null && now > loadBefore) {
    reject(`The license file's signature expired at ${p.loadBefore}; ask the producer for a new file.`, 'payload.loadBefore', 'is in the past');
  }
  const records = p.features.map((f) => toFeatureRecord(f, p.licenseId));
  return { licenseId: p.licenseId, producer: p.producer, keyId, issuedAt: Date.parse(p.issuedAt), records, boundTo: p.boundTo ?? null };
}
