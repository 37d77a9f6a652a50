import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochMs } from '../common/time.js';
import type { LineItemInput, ProductInput } from '../licensing/entitlement.js';
import type { FeatureRecordInput } from '../licensing/feature-record.js';
import type { LicenseFile } from '../licensing/license-file.js';
import { generateProducerKeys, signLicense } from '../licensing/license-file.js';

/** Demo features: one of each kind a producer sells, so every path of the server can be tried. */
export function demoFeatures(now: EpochMs): FeatureRecordInput[] {
  const day = (offset: number) => new Date(now + offset * 86_400_000).toISOString().slice(0, 10);
  return [
    { name: 'cad', version: '2.0', count: 5, expiry: day(365), productName: 'Tally CAD', productVersion: '2026', activationId: 'ACT-CAD-1', entitlementId: 'ENT-1001', vendorString: 'tier:pro' },
    { name: 'cad', version: '1.0', count: 3, expiry: day(30), productName: 'Tally CAD', productVersion: '2025', activationId: 'ACT-CAD-0', entitlementId: 'ENT-1000' },
    { name: 'cam', version: '1.0', count: 10, overdraft: 2, expiry: 'permanent', productName: 'Tally CAM', activationId: 'ACT-CAM-1', entitlementId: 'ENT-1002' },
    { name: 'viewer', version: '1.0', count: 0, counted: false, expiry: 'permanent', productName: 'Tally Viewer', activationId: 'ACT-VIEW-1', entitlementId: 'ENT-1003' },
    { name: 'render-hours', version: '1.0', count: 1000, model: 'metered', metered: { capped: true, reusable: false, undoInterval: '15m' }, expiry: day(365), productName: 'Tally Render', activationId: 'ACT-RND-1', entitlementId: 'ENT-1004' },
    { name: 'cloud-api', version: '1.0', count: 10_000, model: 'metered', metered: { capped: false, reusable: false }, expiry: day(365), productName: 'Tally Cloud', activationId: 'ACT-API-1', entitlementId: 'ENT-1005' },
    { name: 'sim-seats', version: '1.0', count: 4, model: 'metered', metered: { capped: true, reusable: true }, expiry: day(180), productName: 'Tally Sim', activationId: 'ACT-SIM-1', entitlementId: 'ENT-1006' },
    { name: 'legacy-import', version: '1.0', count: 2, expiry: day(-10), productName: 'Tally Legacy', activationId: 'ACT-LEG-1', entitlementId: 'ENT-0900' },
    { name: 'beta-ai', version: '1.0', count: 2, start: day(30), expiry: day(400), productName: 'Tally AI', activationId: 'ACT-AI-1', entitlementId: 'ENT-1007' },
  ];
}

/**
 * For the quick start only: a producer key pair kept in the data folder and a signed demo
 * license. A real server trusts the producer's key, never one it made itself.
 */
export function prepareDemo(dataDir: string, now: EpochMs): { publicKeyPem: string; license: LicenseFile } {
  mkdirSync(dataDir, { recursive: true });
  const keyFile = join(dataDir, 'demo-producer.key');
  const pubFile = join(dataDir, 'demo-producer.pub');
  if (!existsSync(keyFile) || !existsSync(pubFile)) {
    const keys = generateProducerKeys();
    writeFileSync(keyFile, keys.privateKeyPem, { mode: 0o600 });
    writeFileSync(pubFile, keys.publicKeyPem);
  }
  const license = signLicense({ licenseId: 'demo', producer: 'Tally Demo Producer', features: demoFeatures(now) }, readFileSync(keyFile, 'utf8'), { now });
  return { publicKeyPem: readFileSync(pubFile, 'utf8'), license };
}

/**
 * The demo features as a producer's catalog: a product per feature, and one line item per
 * activation ID of the demo account. Concurrent seats are sold one by one (so an activation ID
 * can be split over servers); the rest come as packs. Records already expired cannot be
 * activated: they stay in a file signed by hand, as old licenses do.
 */
export function demoCatalog(now: EpochMs): { products: ProductInput[]; lineItems: Array<LineItemInput & { entitlementId: string }>; signedByHand: FeatureRecordInput[] } {
  const products: ProductInput[] = [];
  const lineItems: Array<LineItemInput & { entitlementId: string }> = [];
  const signedByHand: FeatureRecordInput[] = [];
  for (const f of demoFeatures(now)) {
    if (f.expiry !== 'permanent' && Date.parse(f.expiry) <= now) {
      signedByHand.push(f);
      continue;
    }
    const bySeat = (f.model ?? 'concurrent') === 'concurrent' && f.counted !== false && !f.overdraft;
    const id = `${f.productName ?? f.name}-${f.productVersion ?? f.version}`.toLowerCase().replace(/[^a-z0-9.]+/g, '-');
    products.push({
      id,
      name: f.productName ?? f.name,
      version: f.productVersion ?? null,
      features: [{ name: f.name, version: f.version, count: bySeat ? 1 : f.count, overdraft: f.overdraft ?? 0, model: f.model ?? 'concurrent', counted: f.counted ?? true, vendorString: f.vendorString ?? null, ...(f.metered ? { metered: f.metered } : {}) }],
    });
    lineItems.push({ entitlementId: f.entitlementId!, activationId: f.activationId!, productId: id, quantity: bySeat ? f.count : 1, start: f.start ?? null, expiry: f.expiry });
  }
  return { products, lineItems, signedByHand };
}
