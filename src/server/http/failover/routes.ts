import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { TallyError } from '../../../common/errors.js';
import type { InstanceScope } from '../../context.js';
import { LOCAL_BASE, READ_ROLES } from '../../../http/access.js';
import { errorBodySchema } from '../../../http/errors.js';
import { FAILOVER_PATH, failoverStatusSchema, heartbeatAnswerSchema } from '../../failover/failover.js';
import { PAIR_ANSWER_HEADER, PAIR_REQUEST_HEADER } from '../../failover/pair-link.js';
import { changesBodySchema, positionSchema, snapshotSchema } from '../../failover/replication.js';
import type { WriteOp } from '../../store/storage-writer.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The body as sent, which the pair's signature covers. */
    rawBody?: string;
    /** The nonce of a verified request from the other server of the pair. */
    pairNonce?: string;
  }
}

const epochBody = z.object({ epoch: z.string().min(1).max(64) }).strict();
const heartbeatBody = z.object({ epoch: z.string().min(1).max(64), seq: z.number().int().nonnegative() }).strict();
const refusals = { 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

/**
 * The failover pair: its state for the manager (login), and the link between the two servers.
 * Link routes take no login: only a request signed with the pair's secret (recent, never seen
 * before) is let through, and every answer is signed back.
 */
export const failoverRoutes: FastifyPluginAsyncZod<{ at: InstanceScope }> = async (app, { at }) => {
  app.get(
    `${at.base}/failover`,
    { config: { access: READ_ROLES }, schema: { tags: ['failover'], summary: 'The failover pair as this server sees it', response: { 200: failoverStatusSchema } } },
    async (request) => at.of(request).failover.status(),
  );
  // A hosted instance is never one of a pair: its host is its redundancy, and it has no link.
  if (at.base !== LOCAL_BASE) return;

  // The signature covers the body as sent, so the link's routes keep it.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 * 1024 }, (request: FastifyRequest, body: string | Buffer, done) => {
    request.rawBody = String(body);
    try {
      done(null, JSON.parse(request.rawBody));
    } catch {
      done(new TallyError('INVALID_JSON', 'The body is not valid JSON.', [{ field: 'body', message: 'is not valid JSON' }]), undefined);
    }
  });
  // Refused before the body is read: a request without the pair's header.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.routeOptions.config.access !== 'public' || request.headers[PAIR_REQUEST_HEADER]) return done();
    done(new TallyError('UNAUTHORIZED', 'Only the other server of the failover pair may call this.', [{ field: `headers.${PAIR_REQUEST_HEADER}`, message: 'is missing' }]));
  });
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.routeOptions.config.access !== 'public') return done();
    try {
      const header = request.headers[PAIR_REQUEST_HEADER];
      request.pairNonce = at.of(request).failover.checkPeer(request.method, request.url, request.rawBody ?? '', Array.isArray(header) ? header[0] : header);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.pairNonce && typeof payload === 'string') reply.header(PAIR_ANSWER_HEADER, at.of(request).failover.signAnswer(reply.statusCode, request.pairNonce, payload));
    done(null, payload);
  });
  const link = { config: { access: 'public' as const, cors: false as const } };

  app.post(
    `${FAILOVER_PATH}/heartbeat`,
    { ...link, schema: { tags: ['failover'], summary: 'The main tells its backup it is alive (pair link)', body: heartbeatBody, response: { 200: heartbeatAnswerSchema, ...refusals } } },
    async (request) => at.of(request).failover.onHeartbeat(request.body.epoch),
  );
  app.post(
    `${FAILOVER_PATH}/changes`,
    { ...link, schema: { tags: ['failover'], summary: 'The main’s next committed changes, applied in order (pair link)', body: changesBodySchema, response: { 200: positionSchema, ...refusals } } },
    async (request) => at.of(request).failover.onChanges(request.body.epoch, request.body.batches as Array<{ seq: number; ops: WriteOp[] }>),
  );
  app.put(
    `${FAILOVER_PATH}/snapshot`,
    { ...link, schema: { tags: ['failover'], summary: 'The main’s whole license state: the backup then holds exactly it (pair link)', body: snapshotSchema, response: { 200: positionSchema, ...refusals } } },
    async (request) => at.of(request).failover.onSnapshot(request.body),
  );
  app.post(
    `${FAILOVER_PATH}/handback`,
    { ...link, schema: { tags: ['failover'], summary: 'The main is back: the backup stops serving and answers its whole state (pair link)', body: epochBody, response: { 200: snapshotSchema, ...refusals } } },
    async (request) => at.of(request).failover.onHandback(request.body.epoch),
  );
};
