import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { TallyError, detailsFromIssues } from '../common/errors.js';
import { compileCheck } from '../common/schema-check.js';
import { newId } from '../common/ids.js';
import type { Logger } from '../common/log.js';
import type { Clock, EpochMs } from '../common/time.js';
import { isoOrNull } from '../common/time.js';
import type { CapabilityRequest } from '../licensing/capability.js';
import { decideCapability, decideExpiry } from '../licensing/capability.js';
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
import type { StateChange } from '../licensing/license-state.js';
import type { EventContext } from '../licensing/usage-event.js';
import { usageEventSchema } from '../licensing/usage-event.js';
import type { DB } from './store/db.js';
import type { StoredLicenseFile } from './store/license-store.js';
import { LicenseStore, changeOps, deleteLicenseOps, putLicenseOps } from './store/license-store.js';
import type { StorageWriter, WriteOp } from './store/storage-writer.js';
import { replanPools, restoreAllocation } from './allocation-service.js';
import type { CapabilityResponse, GrantedFeature } from './http/capability/schema.js';

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
}

export interface LicenseServiceOptions {
  db: DB;
  /** Where every write goes: group commit on the writer thread. */
  writer: StorageWriter;
  clock: Clock;
  log: Logger;
  policy: LicensingPolicy;
  accountId: string | null;
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
  private readonly writer: StorageWriter;
  private readonly clock: Clock;
  private readonly log: Logger;
  policy: LicensingPolicy;
  private readonly context: EventContext;
  private readonly producerPublicKey: string | null;

  constructor(options: LicenseServiceOptions) {
    this.store = new LicenseStore(options.db);
    this.clock = options.clock;
    this.log = options.log;
    this.policy = options.policy;
    this.producerPublicKey = options.producerPublicKey;
    let instanceId = this.store.getMeta('instanceId');
    if (!instanceId) {
      instanceId = newId();
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
    const due = this.state.dueHoldings(now, 5000);
    if (due.length === 0) return 0;
    const change = decideExpiry(this.state, due, this.context, { now, newId });
    await this.commit(change, now);
    this.log.info({ event: 'lease.expired', count: due.length }, 'expired lapsed holdings');
    return due.length;
  }

  /**
   * Loads a signed license file: verifies it against the producer key, refuses replays of an
   * older issue and conflicts with other licenses, then replaces that license's records.
   * Nothing changes when it is refused.
   */
  async loadLicense(file: unknown): Promise<{ license: LicenseSummary; replaced: boolean }> {
    if (!this.producerPublicKey) {
      throw new TallyError('LICENSE_REJECTED', 'This server has no producer public key configured (producer.publicKeyFile), so it cannot verify license files.', [
        { field: 'producer.publicKeyFile', message: 'is not set' },
      ]);
    }
    const now = this.clock.now();
    const verified = verifyLicense(file, this.producerPublicKey, now);
    const existing = this.loaded.get(verified.licenseId);
    if (existing && existing.issuedAt > verified.issuedAt) {
      throw new TallyError('LICENSE_REJECTED', `License ${verified.licenseId} issued ${new Date(existing.issuedAt).toISOString()} is already loaded; this file is an older issue.`, [
        { field: 'payload.issuedAt', message: 'is older than the loaded issue of this license' },
      ]);
    }
    const others = this.state.allRecords().filter((r) => r.licenseId !== verified.licenseId);
    for (const r of verified.records) {
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
    const records = [...others, ...verified.records];
    const over = featureOverCountLimit(records);
    if (over) {
      throw new TallyError('LICENSE_REJECTED', `Feature ${over.name} would have ${over.total} counts with this license; a feature has at most ${MAX_COUNT}.`, [
        { field: 'payload.features', message: `feature ${over.name} has more than ${MAX_COUNT} counts in all` },
      ]);
    }
    const summary = {
      licenseId: verified.licenseId,
      producer: verified.producer,
      keyId: verified.keyId,
      issuedAt: verified.issuedAt,
      file: JSON.stringify(file),
    };
    this.state.setRecords(records);
    this.loaded.set(verified.licenseId, { licenseId: verified.licenseId, producer: verified.producer, keyId: verified.keyId, issuedAt: verified.issuedAt, loadedAt: now, records: verified.records.length });
    this.setAside = this.setAside.filter((s) => s.licenseId !== verified.licenseId);
    replanPools(this.state, this.store, now, this.log);
    await this.writer.submit(putLicenseOps(summary, now));
    this.log.info({ event: 'license.loaded', licenseId: verified.licenseId, records: verified.records.length }, 'license loaded');
    return {
      replaced: existing !== undefined,
      license: {
        licenseId: summary.licenseId,
        producer: summary.producer,
        keyId: summary.keyId,
        issuedAt: new Date(summary.issuedAt).toISOString(),
        loadedAt: new Date(now).toISOString(),
        records: verified.records.length,
      },
    };
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

  /** Removes a license and its records; what devices hold of them lapses as usual. */
  async removeLicense(licenseId: string): Promise<void> {
    if (!this.loaded.has(licenseId) && !this.setAside.some((s) => s.licenseId === licenseId)) throw new TallyError('NOT_FOUND', `No license ${licenseId} is loaded.`);
    this.state.setRecords(this.state.allRecords().filter((r) => r.licenseId !== licenseId));
    this.loaded.delete(licenseId);
    this.setAside = this.setAside.filter((s) => s.licenseId !== licenseId);
    replanPools(this.state, this.store, this.clock.now(), this.log);
    await this.writer.submit(deleteLicenseOps(licenseId));
    this.log.info({ event: 'license.removed', licenseId }, 'license removed');
  }

  licenses(): LicenseSummary[] {
    return [...this.loaded.values()].sort((a, b) => a.loadedAt - b.loadedAt || (a.licenseId < b.licenseId ? -1 : 1)).map((l) => ({
      ...l,
      issuedAt: new Date(l.issuedAt).toISOString(),
      loadedAt: new Date(l.loadedAt).toISOString(),
    }));
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

