import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../../context.js';

export const syncStatusSchema = z.object({
  enabled: z.boolean(),
  state: z.enum(['off', 'ok', 'quarantining', 'stalled']).describe('stalled: the last attempts failed; quarantining: the back office set events aside since start-up'),
  url: z.string().nullable(),
  backlog: z.number().describe('usage events waiting in the outbox'),
  lastSuccess: z.string().nullable(),
  lastError: z.string().nullable(),
  retryAt: z.string().nullable().describe('when the next attempt is due while backing off'),
  stalledSince: z.string().nullable().describe('since when attempts have failed without a success between'),
  sent: z.number().describe('events acknowledged since start-up'),
  quarantined: z.number().describe('events the back office set aside (cannot be stored) since start-up; its admin lists them'),
  refused: z.number().describe('events a back office refused even alone: logged in full (sync.event.refused) and kept out of the outbox in trusted storage (sync_refused)'),
});

export const setAsideSchema = z
  .array(z.object({ licenseId: z.string(), loadedAt: z.string(), reason: z.string() }))
  .describe('stored licenses not served because their files no longer verify against the producer key');

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  instanceId: z.string(),
  startedAt: z.string(),
  uptimeSeconds: z.number(),
  storage: z.object({ ok: z.boolean(), outboxBacklog: z.number() }),
  licenses: z.object({ served: z.number(), setAside: setAsideSchema }),
  sync: syncStatusSchema,
});

/** Health without credentials: for load balancers and container checks. */
export const healthRoutes: FastifyPluginAsyncZod<{ ctx: ServerContext }> = async (app, { ctx }) => {
  const handler = async () => {
    // The sync status already counts the outbox; a count it could not make means storage failed.
    const sync = ctx.sync.status();
    const ok = sync.backlog >= 0;
    const setAside = ctx.service.setAsideLicenses();
    return {
      status: ok && setAside.length === 0 ? ('ok' as const) : ('degraded' as const),
      version: ctx.version,
      instanceId: ctx.service.instanceId,
      startedAt: new Date(ctx.startedAt).toISOString(),
      uptimeSeconds: Math.round((ctx.clock.now() - ctx.startedAt) / 1000),
      storage: { ok, outboxBacklog: Math.max(0, sync.backlog) },
      licenses: { served: ctx.service.licenses().length, setAside },
      sync,
    };
  };
  const options = { config: { access: 'public' as const }, schema: { tags: ['health'], response: { 200: healthSchema } } };
  app.get('/api/1.0/health', options, handler);
  app.get('/api/1.0/instances/~/health', options, handler);
};
