import { describe, expect, it } from 'vitest';
import { generateProducerKeys } from './license-file.js';
import type { ExchangeRequest } from './exchange.js';
import { checkWindow, exchangeRequestSchema, openMessage, sameServer, signMessage } from './exchange.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const server = generateProducerKeys();
const request = (overrides: Partial<ExchangeRequest> = {}): ExchangeRequest => ({
  kind: 'capability',
  server: { instanceId: 'inst-1', hostIds: ['AABBCCDDEEFF'] },
  publicKey: server.publicKeyPem,
  nonce: 'n0nce-0123456789abcdef',
  createdAt: new Date(NOW).toISOString(),
  expiresAt: new Date(NOW + 86_400_000).toISOString(),
  ...overrides,
});

describe('signed exchange messages', () => {
  it('opens a message signed by the key it names, as JSON text or parsed', () => {
    const signed = signMessage(request(), server.privateKeyPem, server.publicKeyPem);
    expect(openMessage(JSON.stringify(signed), exchangeRequestSchema, (b) => b.publicKey, 'request').nonce).toBe('n0nce-0123456789abcdef');
  });

  it('refuses a message whose content was altered after signing', () => {
    const signed = signMessage(request(), server.privateKeyPem, server.publicKeyPem);
    const altered = { ...signed, body: { ...signed.body, server: { instanceId: 'inst-2', hostIds: [] } } };
    expect(() => openMessage(altered, exchangeRequestSchema, (b) => b.publicKey, 'request')).toThrow(/signature does not match/);
  });

  it('refuses a message signed by another key than the one it must carry', () => {
    const other = generateProducerKeys();
    const signed = signMessage(request(), other.privateKeyPem, other.publicKeyPem);
    expect(() => openMessage(signed, exchangeRequestSchema, (b) => b.publicKey, 'request')).toThrow(/signed by another key/);
  });

  it('refuses what is not a Tally message, and requests whose kind and activations disagree', () => {
    expect(() => openMessage('not json', exchangeRequestSchema, (b) => b.publicKey, 'request')).toThrow(/not JSON/);
    expect(() => openMessage({ hello: 1 }, exchangeRequestSchema, (b) => b.publicKey, 'request')).toThrow(/not a Tally request/);
    const wrong = signMessage(request({ kind: 'activation' }), server.privateKeyPem, server.publicKeyPem);
    expect(() => openMessage(wrong, exchangeRequestSchema, (b) => b.publicKey, 'request')).toThrow(/not valid/);
  });

  it('refuses requests made in the future or past their validity', () => {
    expect(() => checkWindow(new Date(NOW + 3_600_000).toISOString(), new Date(NOW + 7_200_000).toISOString(), NOW, 'request')).toThrow(/in the future/);
    expect(() => checkWindow(new Date(NOW - 7_200_000).toISOString(), new Date(NOW - 1).toISOString(), NOW, 'request')).toThrow(/expired/);
    expect(() => checkWindow(new Date(NOW - 60_000).toISOString(), new Date(NOW + 1).toISOString(), NOW, 'request')).not.toThrow();
  });

  it('takes two identities for the same server when the instance matches and they share a hostid', () => {
    expect(sameServer({ instanceId: 'a', hostIds: ['1', '2'] }, { instanceId: 'a', hostIds: ['2'] })).toBe(true);
    expect(sameServer({ instanceId: 'a', hostIds: ['1'] }, { instanceId: 'a', hostIds: ['2'] })).toBe(false);
    expect(sameServer({ instanceId: 'a', hostIds: ['1'] }, { instanceId: 'b', hostIds: ['1'] })).toBe(false);
  });
});
