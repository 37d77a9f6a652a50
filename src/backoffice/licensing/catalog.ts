import { z } from 'zod';
import { TallyError } from '../../common/errors.js';
import { parseInput } from '../../common/schema-check.js';
import { newSecret } from '../../common/ids.js';
import type { DB } from '../../common/sqlite.js';
import type { Clock, EpochMs } from '../../common/time.js';
import type { Activation, ActivationAsk, LineItem, Product } from '../../licensing/entitlement.js';
import { entitlementInputSchema, lineItemEnd, lineItemExpired, productInputSchema } from '../../licensing/entitlement.js';
import { parseLicenseDate } from '../../licensing/feature-record.js';
import { MAX_COUNT } from '../../licensing/limits.js';

/** How counts of an activation ID moved: a server asked online or by file, or the producer moved them. */
export const ACTIVATION_VIAS = ['online', 'offline', 'producer'] as const;
export type ActivationVia = (typeof ACTIVATION_VIAS)[number];

export const productViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string().nullable(),
  term: z.string(),
  features: z.array(
    z.object({
      name: z.string(),
      version: z.string(),
      count: z.number(),
      model: z.enum(['concurrent', 'metered']),
      metered: z.object({ capped: z.boolean(), reusable: z.boolean(), undoInterval: z.number() }).optional(),
      counted: z.boolean(),
      overdraft: z.number(),
      borrowInterval: z.number().nullable().optional(),
      vendorString: z.string().nullable().optional(),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProductView = z.infer<typeof productViewSchema>;

export const serverShareSchema = z.object({
  instanceId: z.string(),
  instanceName: z.string(),
  count: z.number(),
  firstActivatedAt: z.string(),
  updatedAt: z.string(),
  /** When these rights end on that server; null when permanent. */
  expiresAt: z.string().nullable(),
});

export const lineItemViewSchema = z.object({
  activationId: z.string(),
  entitlementId: z.string(),
  accountId: z.string(),
  productId: z.string(),
  productName: z.string(),
  quantity: z.number(),
  activated: z.number(),
  remaining: z.number(),
  start: z.string().nullable(),
  expiry: z.string().nullable().describe('the fixed end of the rights; null: the product term counts from each activation'),
  expired: z.boolean(),
});
export type LineItemView = z.infer<typeof lineItemViewSchema>;

export const entitlementViewSchema = z.object({
  id: z.string(),
  accountId: z.string(),
  accountName: z.string(),
  name: z.string().nullable(),
  createdAt: z.string(),
  lineItems: z.array(lineItemViewSchema),
});
export type EntitlementView = z.infer<typeof entitlementViewSchema>;

export const activationIdViewSchema = lineItemViewSchema.extend({
  servers: z.array(serverShareSchema).describe('where the counts went'),
  history: z.array(z.object({ instanceId: z.string(), delta: z.number(), countAfter: z.number(), via: z.enum(ACTIVATION_VIAS), at: z.string() })),
});
export type ActivationIdView = z.infer<typeof activationIdViewSchema>;

/** What a producer may change of a line item: more or fewer counts, a renewal. */
export const lineItemChangeSchema = z
  .object({
    quantity: z.number({ error: 'must be a whole number' }).int('must be a whole number').min(1, 'must be at least 1').max(MAX_COUNT).optional(),
    expiry: z
      .string()
      .refine((s) => s === 'permanent' || parseLicenseDate(s, 'end') !== undefined, 'must be "permanent", a date (YYYY-MM-DD) or an ISO timestamp')
      .nullable()
      .optional(),
  })
  .strict()
  .refine((c) => c.quantity !== undefined || c.expiry !== undefined, 'must change quantity or expiry');

export const serverCountSchema = z.object({ count: z.number({ error: 'must be a whole number' }).int('must be a whole number').min(0, 'must not be negative').max(MAX_COUNT) }).strict();

interface ProductRow {
  id: string;
  name: string;
  version: string | null;
  term: string;
  features: string;
  created_at: number;
  updated_at: number;
}

interface LineItemRow {
  activation_id: string;
  entitlement_id: string;
  account_id: string;
  product_id: string;
  quantity: number;
  start: string | null;
  expiry: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A readable activation ID for a line item given none: what goes into the welcome email. */
function newActivationId(): string {
  const s = newSecret(12).replace(/[-_]/g, 'x').toUpperCase();
  return `ACT-${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}`;
}

/**
 * The back office's products, entitlements and activations in its SQLite database. Every change
 * of counts happens in one transaction with its history, so the counts of an activation ID on
 * all servers together never pass its quantity.
 */
export class Catalog {
  constructor(
    private readonly db: DB,
    private readonly clock: Clock,
  ) {}

  addProduct(input: unknown): ProductView {
    const p = parseInput(productInputSchema, input);
    if (this.db.prepare('SELECT 1 FROM products WHERE id = ?').get(p.id)) {
      throw new TallyError('CONFLICT', `Product ${p.id} already exists.`, [{ field: 'id', message: 'is taken' }]);
    }
    const now = this.clock.now();
    this.db.prepare('INSERT INTO products (id, name, version, term, features, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(p.id, p.name, p.version, p.term, JSON.stringify(p.features), now, now);
    return this.productView(p.id);
  }

  /** Replaces a product's definition; servers holding it get the new features at their next exchange. */
  replaceProduct(id: string, input: unknown): ProductView {
    const p = parseInput(productInputSchema, { ...(input as object), id });
    this.productView(id);
    this.db.prepare('UPDATE products SET name = ?, version = ?, term = ?, features = ?, updated_at = ? WHERE id = ?').run(p.name, p.version, p.term, JSON.stringify(p.features), this.clock.now(), id);
    return this.productView(id);
  }

  product(id: string): Product | undefined {
    const row = this.db.prepare('SELECT * FROM products WHERE id = ?').get(id) as ProductRow | undefined;
    return row ? { id: row.id, name: row.name, version: row.version, term: row.term, features: JSON.parse(row.features) as Product['features'] } : undefined;
  }

  productView(id: string): ProductView {
    const row = this.db.prepare('SELECT * FROM products WHERE id = ?').get(id) as ProductRow | undefined;
    if (!row) throw new TallyError('NOT_FOUND', `There is no product ${id}.`, [{ field: 'productId', message: 'matches no product' }]);
    return { id: row.id, name: row.name, version: row.version, term: row.term, features: JSON.parse(row.features) as ProductView['features'], createdAt: iso(row.created_at), updatedAt: iso(row.updated_at) };
  }

  /** Products whose ID, name or a feature name contains `q`. */
  products(offset: number, limit: number, q?: string): { total: number; items: ProductView[] } {
    const where = q ? "WHERE id LIKE ? ESCAPE '\\' OR name LIKE ? ESCAPE '\\' OR features LIKE ? ESCAPE '\\'" : '';
    const args: string[] = q ? Array<string>(3).fill(likePattern(q)) : [];
    const total = this.db.prepare(`SELECT count(*) FROM products ${where}`).pluck().get(...args) as number;
    const ids = this.db.prepare(`SELECT id FROM products ${where} ORDER BY id LIMIT ? OFFSET ?`).pluck().all(...args, limit, offset) as string[];
    return { total, items: ids.map((id) => this.productView(id)) };
  }

  /** Entitles an account to products: one line item (and activation ID) per product and quantity. */
  addEntitlement(input: unknown): EntitlementView {
    const e = parseInput(entitlementInputSchema, input);
    if (!this.db.prepare('SELECT 1 FROM accounts WHERE id = ?').get(e.accountId)) {
      throw new TallyError('NOT_FOUND', `There is no account ${e.accountId}.`, [{ field: 'accountId', message: 'matches no account' }]);
    }
    const id = e.id ?? `ENT-${newSecret(6).replace(/[-_]/g, 'x').toUpperCase().slice(0, 8)}`;
    const details: { field: string; message: string }[] = [];
    if (this.db.prepare('SELECT 1 FROM entitlements WHERE id = ?').get(id)) details.push({ field: 'id', message: `entitlement ${id} already exists` });
    const items = e.lineItems.map((l, i) => {
      if (!this.product(l.productId)) details.push({ field: `lineItems.${i}.productId`, message: `matches no product (${l.productId})` });
      const activationId = l.activationId ?? newActivationId();
      if (this.db.prepare('SELECT 1 FROM line_items WHERE activation_id = ?').get(activationId)) details.push({ field: `lineItems.${i}.activationId`, message: `${activationId} is already a line item` });
      return { ...l, activationId };
    });
    if (details.length > 0) throw new TallyError(details.some((d) => d.message.startsWith('matches')) ? 'BAD_REQUEST' : 'CONFLICT', `No entitlement was added: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`, details);
    const insertItem = this.db.prepare('INSERT INTO line_items (activation_id, entitlement_id, position, product_id, quantity, start, expiry) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO entitlements (id, account_id, name, created_at) VALUES (?, ?, ?, ?)').run(id, e.accountId, e.name, this.clock.now());
      items.forEach((l, i) => insertItem.run(l.activationId, id, i, l.productId, l.quantity, l.start, l.expiry));
    })();
    return this.entitlement(id);
  }

  entitlement(id: string): EntitlementView {
    const row = this.db.prepare('SELECT e.*, a.name AS account_name FROM entitlements e JOIN accounts a ON a.id = e.account_id WHERE e.id = ?').get(id) as
      | { id: string; account_id: string; account_name: string; name: string | null; created_at: number }
      | undefined;
    if (!row) throw new TallyError('NOT_FOUND', `There is no entitlement ${id}.`, [{ field: 'entitlementId', message: 'matches no entitlement' }]);
    const ids = this.db.prepare('SELECT activation_id FROM line_items WHERE entitlement_id = ? ORDER BY position').pluck().all(id) as string[];
    return { id: row.id, accountId: row.account_id, accountName: row.account_name, name: row.name, createdAt: iso(row.created_at), lineItems: ids.map((a) => this.lineItemView(a)) };
  }

  /** Entitlements of an account, or whose ID, name, account, activation IDs or products contain `q`. */
  entitlements(offset: number, limit: number, filter: { accountId?: string | undefined; q?: string | undefined } = {}): { total: number; items: EntitlementView[] } {
    const clauses: string[] = [];
    const args: unknown[] = [];
    if (filter.accountId) {
      clauses.push('e.account_id = ?');
      args.push(filter.accountId);
    }
    if (filter.q) {
      clauses.push(`(e.id LIKE ? ESCAPE '\\' OR e.name LIKE ? ESCAPE '\\' OR e.account_id LIKE ? ESCAPE '\\' OR a.name LIKE ? ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM line_items l JOIN products p ON p.id = l.product_id WHERE l.entitlement_id = e.id
          AND (l.activation_id LIKE ? ESCAPE '\\' OR p.id LIKE ? ESCAPE '\\' OR p.name LIKE ? ESCAPE '\\')))`);
      args.push(...Array<string>(7).fill(likePattern(filter.q)));
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const from = 'FROM entitlements e JOIN accounts a ON a.id = e.account_id';
    const total = this.db.prepare(`SELECT count(*) ${from} ${where}`).pluck().get(...args) as number;
    const ids = this.db.prepare(`SELECT e.id ${from} ${where} ORDER BY e.created_at DESC, e.id LIMIT ? OFFSET ?`).pluck().all(...args, limit, offset) as string[];
    return { total, items: ids.map((id) => this.entitlement(id)) };
  }

  /** A line item and the counts of it activated on all servers together. */
  lineItem(activationId: string): { item: LineItem; activated: number } | undefined {
    const row = this.db
      .prepare('SELECT l.*, e.account_id FROM line_items l JOIN entitlements e ON e.id = l.entitlement_id WHERE l.activation_id = ?')
      .get(activationId) as LineItemRow | undefined;
    if (!row) return undefined;
    const activated = this.db.prepare('SELECT coalesce(sum(count), 0) FROM activations WHERE activation_id = ?').pluck().get(activationId) as number;
    return { item: toLineItem(row), activated };
  }

  lineItemView(activationId: string): LineItemView {
    const found = this.lineItem(activationId);
    if (!found) throw new TallyError('NOT_FOUND', `There is no activation ID ${activationId}.`, [{ field: 'activationId', message: 'matches no line item' }]);
    const { item, activated } = found;
    return {
      activationId: item.activationId,
      entitlementId: item.entitlementId,
      accountId: item.accountId,
      productId: item.productId,
      productName: this.product(item.productId)?.name ?? item.productId,
      quantity: item.quantity,
      activated,
      remaining: Math.max(0, item.quantity - activated),
      start: item.start,
      expiry: item.expiry,
      expired: lineItemExpired(item, this.clock.now()),
    };
  }

  /** An activation ID, where its counts went and how they moved. */
  activationId(activationId: string): ActivationIdView {
    const view = this.lineItemView(activationId);
    const item = this.lineItem(activationId)!.item;
    const product = this.product(item.productId)!;
    const servers = this.db
      .prepare('SELECT a.*, i.name AS instance_name FROM activations a JOIN instances i ON i.id = a.instance_id WHERE a.activation_id = ? AND a.count > 0 ORDER BY a.first_activated_at, a.instance_id')
      .all(activationId) as Array<{ instance_id: string; instance_name: string; count: number; first_activated_at: number; updated_at: number }>;
    const history = this.db.prepare('SELECT * FROM activation_history WHERE activation_id = ? ORDER BY seq DESC LIMIT 200').all(activationId) as Array<{ instance_id: string; delta: number; count_after: number; via: ActivationVia; at: number }>;
    return {
      ...view,
      servers: servers.map((s) => {
        const end = lineItemEnd(item, product, s.first_activated_at);
        return { instanceId: s.instance_id, instanceName: s.instance_name, count: s.count, firstActivatedAt: iso(s.first_activated_at), updatedAt: iso(s.updated_at), expiresAt: end === null ? null : iso(end) };
      }),
      history: history.map((h) => ({ instanceId: h.instance_id, delta: h.delta, countAfter: h.count_after, via: h.via, at: iso(h.at) })),
    };
  }

  /** Changes a line item's quantity (never below what is activated) or renews it with a new expiry. */
  changeLineItem(activationId: string, input: unknown): LineItemView {
    const change = parseInput(lineItemChangeSchema, input);
    const found = this.lineItem(activationId);
    if (!found) throw new TallyError('NOT_FOUND', `There is no activation ID ${activationId}.`, [{ field: 'activationId', message: 'matches no line item' }]);
    if (change.quantity !== undefined && change.quantity < found.activated) {
      throw new TallyError('CONFLICT', `${activationId} has ${found.activated} counts activated on license servers; take counts back from them before lowering its quantity to ${change.quantity}.`, [
        { field: 'quantity', message: `must be at least ${found.activated}, the counts activated` },
      ]);
    }
    this.db.transaction(() => {
      if (change.quantity !== undefined) this.db.prepare('UPDATE line_items SET quantity = ? WHERE activation_id = ?').run(change.quantity, activationId);
      if (change.expiry !== undefined) this.db.prepare('UPDATE line_items SET expiry = ? WHERE activation_id = ?').run(change.expiry, activationId);
    })();
    return this.lineItemView(activationId);
  }

  /**
   * Sets the counts of an activation ID on one server (the producer moving or taking back
   * counts); the server learns it at its next exchange.
   */
  setServerCount(activationId: string, instanceId: string, input: unknown): ActivationIdView {
    const { count } = parseInput(serverCountSchema, input);
    const found = this.lineItem(activationId);
    if (!found) throw new TallyError('NOT_FOUND', `There is no activation ID ${activationId}.`, [{ field: 'activationId', message: 'matches no line item' }]);
    const instance = this.db.prepare('SELECT account_id FROM instances WHERE id = ?').get(instanceId) as { account_id: string } | undefined;
    if (!instance) throw new TallyError('NOT_FOUND', `There is no instance ${instanceId}.`, [{ field: 'instanceId', message: 'matches no instance' }]);
    if (instance.account_id !== found.item.accountId) {
      throw new TallyError('CONFLICT', `Instance ${instanceId} belongs to account ${instance.account_id}, not ${found.item.accountId}, the account of ${activationId}.`, [{ field: 'instanceId', message: 'is of another account' }]);
    }
    this.db.transaction(() => {
      const current = this.countOn(activationId, instanceId);
      const left = found.item.quantity - found.activated + current;
      if (count > left) {
        throw new TallyError('CONFLICT', `${activationId} has ${left} counts available for this server; ${count} asked.`, [{ field: 'count', message: `must be at most ${left}` }]);
      }
      this.moveCounts(activationId, instanceId, count - current, 'producer');
    })();
    return this.activationId(activationId);
  }

  /** Takes back every count a server holds (the server is being deleted); call inside a transaction. */
  takeBackAll(instanceId: string): void {
    const held = this.db.prepare('SELECT activation_id, count FROM activations WHERE instance_id = ? AND count > 0').all(instanceId) as Array<{ activation_id: string; count: number }>;
    for (const h of held) this.moveCounts(h.activation_id, instanceId, -h.count, 'producer');
  }

  /** Counts of an activation ID on a server. */
  countOn(activationId: string, instanceId: string): number {
    return (this.db.prepare('SELECT count FROM activations WHERE activation_id = ? AND instance_id = ?').pluck().get(activationId, instanceId) as number | undefined) ?? 0;
  }

  /** Adds the asked counts to a server; call inside a transaction, after checkActivations. */
  activate(instanceId: string, asks: readonly ActivationAsk[], via: ActivationVia): void {
    for (const ask of asks) this.moveCounts(ask.activationId, instanceId, ask.count, via);
  }

  private moveCounts(activationId: string, instanceId: string, delta: number, via: ActivationVia): void {
    if (delta === 0) return;
    const now = this.clock.now();
    const after = this.countOn(activationId, instanceId) + delta;
    const moved = this.db.prepare('UPDATE activations SET count = ?, updated_at = ? WHERE activation_id = ? AND instance_id = ?').run(after, now, activationId, instanceId);
    if (moved.changes === 0) {
      this.db.prepare('INSERT INTO activations (activation_id, instance_id, count, first_activated_at, updated_at) VALUES (?, ?, ?, ?, ?)').run(activationId, instanceId, after, now, now);
    }
    this.db.prepare('INSERT INTO activation_history (activation_id, instance_id, delta, count_after, via, at) VALUES (?, ?, ?, ?, ?, ?)').run(activationId, instanceId, delta, after, via, now);
  }

  /** How much the catalog holds, for health. */
  totals(): { products: number; entitlements: number; activatedServers: number } {
    return {
      products: this.db.prepare('SELECT count(*) FROM products').pluck().get() as number,
      entitlements: this.db.prepare('SELECT count(*) FROM entitlements').pluck().get() as number,
      activatedServers: this.db.prepare('SELECT count(DISTINCT instance_id) FROM activations WHERE count > 0').pluck().get() as number,
    };
  }

  /** What a server holds: its activations with their line items. */
  activationsOf(instanceId: string): Array<Activation & { item: LineItem }> {
    const rows = this.db
      .prepare(`SELECT a.activation_id, a.instance_id, a.count, a.first_activated_at, l.*, e.account_id
        FROM activations a JOIN line_items l ON l.activation_id = a.activation_id JOIN entitlements e ON e.id = l.entitlement_id
        WHERE a.instance_id = ? AND a.count > 0 ORDER BY a.activation_id`)
      .all(instanceId) as Array<LineItemRow & { instance_id: string; count: number; first_activated_at: EpochMs }>;
    return rows.map((r) => ({ activationId: r.activation_id, instanceId: r.instance_id, count: r.count, firstActivatedAt: r.first_activated_at, item: toLineItem(r) }));
  }
}

function toLineItem(row: LineItemRow): LineItem {
  return { activationId: row.activation_id, entitlementId: row.entitlement_id, accountId: row.account_id, productId: row.product_id, quantity: row.quantity, start: row.start, expiry: row.expiry };
}

function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
