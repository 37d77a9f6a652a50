import { generateKeyPairSync } from 'node:crypto';
import { z } from 'zod';
import { TallyError } from '../../common/errors.js';
import type { ErrorCode } from '../../common/errors.js';
import { ERROR_CODES } from '../../common/errors.js';
import { newSecret } from '../../common/ids.js';
import { parseInput } from '../../common/schema-check.js';
import type { Logger } from '../../common/log.js';
import type { Clock, EpochMs } from '../../common/time.js';
import { isoOrNull } from '../../common/time.js';
import type { ActivationAsk } from '../../licensing/entitlement.js';
import { activationAsksSchema } from '../../licensing/entitlement.js';
import type { ExchangeKind, ExchangeRequest, ExchangeResponse, ServerIdentity, SignedMessage } from '../../licensing/exchange.js';
import { BACK_OFFICE_LICENSE_ID, CLOCK_SKEW_MS, exchangeResponseSchema, openMessage, sameServer, signMessage } from '../../licensing/exchange.js';
import type { LicenseUpdate, LicenseUpdateSource } from '../../licensing/license-update.js';
import { diffRecords, isNoChange, licenseUpdateSchema } from '../../licensing/license-update.js';
import { newId } from '../../common/ids.js';
import type { LicenseService } from '../license-service.js';
import { backOfficeBase } from '../sync/outbox-sender.js';

export const EXCHANGE_PATH = '/api/1.0/backoffice/exchange';

/** Where license updates stand, for health, properties and the manager. */
export const licenseUpdatesStatusSchema = z.object({
  backOfficeUrl: z.string().nullable().describe('where activation and polling go; null when none is configured'),
  activated: z.boolean().describe('whether this server holds rights issued by the back office'),
  rightsIssuedAt: z.string().nullable(),
  accountId: z.string().nullable(),
  polling: z.object({
    enabled: z.boolean(),
    interval: z.number().describe('seconds'),
    retryInterval: z.number().describe('seconds'),
    lastAttemptAt: z.string().nullable(),
    lastSuccessAt: z.string().nullable(),
    lastError: z.string().nullable(),
    nextPollAt: z.string().nullable(),
  }),
  responseLifetime: z.number().describe('seconds an answer of the back office may be applied after it was issued'),
  pendingRequests: z.number().describe('requests made and not yet answered (offline files waiting for their response)'),
});
export type LicenseUpdatesStatus = z.infer<typeof licenseUpdatesStatusSchema>;

/** What an exchange did: the update applied and the activation IDs the server now holds. */
export const exchangeOutcomeSchema = z.object({
  update: licenseUpdateSchema,
  activations: exchangeResponseSchema.shape.activations,
});

export interface PollingSettings {
  enabled: boolean;
  interval: number;
  retryInterval: number;
  url: string | null;
}

/** An exchange answered without HTTP: by the back office hosting the instance. Throws its refusals. */
export type ExchangeTransport = (request: SignedMessage<ExchangeRequest>) => unknown;

export interface LicenseUpdatesOptions {
  service: LicenseService;
  clock: Clock;
  log: Logger;
  hostIds: string[];
  /** The producer's key that responses must be signed with; null refuses every response. */
  producerPublicKey: () => string | null;
  responseLifetime: () => number;
  /** The sync credential, sent with online requests so the back office knows the caller. */
  credential: () => string | null;
  /** The usage sync URL, whose server answers exchanges when no polling URL is set. */
  syncUrl: () => string | null;
  /** Answers exchanges in-process; the configured URLs are then not used. */
  exchange?: ExchangeTransport;
}

interface ServerKey {
  privateKeyPem: string;
  publicKeyPem: string;
}

const SERVER_KEY_META = 'exchangeKey';

/**
 * Keeps this server's licenses in step with the back office: online activation, capability
 * polling on a schedule (or now), and the offline exchange by files. Each request carries a
 * nonce recorded in trusted storage before it leaves; a response is applied only for a
 * request this server made and has not seen answered, and with the request marked answered
 * in the same transaction as the new licenses, so no answer is applied twice.
 */
export class LicenseUpdates {
  private readonly key: ServerKey;
  private polling: PollingSettings = { enabled: false, interval: 86_400, retryInterval: 900, url: null };
  private timer: NodeJS.Timeout | null = null;
  private lastAttemptAt: EpochMs | null = null;
  private lastSuccessAt: EpochMs | null = null;
  private lastError: string | null = null;
  private nextPollAt: EpochMs | null = null;
  private accountId: string | null = null;
  private inFlight: Promise<unknown> | null = null;
  private applying: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly o: LicenseUpdatesOptions) {
    this.key = this.loadKey();
  }

  /** The server's exchange key: made once, kept in trusted storage; the back office binds this server to it. */
  private loadKey(): ServerKey {
    const store = this.o.service.store;
    const stored = store.getMeta(SERVER_KEY_META);
    if (stored) return JSON.parse(stored) as ServerKey;
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const key = { privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
    store.setMeta(SERVER_KEY_META, JSON.stringify(key));
    return key;
  }

  get identity(): ServerIdentity {
    return { instanceId: this.o.service.instanceId, hostIds: this.o.hostIds.slice(0, 32) };
  }

  /** The back office to talk to, or null when none is configured. */
  backOfficeUrl(): string | null {
    if (this.o.exchange) return null;
    const url = this.polling.url ?? this.o.syncUrl();
    return url ? backOfficeBase(url) : null;
  }

  /** Applies new polling settings: the schedule starts, moves or stops at once. */
  configure(settings: PollingSettings): void {
    const before = this.polling;
    this.polling = settings;
    if (before.enabled === settings.enabled && before.interval === settings.interval && before.retryInterval === settings.retryInterval) return;
    this.schedule(this.dueAt());
  }

  /** When the next poll is due: now at first, then an interval after a success or a retry interval after a failure. */
  private dueAt(): EpochMs | null {
    if (!this.polling.enabled) return null;
    const now = this.o.clock.now();
    if (this.lastError !== null && this.lastAttemptAt !== null) return Math.max(now, this.lastAttemptAt + this.polling.retryInterval * 1000);
    if (this.lastSuccessAt !== null) return Math.max(now, this.lastSuccessAt + this.polling.interval * 1000);
    return now;
  }

  /** Activates IDs online: the back office checks them and answers this server's whole rights. */
  async activate(input: unknown): Promise<{ update: LicenseUpdate; activations: ExchangeResponse['activations'] }> {
    const asks = parseAsks(input);
    const request = await this.newRequest('activation', 'online', asks);
    try {
      return await this.exchangeOnline(request, 'online-activation');
    } catch (error) {
      // Sent, but no answer came back: the back office may have activated. The next poll brings what it did.
      if (error instanceof TallyError && error.code === 'BACK_OFFICE_UNREACHABLE' && this.polling.enabled) this.schedule(this.o.clock.now() + this.polling.retryInterval * 1000);
      throw error;
    }
  }

  /** Asks the back office for this server's current rights now and applies any change. */
  async poll(): Promise<{ update: LicenseUpdate | null; activations: ExchangeResponse['activations'] }> {
    if (this.inFlight) await this.inFlight.catch(() => undefined);
    const run = (async () => {
      this.lastAttemptAt = this.o.clock.now();
      try {
        const request = await this.newRequest('capability', 'online');
        const outcome = await this.exchangeOnline(request, 'capability-poll');
        this.lastSuccessAt = this.o.clock.now();
        this.lastError = null;
        if (this.polling.enabled) this.schedule(this.lastSuccessAt + this.polling.interval * 1000);
        return { update: isNoChange(outcome.update) ? null : outcome.update, activations: outcome.activations };
      } catch (error) {
        this.lastError = error instanceof Error ? error.message : String(error);
        if (this.polling.enabled) this.schedule(this.o.clock.now() + this.polling.retryInterval * 1000);
        this.o.log.warn({ event: 'license.poll.failed', err: this.lastError }, 'capability poll failed; licenses unchanged');
        throw error;
      }
    })();
    this.inFlight = run;
    try {
      return await run;
    } finally {
      if (this.inFlight === run) this.inFlight = null;
    }
  }

  /** A request to carry to the back office by hand: a capability request, or an activation request for the IDs given. */
  async offlineRequest(kind: ExchangeKind, input?: unknown): Promise<SignedMessage<ExchangeRequest>> {
    return this.newRequest(kind, 'offline', kind === 'activation' ? parseAsks(input) : undefined);
  }

  /** Applies a response file the back office gave for one of this server's requests. */
  async applyOffline(input: unknown): Promise<{ update: LicenseUpdate; activations: ExchangeResponse['activations'] }> {
    return this.apply(input, 'offline-response');
  }

  status(): LicenseUpdatesStatus {
    const loaded = this.o.service.loadedLicense(BACK_OFFICE_LICENSE_ID);
    return {
      backOfficeUrl: this.backOfficeUrl(),
      activated: loaded !== undefined,
      rightsIssuedAt: isoOrNull(loaded?.issuedAt ?? null),
      accountId: this.accountId,
      polling: {
        enabled: this.polling.enabled,
        interval: this.polling.interval,
        retryInterval: this.polling.retryInterval,
        lastAttemptAt: isoOrNull(this.lastAttemptAt),
        lastSuccessAt: isoOrNull(this.lastSuccessAt),
        lastError: this.lastError,
        nextPollAt: isoOrNull(this.nextPollAt),
      },
      responseLifetime: this.o.responseLifetime(),
      pendingRequests: this.o.service.store.pendingExchangeRequests(this.o.clock.now()),
    };
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(at: EpochMs | null): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.nextPollAt = at;
    if (at === null || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.poll().catch(() => undefined);
    }, Math.max(0, at - this.o.clock.now()));
    this.timer.unref();
  }

  /** Makes and records a signed request; it is durable before it leaves the server. */
  private async newRequest(kind: ExchangeKind, via: 'online' | 'offline', asks?: ActivationAsk[]): Promise<SignedMessage<ExchangeRequest>> {
    const now = this.o.clock.now();
    const lifetime = this.o.responseLifetime() * 1000;
    const body: ExchangeRequest = {
      kind,
      server: this.identity,
      publicKey: this.key.publicKeyPem,
      nonce: newSecret(18),
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + lifetime).toISOString(),
      ...(asks ? { activations: asks } : {}),
    };
    // A request's nonce is kept until no answer to it could still be applied, then forgotten.
    await this.o.service.submitAdmin([
      ['forgetExchangeRequests', [now]],
      ['insertExchangeRequest', [body.nonce, kind, via, asks ?? null, now, now + 2 * lifetime]],
    ]);
    return signMessage(body, this.key.privateKeyPem, this.key.publicKeyPem);
  }

  private async exchangeOnline(request: SignedMessage<ExchangeRequest>, source: LicenseUpdateSource): Promise<{ update: LicenseUpdate; activations: ExchangeResponse['activations'] }> {
    if (this.o.exchange) return this.apply(this.o.exchange(request), source);
    const base = this.backOfficeUrl();
    if (!base) {
      throw new TallyError('BAD_REQUEST', 'No back office is configured: set capabilityPolling.url (or usageService.sync.url), or use the offline exchange.', [{ field: 'capabilityPolling.url', message: 'is not set' }]);
    }
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const credential = this.o.credential();
    if (credential) headers.authorization = `Bearer ${credential}`;
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${base}${EXCHANGE_PATH}`, { method: 'POST', headers, body: JSON.stringify(request), signal: AbortSignal.timeout(30_000) });
      text = await res.text();
    } catch (error) {
      throw new TallyError('BACK_OFFICE_UNREACHABLE', `The back office at ${base} could not be reached (${(error as Error).message}); nothing was changed.`, [{ field: 'capabilityPolling.url', message: 'did not answer' }]);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new TallyError('BACK_OFFICE_UNREACHABLE', `The back office at ${base} answered ${res.status} with something that is not JSON; nothing was changed.`, [{ field: 'capabilityPolling.url', message: 'is not a Tally back office' }]);
    }
    if (!res.ok) throw relayed(body, res.status, base);
    return this.apply(body, source);
  }

  /**
   * Verifies a response and applies the rights it carries, with its request marked answered, in
   * one transaction. Responses are applied one at a time, each checked after the one before
   * committed, so the same response sent twice at once is applied once.
   */
  private apply(input: unknown, source: LicenseUpdateSource): Promise<{ update: LicenseUpdate; activations: ExchangeResponse['activations'] }> {
    const run = this.applying.then(() => this.applyNow(input, source));
    this.applying = run.catch(() => undefined);
    return run;
  }

  private async applyNow(input: unknown, source: LicenseUpdateSource): Promise<{ update: LicenseUpdate; activations: ExchangeResponse['activations'] }> {
    const producerKey = this.o.producerPublicKey();
    if (!producerKey) {
      throw new TallyError('EXCHANGE_REFUSED', 'This server has no producer public key configured (producer.publicKeyFile), so it cannot verify the back office.', [{ field: 'producer.publicKeyFile', message: 'is not set' }]);
    }
    const response = openMessage(input, exchangeResponseSchema, () => producerKey, 'response');
    const now = this.o.clock.now();
    if (!sameServer(response.server, this.identity)) {
      throw new TallyError('EXCHANGE_REFUSED', `This response is for license server ${response.server.instanceId}${response.server.hostIds.length ? ` (${response.server.hostIds.join(', ')})` : ''}; this server is ${this.identity.instanceId}.`, [
        { field: 'body.server', message: 'is another server' },
      ]);
    }
    const issuedAt = Date.parse(response.issuedAt);
    if (issuedAt > now + CLOCK_SKEW_MS) throw new TallyError('EXCHANGE_REFUSED', `The response was issued in the future (${response.issuedAt}); check the clocks.`, [{ field: 'body.issuedAt', message: 'is in the future' }]);
    const ends = Math.min(Date.parse(response.expiresAt), issuedAt + this.o.responseLifetime() * 1000);
    if (ends <= now) throw new TallyError('EXCHANGE_REFUSED', `The response expired at ${new Date(ends).toISOString()}; make a new request.`, [{ field: 'body.expiresAt', message: 'is in the past' }]);
    const request = this.o.service.store.exchangeRequest(response.requestNonce);
    if (!request) throw new TallyError('EXCHANGE_REFUSED', 'This response answers a request this server did not make.', [{ field: 'body.requestNonce', message: 'matches no request of this server' }]);
    if (request.answeredAt !== null) {
      throw new TallyError('EXCHANGE_REFUSED', `This response was already applied on ${new Date(request.answeredAt).toISOString()}; a response is applied once.`, [{ field: 'body.requestNonce', message: 'was already answered' }]);
    }
    const loaded = this.o.service.loadedLicense(BACK_OFFICE_LICENSE_ID);
    if (loaded && loaded.issuedAt > issuedAt) {
      throw new TallyError('EXCHANGE_REFUSED', `Rights issued ${new Date(loaded.issuedAt).toISOString()} are already applied; this response is older.`, [{ field: 'body.issuedAt', message: 'is older than the rights applied' }]);
    }
    const answered: [string, unknown[]] = ['answerExchangeRequest', [now, response.requestNonce]];
    const service = this.o.service;
    const verified = response.license ? service.verifyNew(response.license) : null;
    const current = service.licenseState.allRecords().filter((r) => r.licenseId === BACK_OFFICE_LICENSE_ID);
    let update: LicenseUpdate;
    if ((verified !== null) === (loaded !== undefined) && isNoChange(diffRecords(current, verified?.records ?? []))) {
      // The same rights again (a poll with nothing new): only the answer is recorded.
      await service.submitAdmin([answered]);
      update = { id: newId(), at: new Date(now).toISOString(), source, summary: 'No change.', added: [], removed: [], changed: [], endedLeases: [] };
    } else {
      update = await service.replaceLicense(BACK_OFFICE_LICENSE_ID, verified ? { verified, file: response.license } : null, source, [answered]);
    }
    this.accountId = response.accountId;
    this.o.log.info({ event: 'license.exchange.applied', source, summary: update.summary }, `back office response applied: ${update.summary}`);
    return { update, activations: response.activations };
  }
}

function parseAsks(input: unknown): ActivationAsk[] {
  return parseInput(z.object({ activations: activationAsksSchema }).strict(), input).activations;
}

/** A refusal of the back office, passed on to the administrator as it was given. */
function relayed(body: unknown, status: number, base: string): TallyError {
  const error = (body as { error?: { code?: string; message?: string; details?: Array<{ field: string; message: string }> } }).error;
  const code = error?.code && error.code in ERROR_CODES ? (error.code as ErrorCode) : 'BACK_OFFICE_UNREACHABLE';
  // The back office's own 5xx or auth failures are not the administrator's input.
  const passOn = status < 500 && code !== 'UNAUTHORIZED' && code !== 'FORBIDDEN' ? code : 'BACK_OFFICE_UNREACHABLE';
  return new TallyError(passOn, error?.message ? `The back office refused: ${error.message}` : `The back office at ${base} answered ${status}; nothing was changed.`, error?.details ?? []);
}
