import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { READ_ROLES } from '../../http/access.js';
import { errorBodySchema } from '../../http/errors.js';
import { pageSchema, pagingQuery } from '../../http/paging.js';
import type { BackofficeContext } from '../context.js';
import { quarantinedEventSchema } from '../ingest/quarantine.js';
import { MAX_BATCH, syncBatchSchema, syncResultSchema } from '../../licensing/usage-sync.js';
import { ingestBatch } from '../ingest/sync-batch.js';
import type { Instance } from '../instances/instance-registry.js';
import { accountInput, accountSchema, instanceInput, instanceSchema } from '../instances/instance-registry.js';

const BASE = '/api/1.0/backoffice';

/** The back office API: usage sync from license servers and its quarantine, accounts and instances, health. */
export const backofficeRoutes: FastifyPluginAsyncZod<{ ctx: BackofficeContext }> = async (app, { ctx }) => {
  const senders = new WeakMap<FastifyRequest, Instance>();
  app.post(
    '/usage/api/1.0/sync',
    {
      // License servers authenticate with their instance credential, before a byte of the body
      // is read: a caller without one is answered 401 at once, and its body is never buffered.
      config: { access: 'public', cors: false },
      onRequest: (request, _reply, done) => {
        try {
          const header = request.headers.authorization;
          senders.set(request, ctx.registry.authenticate(header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined));
          done();
        } catch (error) {
          done(error as Error);
        }
      },
      bodyLimit: MAX_BATCH * 4096,
      schema: {
        tags: ['sync'],
        summary: 'Usage events from a license server; acknowledged once stored; events already stored are ignored; events that cannot be stored are set aside in the quarantine',
        body: syncBatchSchema,
        response: { 200: syncResultSchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema },
      },
    },
    async (request) => {
      const instance = senders.get(request)!;
      const result = await ingestBatch(request.body, instance, ctx.warehouse, ctx.quarantine);
      ctx.registry.noteSync(instance.id);
      return result;
    },
  );

  app.get(
    '/api/1.0/health',
    {
      config: { access: 'public' },
      schema: { tags: ['health'], response: {
          200: z.object({
            status: z.enum(['ok', 'degraded']),
            role: z.literal('backoffice'),
            version: z.string(),
            uptimeSeconds: z.number(),
            warehouse: z.object({ ok: z.boolean(), events: z.number() }),
            quarantine: z.object({ events: z.number().describe('events set aside because they cannot be stored') }),
            licensing: z
              .object({ producerKeyId: z.string(), products: z.number(), entitlements: z.number(), activatedServers: z.number() })
              .nullable()
              .describe('the licensing service: the producer key license servers must trust, and what the catalog holds; null when it is off'),
            hosting: z
              .object({ hosted: z.number(), loaded: z.number() })
              .nullable()
              .describe('cloud instances: how many are hosted here, and how many are loaded (all of them, shortly after start)'),
          }),
        },
      },
    },
    async () => {
      let events = -1;
      try {
        events = await ctx.warehouse.countEvents();
      } catch {
        events = -1;
      }
      return {
        status: events >= 0 ? ('ok' as const) : ('degraded' as const),
        role: 'backoffice' as const,
        version: ctx.version,
        uptimeSeconds: Math.round((ctx.clock.now() - ctx.startedAt) / 1000),
        warehouse: { ok: events >= 0, events: Math.max(0, events) },
        quarantine: { events: ctx.quarantine.count() },
        licensing: ctx.catalog && ctx.producerKey ? { producerKeyId: ctx.producerKey.keyId, ...ctx.catalog.totals() } : null,
        hosting: ctx.host?.stats() ?? null,
      };
    },
  );

  app.get(
    `${BASE}/quarantine`,
    {
      config: { access: READ_ROLES },
      schema: {
        tags: ['sync'],
        summary: 'Events set aside because they cannot be stored: as received, with the instance, the field and the reason; newest first',
        querystring: pagingQuery.extend({ instanceId: z.string().max(64).optional() }),
        response: { 200: pageSchema(quarantinedEventSchema) },
      },
    },
    async (request) => {
      const { page, pageSize, instanceId } = request.query;
      return { page, pageSize, ...ctx.quarantine.list((page - 1) * pageSize, pageSize, instanceId) };
    },
  );

  app.get(`${BASE}/accounts`, { config: { access: READ_ROLES }, schema: { tags: ['accounts'], querystring: pagingQuery, response: { 200: pageSchema(accountSchema) } } }, async (request) => {
    const { page, pageSize } = request.query;
    return { page, pageSize, ...ctx.registry.accounts((page - 1) * pageSize, pageSize) };
  });

  app.post(`${BASE}/accounts`, { config: { access: ['admin'] }, schema: { tags: ['accounts'], body: accountInput, response: { 201: accountSchema, 400: errorBodySchema, 409: errorBodySchema } } }, async (request, reply) =>
    reply.code(201).send(ctx.registry.addAccount(request.body)),
  );

  app.get(
    `${BASE}/instances`,
    { config: { access: READ_ROLES }, schema: { tags: ['instances'], querystring: pagingQuery.extend({ accountId: z.string().max(64).optional() }), response: { 200: pageSchema(instanceSchema) } } },
    async (request) => {
      const { page, pageSize, accountId } = request.query;
      return { page, pageSize, ...ctx.registry.instances((page - 1) * pageSize, pageSize, accountId) };
    },
  );

  app.post(
    `${BASE}/instances`,
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['instances'],
        summary: 'Register a license server instance; answers its sync credential once',
        body: instanceInput,
        response: { 201: z.object({ instance: instanceSchema, credential: z.string() }), 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request, reply) => reply.code(201).send(ctx.registry.addInstance(request.body)),
  );

  app.post(
    `${BASE}/instances/:instanceId/credential`,
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['instances'],
        summary: 'Make a new sync credential for an instance, answered once; the old one stops working',
        params: z.object({ instanceId: z.string().min(1).max(64) }),
        response: { 200: z.object({ instanceId: z.string(), credential: z.string() }), 404: errorBodySchema },
      },
    },
    async (request) => ({ instanceId: request.params.instanceId, credential: ctx.registry.reissueCredential(request.params.instanceId) }),
  );
};
