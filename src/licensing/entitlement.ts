import { createHash } from 'node:crypto';
import { z } from 'zod';
import { text } from '../common/text.js';
import type { EpochMs } from '../common/time.js';
import { parseDurationSeconds } from '../common/time.js';
import type { FeatureRecordInput } from './feature-record.js';
import { checkMeteredTerms, featureFields, parseLicenseDate } from './feature-record.js';
import { countSchema, MAX_COUNT } from './limits.js';

/**
 * What a producer sells and to whom: products (a set of features), entitlements of an account
 * (line items, each an activation ID with a quantity of a product), and the activations that
 * move those quantities onto license servers. Pure: the back office stores these, the rules of
 * what may be activated and which feature records a server then holds are here.
 */

/** Identifiers people type: products, entitlements, activation IDs. */
export const catalogIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes, colons or underscores');

/** One feature of a product: the counts are per unit of quantity activated. */
export const productFeatureSchema = z
  .object({
    name: featureFields.name,
    version: featureFields.version,
    count: countSchema.describe('counts per unit activated (0 for an uncounted feature)'),
    model: featureFields.model,
    metered: featureFields.metered,
    counted: featureFields.counted,
    overdraft: featureFields.overdraft.describe('overdraft counts per unit activated'),
    borrowInterval: featureFields.borrowInterval,
    vendorString: featureFields.vendorString,
  })
  .strict()
  .superRefine(checkMeteredTerms);

/** How long rights last: `permanent`, or a duration counted from their first activation on a server (`365d`). */
const termSchema = z.string().refine((t) => t === 'permanent' || (parseDurationSeconds(t) ?? 0) > 0, 'must be "permanent" or a duration such as 30d or 52w');

export const productInputSchema = z
  .object({
    id: catalogIdSchema,
    name: text().trim().min(1, 'must not be empty').max(256),
    version: text().trim().min(1).max(64).nullable().default(null),
    term: termSchema.default('permanent').describe('how long activated rights last when the line item sets no expiry'),
    features: z.array(productFeatureSchema).min(1, 'must list at least one feature').max(100, 'must list at most 100 features'),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.features.forEach((f, i) => {
      const key = `${f.name}\u0000${f.version}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['features', i], message: `lists ${f.name} ${f.version} twice` });
      seen.add(key);
    });
  });
export type ProductInput = z.input<typeof productInputSchema>;
export type Product = z.output<typeof productInputSchema>;

const dateField = (what: string) =>
  z.string().refine((s) => parseLicenseDate(s, 'start') !== undefined, `must be a date (YYYY-MM-DD) or ISO timestamp ${what}`);

export const lineItemInputSchema = z
  .object({
    /** Made when not given: what the customer's welcome email carries. */
    activationId: catalogIdSchema.optional(),
    productId: catalogIdSchema,
    quantity: z.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(MAX_COUNT, `must be at most ${MAX_COUNT}`),
    start: dateField('').nullable().default(null),
    /** Overrides the product's term: `permanent` or a date. */
    expiry: z
      .string()
      .refine((s) => s === 'permanent' || parseLicenseDate(s, 'end') !== undefined, 'must be "permanent", a date (YYYY-MM-DD) or an ISO timestamp')
      .nullable()
      .default(null),
  })
  .strict()
  .superRefine((l, ctx) => {
    if (l.start && l.expiry && l.expiry !== 'permanent' && parseLicenseDate(l.expiry, 'end')! <= parseLicenseDate(l.start, 'start')!) {
      ctx.addIssue({ code: 'custom', path: ['expiry'], message: 'must be after start' });
    }
  });
export type LineItemInput = z.input<typeof lineItemInputSchema>;

export const entitlementInputSchema = z
  .object({
    id: catalogIdSchema.optional(),
    accountId: catalogIdSchema,
    name: text().trim().min(1).max(256).nullable().default(null),
    lineItems: z.array(lineItemInputSchema).min(1, 'must hold at least one line item').max(100, 'must hold at most 100 line items'),
  })
  .strict()
  .superRefine((e, ctx) => {
    const seen = new Set<string>();
    e.lineItems.forEach((l, i) => {
      if (!l.activationId) return;
      if (seen.has(l.activationId)) ctx.addIssue({ code: 'custom', path: ['lineItems', i, 'activationId'], message: `${l.activationId} is used twice` });
      seen.add(l.activationId);
    });
  });
export type EntitlementInput = z.input<typeof entitlementInputSchema>;

/** A line item as stored: what one activation ID gives, and until when. */
export interface LineItem {
  activationId: string;
  entitlementId: string;
  accountId: string;
  productId: string;
  quantity: number;
  start: string | null;
  expiry: string | null;
}

/** Counts of one activation ID on one license server. */
export interface Activation {
  activationId: string;
  instanceId: string;
  count: number;
  /** When counts of this ID first reached this server: a product's term runs from here. */
  firstActivatedAt: EpochMs;
}

/** One activation ID and count an administrator asks for. */
export const activationAskSchema = z
  .object({
    activationId: z.string().trim().min(1, 'must not be empty').max(128),
    count: z.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(MAX_COUNT, `must be at most ${MAX_COUNT}`),
  })
  .strict();
export type ActivationAsk = z.infer<typeof activationAskSchema>;

export const activationAsksSchema = z.array(activationAskSchema).min(1, 'must name at least one activation ID').max(50, 'must name at most 50 activation IDs');

/** When a line item's rights end for an activation made at `firstActivatedAt`; null when permanent. */
export function lineItemEnd(item: LineItem, product: Product, firstActivatedAt: EpochMs): EpochMs | null {
  if (item.expiry !== null) return item.expiry === 'permanent' ? null : parseLicenseDate(item.expiry, 'end')!;
  if (product.term === 'permanent') return null;
  return firstActivatedAt + parseDurationSeconds(product.term)! * 1000;
}

/** A line item's end as a license writes it: its own date as given, `permanent`, or the end of the product's term as a timestamp. */
export function lineItemExpiry(item: LineItem, product: Product, firstActivatedAt: EpochMs): string {
  if (item.expiry !== null) return item.expiry;
  const end = lineItemEnd(item, product, firstActivatedAt);
  return end === null ? 'permanent' : new Date(end).toISOString();
}

/** Whether a line item can no longer be activated: its fixed expiry has passed. */
export function lineItemExpired(item: LineItem, now: EpochMs): boolean {
  return item.expiry !== null && item.expiry !== 'permanent' && parseLicenseDate(item.expiry, 'end')! <= now;
}

/** What one asked activation ID cannot have, and why; null when it can. */
export interface ActivationRefusal {
  activationId: string;
  reason: 'unknown' | 'duplicate' | 'other-account' | 'expired' | 'insufficient';
  message: string;
}

/**
 * Checks a request to activate IDs on a server of `accountId` (null: the server is not yet
 * bound to an account, and the first ID's account becomes its account). All or nothing: the
 * answer lists every ID that cannot be activated.
 */
export function checkActivations(
  asks: readonly ActivationAsk[],
  accountId: string | null,
  lookup: (activationId: string) => { item: LineItem; activated: number } | undefined,
  now: EpochMs,
): { accountId: string | null; refusals: ActivationRefusal[] } {
  const refusals: ActivationRefusal[] = [];
  const seen = new Set<string>();
  let account = accountId;
  for (const ask of asks) {
    const id = ask.activationId;
    if (seen.has(id)) {
      refusals.push({ activationId: id, reason: 'duplicate', message: `${id} is listed twice; give it once with the whole count` });
      continue;
    }
    seen.add(id);
    const found = lookup(id);
    if (!found) {
      refusals.push({ activationId: id, reason: 'unknown', message: `${id} is not an activation ID of this producer; check the welcome email` });
      continue;
    }
    account ??= found.item.accountId;
    if (found.item.accountId !== account) {
      refusals.push({ activationId: id, reason: 'other-account', message: `${id} belongs to another account than this license server's` });
      continue;
    }
    if (lineItemExpired(found.item, now)) {
      refusals.push({ activationId: id, reason: 'expired', message: `${id} expired on ${found.item.expiry}; ask the producer to renew it` });
      continue;
    }
    const left = found.item.quantity - found.activated;
    if (ask.count > left) {
      refusals.push({ activationId: id, reason: 'insufficient', message: `${id} has ${left} of ${found.item.quantity} left to activate; ${ask.count} asked` });
    }
  }
  return { accountId: account, refusals };
}

/** The products a server's activations draw on, by ID. */
export type ProductLookup = (productId: string) => Product | undefined;

/**
 * The feature records a license server holds from its activations: each product feature times
 * the count activated, dated by the line item or the product's term. Record IDs depend only on
 * the activation ID and the feature, so a reissue with new counts keeps the leases on them.
 */
export function rightsOf(activations: ReadonlyArray<Activation & { item: LineItem }>, product: ProductLookup): FeatureRecordInput[] {
  const features: FeatureRecordInput[] = [];
  for (const a of [...activations].sort((x, y) => (x.activationId < y.activationId ? -1 : x.activationId > y.activationId ? 1 : 0))) {
    if (a.count <= 0) continue;
    const p = product(a.item.productId);
    if (!p) continue;
    const expiry = lineItemExpiry(a.item, p, a.firstActivatedAt);
    for (const f of p.features) {
      features.push({
        id: createHash('sha256').update(`${a.activationId}\u0000${f.name}\u0000${f.version}`).digest('hex').slice(0, 16),
        name: f.name,
        version: f.version,
        count: f.counted ? Math.min(MAX_COUNT, f.count * a.count) : 0,
        overdraft: Math.min(MAX_COUNT, f.overdraft * a.count),
        start: a.item.start,
        expiry,
        model: f.model,
        ...(f.metered ? { metered: f.metered } : {}),
        counted: f.counted,
        borrowInterval: f.borrowInterval ?? null,
        vendorString: f.vendorString ?? null,
        productName: p.name,
        productVersion: p.version,
        activationId: a.activationId,
        entitlementId: a.item.entitlementId,
      });
    }
  }
  return features;
}
