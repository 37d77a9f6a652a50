import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { TallyError, detailsFromIssues } from '../common/errors.js';
import { compileCheck } from '../common/schema-check.js';
import { newId } from '../common/ids.js';
import type { Logger } from '../common/log.js';
import type { Clock, EpochMs } from '../common/time.js';
import { isoOrNull } from '../common/time.js';
import type { CapabilityRequest } from '../licensing/capability.js';
import { decideCapability, decideCutback, decideExpiry } from '../licensing/capability.js';
import type { Denial } from '../licensing/denials.js';
import type { Holding } from '../licensing/holding.js';
import { holdingLine } from '../licensing/holding.js';
import type { LicensingPolicy } from '../licensing/lease.js';
import { renewAt } from '../licensing/lease.js';
import type { FeatureRecord } from '../licensing/feature-record.js';
import type { VerifiedLicense } from '../licensing/license-file.js';
import { verifyLicense } from '../licensing/license-file.js';
import { LicenseState, isEmptyChange } from '../licensing/license-state.js';
import { featureOverCountLimit, MAX_COUNT } from '../licensing/limits.js';
import type { LicenseUpdate, LicenseUpdateSource } from '../licensing/license-update.js';
import { diffRecords, summarize } from '../licensing/license-update.js';
import type { StateChange } from '../licensing/license-state.js';
import type { EventContext } from '../licensing/usage-event.js';
import { usageEventSchema } from '../licensing/usage-event.js';
import type { DB } from './store/db.js';
import type { StoredLicenseFile } from './store/license-store.js';
import { LicenseStore, changeOps, deleteLicenseOps, licenseUpdateOp, putLicenseOps } from './store/license-store.js';
import type { StorageWriter, WriteOp } from './store/storage-writer.js';
import { replanPools, restoreAllocation } from './allocation-service.js';
import { restoreFilter } from './checkout-filter-service.js';
import type { CapabilityResponse, GrantedFeature } from './http/capability/schema.js';

/** What the service writes through: the storage writer, or one that wraps it. */
export type ChangeWriter = Pick<StorageWriter, 'submit' | 'drain' | 'setFailureHandler'>;

/** A loaded license as the API lists it. */
export const licenseSummarySchema = z.object({
  licenseId: z.string(),
  producer: z.string(),
  keyId: z.string(),
  issuedAt: z.string(),
  loadedAt: z.string(),
  records: z.number(),
});

export type LicenseSummary = z.infer<typeof licenseSummarySchema>;

export const setAsideLicensesSchema = z
  .array(z.object({ licenseId: z.string(), loadedAt: z.string(), reason: z.string() }))
  .describe('stored licenses not served because their files no longer verify against the producer key');

/** A stored license that is not served because its file no longer verifies. */
export type SetAsideLicense = z.infer<typeof setAsideLicensesSchema>[number];

interface LoadedLicense {
  licenseId: string;
  producer: string;
  keyId: string;
  issuedAt: EpochMs;
  loadedAt: EpochMs;
  records: number;
  boundTo: VerifiedLicense['boundTo'];
}

export interface LicenseServiceOptions {
  db: DB;
  /** Where every write goes: group commit on the writer thread (replicated, in a failover pair). */
  writer: ChangeWriter;
  clock: Clock;
  log: Logger;
  policy: LicensingPolicy;
  accountId: string | null;
  /** The ID a back office gave a hosted instance; a license server makes its own at first start. */
  instanceId?: string;
  /** PEM of the producer key license files must be signed with; null refuses every file. */
  producerPublicKey: string | null;
}

/**
 * The license server's core service: holds the in-memory state, decides requests with the
 * licensing domain, and writes every change with its usage events through group commit.
 */
export class LicenseService {
  readonly store: LicenseStore;
  readonly instanceId: string;
  private state = new LicenseState();
  /** Licenses served: those whose stored file verified at the last reload, or loaded since. */
  private loaded = new Map<string, LoadedLicense>();
  private setAside: SetAsideLicense[] = [];
  private readonly writer: ChangeWriter;
  private readonly clock: Clock;
  private readonly log: Logger;
  policy: LicensingPolicy;
  /** Why this server may not serve now (a backup while its main serves), or null. */
  servingRefusal: () => TallyError | null = () => null;
  private readonly context: EventContext;
  private readonly producerPublicKey: string | null;

  constructor(options: LicenseServiceOptions) {
    this.store = new LicenseStore(options.db);
    this.clock = options.clock;
    this.log = options.log;
    this.policy = options.policy;
    this.producerPublicKey = options.producerPublicKey;
    let instanceId = this.store.getMeta('instanceId');
    if (instanceId && options.instanceId && instanceId !== options.instanceId) {
      throw new Error(`this trusted storage belongs to instance ${instanceId}, not ${options.instanceId}`);
    }
    if (!instanceId) {
      instanceId = options.instanceId ?? newId();
      this.store.setMeta('instanceId', instanceId);
      this.store.setMeta('createdAt', new Date(this.clock.now()).toISOString());
    }
    this.instanceId = instanceId;
    this.context = { instanceId, accountId: options.accountId };
    this.writer = options.writer;
    this.writer.setFailureHandler((error) => this.recoverFromFailedCommit(error));
    this.reload();
  }

  /** After a failed commit: forget what was not committed by rebuilding state from storage. */
  recoverFromFailedCommit(error: Error): void {
    this.log.error({ event: 'storage.commit.failed', err: error.message }, 'commit failed; state reloaded from storage');
    this.reload();
  }

  /**
   * Rebuilds the in-memory state from trusted storage. Feature records come only from the
   * stored license files, each verified again against the producer key: a row edited on disk
   * does not verify, so it is set aside (logged, and shown in health) rather than served.
   */
  reload(): void {
    const state = new LicenseState();
    const loaded = new Map<string, LoadedLicense>();
    const setAside: SetAsideLicense[] = [];
    const records: FeatureRecord[] = [];
    for (const stored of this.store.readLicenseFiles()) {
      try {
        const verified = this.verifyStored(stored);
        loaded.set(verified.licenseId, { ...verified, loadedAt: stored.loadedAt, records: verified.records.length });
        records.push(...verified.records);
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        setAside.push({ licenseId: stored.licenseId, loadedAt: isoOrNull(stored.loadedAt) ?? '', reason });
        this.log.error({ event: 'license.set_aside', licenseId: stored.licenseId, reason }, `stored license ${stored.licenseId} does not verify and is not served: ${reason}`);
      }
    }
    this.loaded = loaded;
    this.setAside = setAside;
    state.setRecords(records);
    for (const d of this.store.readDevices()) state.restoreDevice(d.key, d.device);
    for (const h of this.store.readHoldings()) state.restoreHolding(h);
    restoreAllocation(state, this.store, this.clock.now(), this.log);
    restoreFilter(state, this.store, this.log);
    this.state = state;
  }

  private verifyStored(stored: StoredLicenseFile): VerifiedLicense {
    if (!this.producerPublicKey) {
      throw new TallyError('LICENSE_REJECTED', 'This server has no producer public key configured (producer.publicKeyFile), so it cannot verify the file.');
    }
    let file: unknown;
    try {
      file = JSON.parse(stored.file);
    } catch {
      throw new TallyError('LICENSE_REJECTED', 'The stored file is not JSON.');
    }
    const verified = verifyLicense(file, this.producerPublicKey, null);
    if (verified.licenseId !== stored.licenseId) {
      throw new TallyError('LICENSE_REJECTED', `The stored file is license ${verified.licenseId}, not ${stored.licenseId}.`);
    }
    return verified;
  }

  /** Stored licenses that are not served because their files do not verify. */
  setAsideLicenses(): SetAsideLicense[] {
    return this.setAside;
  }

  /** Submits administrative writes (model, reservations) behind every change decided so far. */
  submitAdmin(ops: WriteOp[]): Promise<void> {
    return this.writer.submit(ops);
  }

  get licenseState(): LicenseState {
    return this.state;
  }

  /** Serves a capability request. Resolves once its changes are durable. */
  async capability(request: CapabilityRequest): Promise<CapabilityResponse> {
    const refusal = this.servingRefusal();
    if (refusal) throw refusal;
    const now = this.clock.now();
    if ((this.state.nextExpiry() ?? Number.POSITIVE_INFINITY) <= now) await this.expireDue(now);
    const decision = decideCapability(this.state, request, this.policy, this.context, { now, newId });
    const preview = request.operation === 'preview';
    if (preview) {
      return this.present(decision.correlationId, decision.deviceKey, decision.denials, now, true, decision.change);
    }
    if (!isEmptyChange(decision.change)) {
      await this.commit(decision.change, now);
    }
    return this.present(decision.correlationId, decision.deviceKey, decision.denials, now, false);
  }

  /** Ends every holding whose time is up, recording an `expire` event for each. */
  async expireDue(now: EpochMs = this.clock.now()): Promise<number> {
    if (this.servingRefusal()) return 0;
    const due = this.state.dueHoldings(now, 5000);
    if (due.length === 0) return 0;
    const change = decideExpiry(this.state, due, this.context, { now, newId });
    await this.commit(change, now);
    this.log.info({ event: 'lease.expired', count: due.length }, 'expired lapsed holdings');
    return due.length;
  }

  /**
   * Loads a signed license file: verifies it against the producer key, refuses replays of an
   * older issue, files issued to another server and conflicts with other licenses, then
   * replaces that license's records. Nothing changes when it is refused.
   */
  async loadLicense(file: unknown, source: LicenseUpdateSource = 'license-file', extraOps: WriteOp[] = []): Promise<{ license: LicenseSummary; replaced: boolean; update: LicenseUpdate }> {
    const verified = this.verifyNew(file);
    const replaced = this.loaded.has(verified.licenseId);
    const update = await this.replaceLicense(verified.licenseId, { verified, file }, source, extraOps);
    return { replaced, update, license: this.licenses().find((l) => l.licenseId === verified.licenseId)! };
  }

  /** Checks a license file before it is loaded: signature, load deadline, the server it is for, and its issue. */
  verifyNew(file: unknown): VerifiedLicense {
    if (!this.producerPublicKey) {
      throw new TallyError('LICENSE_REJECTED', 'This server has no producer public key configured (producer.publicKeyFile), so it cannot verify license files.', [
        { field: 'producer.publicKeyFile', message: 'is not set' },
      ]);
    }
    const verified = verifyLicense(file, this.producerPublicKey, this.clock.now());
    if (verified.boundTo && verified.boundTo.instanceId !== this.instanceId) {
      throw new TallyError('LICENSE_REJECTED', `License ${verified.licenseId} was issued to license server ${verified.boundTo.instanceId}; this server is ${this.instanceId}.`, [
        { field: 'payload.boundTo.instanceId', message: 'is another server' },
      ]);
    }
    const existing = this.loaded.get(verified.licenseId);
    if (existing && existing.issuedAt > verified.issuedAt) {
      throw new TallyError('LICENSE_REJECTED', `License ${verified.licenseId} issued ${new Date(existing.issuedAt).toISOString()} is already loaded; this file is an older issue.`, [
        { field: 'payload.issuedAt', message: 'is older than the loaded issue of this license' },
      ]);
    }
    return verified;
  }

  /**
   * Replaces one license's records with a verified issue of it, or removes them (`next` null),
   * in one transaction with what that ends: leases on records that are gone, and the newest
   * leases of records whose counts went down. `extraOps` commit with it. Nothing changes when
   * it is refused.
   */
  async replaceLicense(licenseId: string, next: { verified: VerifiedLicense; file: unknown } | null, source: LicenseUpdateSource, extraOps: WriteOp[] = []): Promise<LicenseUpdate> {
    const now = this.clock.now();
    const previous = this.state.allRecords();
    const before = previous.filter((r) => r.licenseId === licenseId);
    const others = previous.filter((r) => r.licenseId !== licenseId);
    const incoming = next?.verified.records ?? [];
    checkFits(others, incoming);
    const diff = diffRecords(before, incoming);
    this.state.setRecords([...others, ...incoming]);
    const cut = decideCutback(this.state, this.context, { now, newId });
    const unreportable = unreportableEvent(cut.change);
    if (unreportable) {
      this.state.setRecords(previous);
      throw unreportable;
    }
    replanPools(this.state, this.store, now, this.log);
    this.state.apply(cut.change);
    if (next) {
      const v = next.verified;
      this.loaded.set(licenseId, { licenseId, producer: v.producer, keyId: v.keyId, issuedAt: v.issuedAt, loadedAt: now, records: v.records.length, boundTo: v.boundTo });
    } else {
      this.loaded.delete(licenseId);
    }
    this.setAside = this.setAside.filter((s) => s.licenseId !== licenseId);
    const update: LicenseUpdate = {
      id: newId(),
      at: new Date(now).toISOString(),
      source,
      summary: summarize(diff, cut.cutbacks),
      ...diff,
      endedLeases: cut.cutbacks.map(({ deviceKey, feature, version, count, left, reason }) => ({ deviceKey, feature, version, count, left, reason })),
    };
    const licenseOps = next
      ? putLicenseOps({ licenseId, producer: next.verified.producer, keyId: next.verified.keyId, issuedAt: next.verified.issuedAt, file: JSON.stringify(next.file) }, now)
      : deleteLicenseOps(licenseId);
    await this.writer.submit([...licenseOps, ...changeOps(cut.change, now), licenseUpdateOp(update, now), ...extraOps]);
    this.log.info({ event: 'license.updated', licenseId, source, summary: update.summary }, `license ${licenseId} updated: ${update.summary}`);
    return update;
  }

  /** Loads a license from a file on disk (the CLI's `--license` option). */
  async loadLicenseFile(path: string): Promise<LicenseSummary> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new TallyError('LICENSE_REJECTED', `Cannot read license file ${path}: ${(err as Error).message}`);
    }
    return (await this.loadLicense(parsed)).license;
  }

  /** Removes a license and its records; leases on them end. */
  async removeLicense(licenseId: string): Promise<LicenseUpdate> {
    if (!this.loaded.has(licenseId) && !this.setAside.some((s) => s.licenseId === licenseId)) throw new TallyError('NOT_FOUND', `No license ${licenseId} is loaded.`);
    return this.replaceLicense(licenseId, null, 'license-removed');
  }

  /** A loaded license's issue, or undefined. */
  loadedLicense(licenseId: string): { issuedAt: EpochMs; loadedAt: EpochMs; boundTo: VerifiedLicense['boundTo'] } | undefined {
    return this.loaded.get(licenseId);
  }

  licenses(): LicenseSummary[] {
    return [...this.loaded.values()].sort((a, b) => a.loadedAt - b.loadedAt || (a.licenseId < b.licenseId ? -1 : 1)).map((l) => ({
      licenseId: l.licenseId,
      producer: l.producer,
      keyId: l.keyId,
      records: l.records,
      issuedAt: new Date(l.issuedAt).toISOString(),
      loadedAt: new Date(l.loadedAt).toISOString(),
    }));
  }

  /** Counts of a feature still free now (capacity of its active records less those in use); null when uncounted. */
  roomOf(name: string): number | null {
    const capacity = this.state.capacityOf(name, this.clock.now());
    return capacity === null ? null : capacity - this.state.inUseOf(name);
  }

  /** Resolves when every change made so far is committed. */
  flush(): Promise<void> {
    return this.writer.drain();
  }

  /**
   * Applies a change in memory at once, so the next request is decided on it, and resolves
   * once storage has committed it. If the commit fails, state is rebuilt from storage.
   */
  private commit(change: StateChange, now: EpochMs): Promise<void> {
    const unreportable = unreportableEvent(change);
    if (unreportable) {
      this.log.error({ event: 'usage.event.unreportable', details: unreportable.details }, unreportable.message);
      throw unreportable;
    }
    const ops = changeOps(change, now);
    this.state.apply(change);
    return this.writer.submit(ops);
  }

  private present(
    correlationId: string,
    key: string,
    denied: Denial[],
    now: EpochMs,
    preview: boolean,
    projected?: StateChange,
  ): CapabilityResponse {
    let holdings = this.state.holdingsOf(key);
    if (projected) {
      const removed = new Set(projected.removals.map((h) => h.id));
      const upserted = new Map(projected.upserts.map((h) => [h.id, h]));
      holdings = [...holdings.filter((h) => !removed.has(h.id) && !upserted.has(h.id)), ...upserted.values()];
    }
    return {
      correlationId,
      serverTime: new Date(now).toISOString(),
      instanceId: this.instanceId,
      renewInterval: this.policy.renewInterval,
      granted: grantedLines(holdings, this.policy),
      denied,
      preview,
    };
  }
}

const isReportable = compileCheck(usageEventSchema);

/** Refuses records that cannot join the others: a record ID loaded twice, a feature changing model, counts past the limit. */
function checkFits(others: readonly FeatureRecord[], incoming: readonly FeatureRecord[]): void {
  for (const r of incoming) {
    const clash = others.find((o) => o.id === r.id);
    if (clash) {
      throw new TallyError('LICENSE_REJECTED', `Record ${r.id} is already loaded from license ${clash.licenseId}.`, [{ field: 'payload.features', message: `record ID ${r.id} is used by license ${clash.licenseId}` }]);
    }
    const other = others.find((o) => o.name === r.name && o.model !== r.model);
    if (other) {
      throw new TallyError('LICENSE_REJECTED', `Feature ${r.name} is ${r.model} here but ${other.model} in license ${other.licenseId}; a feature has one license model.`, [
        { field: 'payload.features', message: `feature ${r.name} changes license model` },
      ]);
    }
  }
  const over = featureOverCountLimit([...others, ...incoming]);
  if (over) {
    throw new TallyError('LICENSE_REJECTED', `Feature ${over.name} would have ${over.total} counts with this license; a feature has at most ${MAX_COUNT}.`, [
      { field: 'payload.features', message: `feature ${over.name} has more than ${MAX_COUNT} counts in all` },
    ]);
  }
}

/**
 * The outbox takes only events that ingest will store: an event past the limits (limits.ts)
 * would stop usage sync behind it, so the change that made it is refused whole instead.
 */
function unreportableEvent(change: StateChange): TallyError | null {
  for (const event of change.events) {
    if (isReportable(event)) continue;
    const parsed = usageEventSchema.safeParse(event);
    if (parsed.success) continue;
    const details = detailsFromIssues(parsed.error.issues, 'event');
    return new TallyError('INTERNAL', `This change would write a usage event the back office cannot store (${details[0]!.field}: ${details[0]!.message}); nothing was changed.`, details);
  }
  return null;
}

/** One line per record and kind; consumptions of a record add up in one line. */
function grantedLines(holdings: Holding[], policy: LicensingPolicy): GrantedFeature[] {
  const lines = new Map<string, GrantedFeature>();
  for (const h of holdings) {
    const key = h.pool === null ? `${h.recordId}\u0000${h.kind}` : `${h.recordId}\u0000${h.kind}\u0000${h.pool}`;
    const line = lines.get(key);
    if (line) {
      line.count += h.count;
      line.overdraft += h.overdraft;
      continue;
    }
    lines.set(key, {
      ...holdingLine(h),
      overdraft: h.overdraft,
      expires: isoOrNull(h.expiresAt),
      renewAt: h.kind === 'lease' && h.expiresAt !== null ? isoOrNull(renewAt(h.renewedAt, h.expiresAt, policy)) : null,
    });
  }
  return [...lines.values()].sort((a, b) => (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0));
}

