import { describe, expect, it } from 'vitest';
import type { LineItem, Product } from './entitlement.js';
import { checkActivations, entitlementInputSchema, lineItemEnd, productInputSchema, rightsOf } from './entitlement.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const DAY = 86_400_000;
const cad: Product = productInputSchema.parse({ id: 'cad', name: 'CAD', version: '2026', features: [{ name: 'cad', version: '2.0', count: 1, overdraft: 1 }, { name: 'viewer', version: '1.0', count: 0, counted: false }] });
const item = (overrides: Partial<LineItem> = {}): LineItem => ({ activationId: 'ACT-1', entitlementId: 'ENT-1', accountId: 'acme', productId: 'cad', quantity: 10, start: null, expiry: null, ...overrides });

describe('products and entitlements as a producer writes them', () => {
  it('refuses a product listing the same feature version twice, or metered terms on a concurrent feature', () => {
    const twice = productInputSchema.safeParse({ id: 'p', name: 'P', features: [{ name: 'a', version: '1.0', count: 1 }, { name: 'a', version: '1.0', count: 2 }] });
    expect(twice.error?.issues[0]).toEqual(expect.objectContaining({ path: ['features', 1], message: 'lists a 1.0 twice' }));
    const metered = productInputSchema.safeParse({ id: 'p', name: 'P', features: [{ name: 'a', version: '1.0', count: 1, metered: { capped: true } }] });
    expect(metered.error?.issues[0]?.path).toEqual(['features', 0, 'metered']);
  });

  it('refuses an entitlement that gives one activation ID to two line items', () => {
    const r = entitlementInputSchema.safeParse({ accountId: 'acme', lineItems: [{ activationId: 'A', productId: 'cad', quantity: 1 }, { activationId: 'A', productId: 'cad', quantity: 1 }] });
    expect(r.error?.issues[0]?.path).toEqual(['lineItems', 1, 'activationId']);
  });
});

describe('checkActivations: what a server may activate', () => {
  const lookup = (activated: number, overrides: Partial<LineItem> = {}) => (id: string) => (id === 'ACT-1' ? { item: item(overrides), activated } : undefined);

  it('lets a server activate what is left of a quantity, and binds an unbound server to the account', () => {
    expect(checkActivations([{ activationId: 'ACT-1', count: 4 }], null, lookup(6), NOW)).toEqual({ accountId: 'acme', refusals: [] });
  });

  it('names each ID it refuses: unknown, listed twice, another account’s, expired, not enough left', () => {
    const asks = [{ activationId: 'ACT-1', count: 1 }, { activationId: 'ACT-1', count: 1 }, { activationId: 'NOPE', count: 1 }];
    expect(checkActivations(asks, 'acme', lookup(0), NOW).refusals.map((r) => r.reason)).toEqual(['duplicate', 'unknown']);
    expect(checkActivations([{ activationId: 'ACT-1', count: 1 }], 'globex', lookup(0), NOW).refusals[0]?.reason).toBe('other-account');
    expect(checkActivations([{ activationId: 'ACT-1', count: 1 }], 'acme', lookup(0, { expiry: '2026-05-31' }), NOW).refusals[0]?.message).toBe('ACT-1 expired on 2026-05-31; ask the producer to renew it');
    expect(checkActivations([{ activationId: 'ACT-1', count: 5 }], 'acme', lookup(6), NOW).refusals[0]?.message).toBe('ACT-1 has 4 of 10 left to activate; 5 asked');
  });
});

describe('rightsOf: the records a server holds', () => {
  it('multiplies a product’s counts by the count activated and keeps record IDs across reissues', () => {
    const rights = (count: number) => rightsOf([{ activationId: 'ACT-1', instanceId: 's', count, firstActivatedAt: NOW, item: item() }], () => cad);
    const three = rights(3);
    expect(three.map((r) => [r.name, r.count, r.overdraft, r.counted, r.expiry, r.activationId, r.entitlementId, r.productName])).toEqual([
      ['cad', 3, 3, true, 'permanent', 'ACT-1', 'ENT-1', 'CAD'],
      ['viewer', 0, 0, false, 'permanent', 'ACT-1', 'ENT-1', 'CAD'],
    ]);
    expect(rights(5).map((r) => r.id)).toEqual(three.map((r) => r.id));
  });

  it('ends rights at the line item’s expiry, or the product’s term counted from the first activation', () => {
    const term: Product = { ...cad, term: '30d' };
    expect(lineItemEnd(item(), term, NOW)).toBe(NOW + 30 * DAY);
    expect(lineItemEnd(item({ expiry: '2027-01-31' }), term, NOW)).toBe(Date.parse('2027-02-01T00:00:00Z'));
    expect(lineItemEnd(item({ expiry: 'permanent' }), term, NOW)).toBeNull();
  });

  it('gives nothing for an activation whose counts were all taken back', () => {
    expect(rightsOf([{ activationId: 'ACT-1', instanceId: 's', count: 0, firstActivatedAt: NOW, item: item() }], () => cad)).toEqual([]);
  });
});
