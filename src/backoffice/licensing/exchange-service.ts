import { TallyError } from '../../common/errors.js';
import type { Logger } from '../../common/log.js';
import type { DB } from '../../common/sqlite.js';
import type { Clock } from '../../common/time.js';
import { checkActivations, lineItemExpiry, rightsOf } from '../../licensing/entitlement.js';
import type { ExchangeRequest, ExchangeResponse, SignedMessage } from '../../licensing/exchange.js';
import { BACK_OFFICE_LICENSE_ID, checkWindow, exchangeRequestSchema, openMessage, signMessage } from '../../licensing/exchange.js';
import { signLicense } from '../../licensing/license-file.js';
import type { Instance, InstanceRegistry } from '../instances/instance-registry.js';
import type { ActivationVia, Catalog } from './catalog.js';
import type { ProducerKey } from './producer-key.js';

export interface ExchangeServiceOptions {
  db: DB;
  registry: InstanceRegistry;
  catalog: Catalog;
  key: ProducerKey;
  clock: Clock;
  log: Logger;
  /** Seconds a response may be applied after it is issued (licensing.responseLifetime). */
  responseLifetime: () => number;
  producerName?: string;
}

/**
 * Answers license servers' activation and capability requests, online or from files: checks
 * the request (signature, validity window, replay, the server's bound key), activates what was
 * asked in one transaction, and answers with the server's whole set of rights, signed.
 */
export class ExchangeService {
  constructor(private readonly o: ExchangeServiceOptions) {}

  /**
   * Answers one signed request. `caller` is the instance whose sync credential came with an
   * online request: it must be the server the request speaks for.
   */
  respond(input: unknown, via: Exclude<ActivationVia, 'producer'>, caller?: Instance): SignedMessage<ExchangeResponse> {
    const { db, registry, catalog, clock } = this.o;
    const request = openMessage(input, exchangeRequestSchema, (body) => body.publicKey, 'request');
    const now = clock.now();
    checkWindow(request.createdAt, request.expiresAt, now, 'request');
    const server = request.server;
    if (caller && caller.id !== server.instanceId) {
      throw new TallyError('FORBIDDEN', `This credential belongs to instance ${caller.id}; the request speaks for ${server.instanceId}.`, [{ field: 'body.server.instanceId', message: 'is not the instance of the credential' }]);
    }
    const bound = registry.binding(server.instanceId);
    if (bound?.publicKey && bound.publicKey.trim() !== request.publicKey.trim()) {
      throw new TallyError('EXCHANGE_REFUSED', `Instance ${server.instanceId} is bound to another key: this request was not made by the license server the back office knows by that ID.`, [
        { field: 'body.publicKey', message: 'is not the key bound to this instance' },
      ]);
    }
    const answered = db.prepare('SELECT answered_at FROM exchange_nonces WHERE instance_id = ? AND nonce = ?').pluck().get(server.instanceId, request.nonce) as number | undefined;
    if (answered !== undefined) {
      throw new TallyError('EXCHANGE_REFUSED', `This request was already answered on ${new Date(answered).toISOString()}; a request is answered once. Make a new request on the license server.`, [
        { field: 'body.nonce', message: 'was already answered' },
      ]);
    }
    const accountId = db.transaction(() => {
      let account = bound?.instance.accountId ?? null;
      if (request.kind === 'activation') {
        const asks = request.activations ?? [];
        const checked = checkActivations(asks, account, (id) => catalog.lineItem(id), now);
        if (checked.refusals.length > 0) {
          const details = checked.refusals.map((r) => ({ field: `activations.${asks.findIndex((a) => a.activationId === r.activationId)}.activationId`, message: r.message }));
          throw new TallyError('ACTIVATION_REFUSED', `Nothing was activated: ${checked.refusals.map((r) => r.message).join('; ')}.`, details);
        }
        account = checked.accountId;
        registry.noteExchange(server, request.publicKey, account!);
        catalog.activate(server.instanceId, asks, via);
      } else {
        if (!bound) {
          throw new TallyError('EXCHANGE_REFUSED', `The back office does not know license server ${server.instanceId}: activate an activation ID on it first.`, [{ field: 'body.server.instanceId', message: 'is not a known instance' }]);
        }
        registry.noteExchange(server, request.publicKey, bound.instance.accountId);
      }
      db.prepare('INSERT INTO exchange_nonces (instance_id, nonce, kind, answered_at, expires_at) VALUES (?, ?, ?, ?, ?)').run(server.instanceId, request.nonce, request.kind, now, Date.parse(request.expiresAt));
      db.prepare('DELETE FROM exchange_nonces WHERE expires_at < ?').run(now - 86_400_000);
      return account!;
    })();
    const response = this.answer(request, accountId);
    this.o.log.info({ event: 'exchange.answered', kind: request.kind, via, instanceId: server.instanceId, activations: response.activations.length }, `answered a ${request.kind} request`);
    return signMessage(response, this.o.key.privateKeyPem, this.o.key.publicKeyPem);
  }

  /** The server's current rights, as a response to `request`. */
  private answer(request: ExchangeRequest, accountId: string): ExchangeResponse {
    const { catalog, clock, key } = this.o;
    const now = clock.now();
    const activations = catalog.activationsOf(request.server.instanceId);
    const features = rightsOf(activations, (id) => catalog.product(id));
    const lifetime = this.o.responseLifetime();
    const license =
      features.length === 0
        ? null
        : signLicense({ licenseId: BACK_OFFICE_LICENSE_ID, producer: this.o.producerName ?? 'producer', features }, key.privateKeyPem, { now, validFor: lifetime, boundTo: request.server });
    return {
      kind: 'response',
      requestKind: request.kind,
      requestNonce: request.nonce,
      server: request.server,
      accountId,
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + lifetime * 1000).toISOString(),
      activations: activations.map((a) => {
        const line = catalog.lineItemView(a.activationId);
        const product = catalog.product(a.item.productId);
        const expiry = product ? lineItemExpiry(a.item, product, a.firstActivatedAt) : 'permanent';
        return { activationId: a.activationId, productName: line.productName, count: a.count, remaining: line.remaining, expiry: expiry === 'permanent' ? null : expiry };
      }),
      license,
    };
  }
}
