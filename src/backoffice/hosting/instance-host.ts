import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Settings } from '../../common/config.js';
import { TallyError } from '../../common/errors.js';
import type { Logger } from '../../common/log.js';
import type { DB } from '../../common/sqlite.js';
import type { Clock } from '../../common/time.js';
import type { ServerContext } from '../../server/context.js';
import type { ServerInstance } from '../../server/instance.js';
import { openInstance } from '../../server/instance.js';
import { WriterThread } from '../../server/store/storage-writer.js';
import type { Warehouse } from '../../warehouse/warehouse.js';
import type { Quarantine } from '../ingest/quarantine.js';
import { ingestBatch } from '../ingest/sync-batch.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';
import type { Instance } from '../instances/instance-registry.js';
import { instanceSchema } from '../instances/instance-registry.js';
import type { Catalog } from '../licensing/catalog.js';
import type { ExchangeService } from '../licensing/exchange-service.js';
import { parseInput } from '../../common/schema-check.js';
import { text } from '../../common/text.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The hosted instance the path names, resolved (and loaded) before validation. */
    hostedInstance?: ServerContext;
  }
}

/** How long a loaded instance is trusted to be still in service before the registry is asked again. */
const RECHECK_MS = 5000;

/**
 * Writer threads the hosted instances share, each instance always on the same one. Instances
 * commit to separate files, so their commits cannot be grouped: with one thread, every fsync
 * waits for the one before it. A few threads let the disk take several at once.
 */
const WRITER_THREADS = 4;

/** Where the routes of hosted instances hang: the path names the instance. */
export const HOSTED_BASE = '/api/1.0/instances/:instanceId';

export const cloudInstanceInput = z
  .object({
    accountId: z.string().min(1).max(64),
    name: text().trim().min(1, 'must not be empty').max(256),
    /** Keep a chosen ID; a new one is made otherwise. */
    id: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores')
      .refine((id) => id !== '~' && id !== '.' && id !== '..', 'is reserved')
      .optional(),
  })
  .strict();

/** A cloud instance as listed: its registry entry, and whether it is loaded now. */
export const cloudInstanceSchema = instanceSchema.extend({
  loaded: z.boolean().describe('whether the instance is in memory now; it loads at its first request'),
  apiBase: z.string().describe('the path its API answers at, on this back office'),
});
export type CloudInstance = z.infer<typeof cloudInstanceSchema>;

export const createdCloudInstanceSchema = z.object({
  instance: cloudInstanceSchema,
  admin: z.object({ user: z.string(), oneTimePassword: z.string().describe('shown once; it must be changed at the first login') }),
});

/** A loaded instance, and when it was last found in service. */
type Hosted = ServerInstance & { checkedAt: number };

export interface InstanceHostOptions {
  /** The back office's settings: hosted instances start from them. */
  settings: Settings;
  /** The folder that holds one folder per hosted instance. */
  dir: string;
  db: DB;
  registry: InstanceRegistry;
  /** Where hosted usage goes; the command line, which only creates and deletes, has none. */
  warehouse?: Warehouse;
  quarantine?: Quarantine;
  catalog?: Catalog;
  exchange?: ExchangeService;
  producerPublicKey: string | null;
  clock: Clock;
  log: Logger;
}

/**
 * The license server instances a back office hosts for customers who run none themselves. Each
 * has its own folder and trusted storage (state, devices, users, properties, outbox), loaded at
 * its first request and kept; they share a few writer threads. Their usage goes straight into the
 * warehouse, through the same idempotent ingest as HTTP sync.
 */
export class InstanceHost {
  private readonly loaded = new Map<string, Hosted>();
  private readonly loading = new Map<string, Promise<ServerInstance>>();
  private readonly threads: WriterThread[] = [];
  private opened = 0;
  private closed = false;
  private starting: Promise<void> = Promise.resolve();

  constructor(private readonly o: InstanceHostOptions) {
    mkdirSync(o.dir, { recursive: true });
    // Folders of instances deleted while the back office stopped half-way.
    for (const id of o.registry.retiredCloudIds()) this.removeFolder(id);
  }

  /**
   * Loads every hosted instance, one after the other, in the background: an instance runs
   * whether or not anyone calls it (leases lapse, usage left in its outbox is delivered, it
   * polls). A request for one not yet loaded loads it at once.
   */
  start(): void {
    this.starting = (async () => {
      const all = this.o.registry.instances(0, Number.MAX_SAFE_INTEGER, undefined, 'cloud').items;
      for (const instance of all) {
        if (this.closed) return;
        await this.load(instance.id).catch((error: unknown) =>
          this.o.log.error({ event: 'hosting.instance.unloadable', instanceId: instance.id, err: (error as Error).message }, 'a cloud instance could not be loaded'),
        );
      }
      this.o.log.info({ event: 'hosting.started', instances: all.length }, 'cloud instances loaded');
    })();
  }

  /** Whose users a request is checked against: the hosted instance's its path names. */
  resolve(request: FastifyRequest): ServerContext | Promise<ServerContext> {
    const id = (request.params as { instanceId?: string }).instanceId ?? '';
    const found = this.loaded.get(id);
    if (found && this.stillHosted(id, found)) {
      request.hostedInstance = found.ctx;
      return found.ctx;
    }
    return this.load(id).then((instance) => {
      request.hostedInstance = instance.ctx;
      return instance.ctx;
    });
  }

  /** Makes a cloud instance for an account: its registry entry, its folder and its first administrator. */
  async create(input: unknown): Promise<z.infer<typeof createdCloudInstanceSchema>> {
    const i = parseInput(cloudInstanceInput, input);
    const { instance } = this.o.registry.addInstance({ accountId: i.accountId, name: i.name, ...(i.id ? { id: i.id } : {}) }, 'cloud');
    const opened = await this.load(instance.id);
    const admin = opened.createdAdmin;
    if (!admin) throw new Error(`cloud instance ${instance.id} already had users`);
    this.o.log.info({ event: 'hosting.instance.created', instanceId: instance.id, accountId: instance.accountId }, 'cloud instance created');
    return { instance: this.present(instance), admin: { user: admin.user, oneTimePassword: admin.password } };
  }

  list(offset: number, limit: number, accountId?: string, q?: string): { total: number; items: CloudInstance[] } {
    const page = this.o.registry.instances(offset, limit, accountId, 'cloud', q);
    return { total: page.total, items: page.items.map((i) => this.present(i)) };
  }

  show(id: string): CloudInstance {
    return this.present(this.hosted(id));
  }

  /**
   * Deletes a cloud instance: its activated counts go back to their activation IDs and it leaves
   * service in one transaction, then its folder goes. Its usage history stays in the warehouse.
   */
  async delete(id: string): Promise<void> {
    this.hosted(id);
    this.o.db.transaction(() => {
      this.o.catalog?.takeBackAll(id);
      this.o.registry.retire(id);
    })();
    const running = this.loaded.get(id) ?? (await this.loading.get(id)?.catch(() => undefined));
    this.loaded.delete(id);
    await running?.close();
    this.removeFolder(id);
    this.o.log.info({ event: 'hosting.instance.deleted', instanceId: id }, 'cloud instance deleted');
  }

  /** A new one-time password for the instance's first administrator (the customer lost theirs). */
  async resetAdmin(id: string): Promise<{ user: string; oneTimePassword: string }> {
    const instance = await this.load(id);
    const { user, password } = await instance.ctx.security.resetUser('admin', 'back office');
    return { user: user.name, oneTimePassword: password };
  }

  stats(): { hosted: number; loaded: number } {
    return { hosted: this.o.registry.instances(0, 0, undefined, 'cloud').total, loaded: this.loaded.size };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.starting;
    await Promise.allSettled([...this.loading.values()]);
    await Promise.all([...this.loaded.values()].map((i) => i.close()));
    this.loaded.clear();
    await Promise.all(this.threads.map((t) => t.exit()));
  }

  /**
   * Whether a loaded instance is still in service. The command line may delete one while the
   * back office runs: it is looked up again at most every few seconds, not on every request.
   */
  private stillHosted(id: string, instance: Hosted): boolean {
    const now = Date.now();
    if (now - instance.checkedAt < RECHECK_MS) return true;
    instance.checkedAt = now;
    if (this.o.registry.hosted(id)) return true;
    this.loaded.delete(id);
    void instance.close();
    return false;
  }

  private hosted(id: string) {
    const instance = this.o.registry.hosted(id);
    // The same answer for an instance that does not exist and one hosted elsewhere: nothing to learn by guessing.
    if (!instance) throw new TallyError('NOT_FOUND', `No cloud instance ${id} is hosted here.`, [{ field: 'instanceId', message: 'matches no cloud instance' }]);
    return instance;
  }

  /** A registry entry as listed, from the row already read: no second look-up per instance. */
  private present(instance: Instance): CloudInstance {
    return { ...instance, loaded: this.loaded.has(instance.id), apiBase: `/api/1.0/instances/${instance.id}` };
  }

  private load(id: string): Promise<ServerInstance> {
    const ready = this.loaded.get(id);
    if (ready) return Promise.resolve(ready);
    let pending = this.loading.get(id);
    if (!pending) {
      pending = this.open(id).finally(() => this.loading.delete(id));
      this.loading.set(id, pending);
    }
    return pending;
  }

  private async open(id: string): Promise<ServerInstance> {
    if (this.closed) throw new TallyError('NOT_READY', 'The back office is stopping.');
    const entry = this.hosted(id);
    const dataDir = join(this.o.dir, id);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const { settings } = this.o;
    const writerThread = this.writerThread();
    const log = this.o.log.child({ instanceId: id });
    const instance = await openInstance({
      settings: { ...settings, server: { ...settings.server, dataDir, accountId: entry.accountId }, sync: { ...settings.sync, credential: null } },
      producerPublicKey: this.o.producerPublicKey,
      clock: this.o.clock,
      log,
      hostIds: [],
      instanceId: id,
      writerThread,
      pairing: false,
      usage: {
        deliver: async (instanceId, events) => {
          if (!this.o.warehouse) throw new Error('no warehouse here: usage waits in the outbox for the back office');
          const result = await ingestBatch({ instanceId, events: events.map((e) => JSON.parse(e) as unknown) }, this.o.registry.instance(instanceId), this.o.warehouse, this.o.quarantine);
          this.o.registry.noteSync(instanceId);
          return result;
        },
      },
      ...(this.o.exchange ? { exchange: (request: unknown) => this.o.exchange!.respond(request, 'online', this.o.registry.instance(id)) } : {}),
    });
    // Deleted or stopping while it opened: it must not stay.
    if (this.closed || !this.o.registry.hosted(id)) {
      await instance.close();
      throw new TallyError('NOT_FOUND', `No cloud instance ${id} is hosted here.`, [{ field: 'instanceId', message: 'matches no cloud instance' }]);
    }
    const hosted: Hosted = Object.assign(instance, { checkedAt: Date.now() });
    this.loaded.set(id, hosted);
    return hosted;
  }

  /** The next writer thread in turn; started when first needed. */
  private writerThread(): WriterThread {
    const index = this.opened++ % WRITER_THREADS;
    return (this.threads[index] ??= new WriterThread());
  }

  private removeFolder(id: string): void {
    const dir = join(this.o.dir, id);
    if (!existsSync(dir)) return;
    // Renamed first: a folder half removed is never mistaken for an instance's.
    const doomed = join(this.o.dir, `.deleted-${id}`);
    renameSync(dir, doomed);
    rmSync(doomed, { recursive: true, force: true });
  }
}
