import { describe, expect, it } from 'vitest';
import { TallyError } from '../common/errors.js';
import { generateProducerKeys, signLicense, verifyLicense } from './license-file.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const producer = generateProducerKeys();
const features = [{ name: 'cad', version: '2.0', count: 5, expiry: '2027-01-01', activationId: 'ACT-1' }];

function refusal(fn: () => unknown): TallyError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TallyError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('signLicense and verifyLicense', () => {
  it('round-trips every field of a feature record', () => {
    const full = {
      name: 'sim',
      version: '3.1',
      count: 7,
      start: '2026-01-01',
      expiry: '2027-12-31',
      vendorString: 'tier:gold',
      productName: 'Simulator',
      productVersion: '2026.1',
      activationId: 'ACT-9',
      entitlementId: 'ENT-9',
      model: 'metered',
      metered: { capped: false, reusable: true, undoInterval: '10m' },
      counted: true,
      overdraft: 2,
      borrowInterval: '2d',
    };
    const license = signLicense({ licenseId: 'L-1', features: [full] }, producer.privateKeyPem, { now: NOW });
    const verified = verifyLicense(JSON.parse(JSON.stringify(license)), producer.publicKeyPem, NOW);
    expect(verified.licenseId).toBe('L-1');
    expect(verified.records[0]).toMatchObject({
      name: 'sim',
      version: '3.1',
      count: 7,
      startsAt: Date.parse('2026-01-01T00:00:00Z'),
      expiresAt: Date.parse('2028-01-01T00:00:00Z'),
      vendorString: 'tier:gold',
      productName: 'Simulator',
      productVersion: '2026.1',
      activationId: 'ACT-9',
      entitlementId: 'ENT-9',
      model: 'metered',
      metered: { capped: false, reusable: true, undoInterval: 600 },
      counted: true,
      overdraft: 2,
      borrowInterval: 172_800,
    });
  });

  it('keeps record IDs when a license is reissued with new counts, so leases carry over', () => {
    const first = signLicense({ licenseId: 'L-2', features }, producer.privateKeyPem, { now: NOW });
    const second = signLicense({ licenseId: 'L-2', features: [{ ...features[0], count: 50 }] }, producer.privateKeyPem, { now: NOW + 1000 });
    expect(second.payload.features[0]!.id).toBe(first.payload.features[0]!.id);
  });

  it('refuses a file whose content was changed after signing', () => {
    const license = signLicense({ features }, producer.privateKeyPem, { now: NOW });
    const tampered = JSON.parse(JSON.stringify(license));
    tampered.payload.features[0].count = 500;
    const error = refusal(() => verifyLicense(tampered, producer.publicKeyPem, NOW));
    expect(error.code).toBe('LICENSE_REJECTED');
    expect(error.message).toMatch(/altered/);
  });

  it('refuses a file without a signature', () => {
    const license = signLicense({ features }, producer.privateKeyPem, { now: NOW }) as Partial<ReturnType<typeof signLicense>>;
    delete license.signature;
    expect(refusal(() => verifyLicense(license, producer.publicKeyPem, NOW)).message).toMatch(/not signed/);
  });

  it('refuses a file signed by another producer, naming both keys', () => {
    const other = generateProducerKeys();
    const license = signLicense({ features }, other.privateKeyPem, { now: NOW });
    const error = refusal(() => verifyLicense(license, producer.publicKeyPem, NOW));
    expect(error.message).toContain(other.keyId);
    expect(error.message).toContain(producer.keyId);
  });

  it('refuses a file whose key ID was swapped to look like ours', () => {
    const other = generateProducerKeys();
    const license = signLicense({ features }, other.privateKeyPem, { now: NOW });
    license.keyId = producer.keyId;
    expect(refusal(() => verifyLicense(license, producer.publicKeyPem, NOW)).message).toMatch(/signature does not match/);
  });

  it('refuses a file loaded after its signature expired', () => {
    const license = signLicense({ features }, producer.privateKeyPem, { now: NOW, validFor: 3600 });
    expect(() => verifyLicense(license, producer.publicKeyPem, NOW + 3599_000)).not.toThrow();
    expect(refusal(() => verifyLicense(license, producer.publicKeyPem, NOW + 3601_000)).message).toMatch(/expired/);
  });

  it('refuses to sign a features document with a bad field, naming it', () => {
    const error = refusal(() => signLicense({ features: [{ ...features[0], version: 'two' }] }, producer.privateKeyPem));
    expect(error.details).toEqual([expect.objectContaining({ field: 'features.0.version' })]);
  });

  it('refuses to sign an expiry before the start', () => {
    const error = refusal(() => signLicense([{ ...features[0], start: '2027-06-01', expiry: '2027-01-01' }], producer.privateKeyPem));
    expect(error.details).toEqual([expect.objectContaining({ field: '0.expiry', message: 'must be after start' })]);
  });
});
