import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { InstanceScope } from '../../context.js';
import { LOCAL_BASE, READ_ROLES } from '../../../http/access.js';
import { setAsideLicensesSchema } from '../../license-service.js';
import { backOfficeBase, syncStatusSchema } from '../../sync/outbox-sender.js';
import { licenseUpdatesStatusSchema } from '../../exchange/license-updates.js';
import { failoverStatusSchema } from '../../failover/failover.js';

export { syncStatusSchema };

const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  instanceId: z.string(),
  startedAt: z.string(),
  uptimeSeconds: z.number(),
  storage: z.object({ ok: z.boolean(), outboxBacklog: z.number() }),
  licenses: z.object({ served: z.number(), setAside: setAsideLicensesSchema }),
  sync: syncStatusSchema,
  clientKey: z
    .object({ present: z.boolean(), keyId: z.string().nullable(), required: z.boolean() })
    .describe('the client public key capability requests are signed with, and whether signing is required (licensing.requireClientSignature)'),
  backOffice: z.string().nullable().describe('the back office this server syncs to, where its usage report is (the sync URL without the sync path); null when none is configured'),
  licenseUpdates: licenseUpdatesStatusSchema,
  failover: failoverStatusSchema,
});

/** What health answers. */
export type HealthBody = z.infer<typeof healthSchema>;

/** Health without credentials (for load balancers and container checks) on a license server; with them on a hosted instance. */
export const healthRoutes: FastifyPluginAsyncZod<{ at: InstanceScope }> = async (app, { at }) => {
  const handler = async (request: FastifyRequest) => {
    const ctx = at.of(request);
    // The sync status already counts the outbox; a count it could not make means storage failed.
    const sync = ctx.sync.status();
    const ok = sync.backlog >= 0;
    const setAside = ctx.service.setAsideLicenses();
    const clientKey = ctx.clientKeys.view();
    return {
      status: ok && setAside.length === 0 ? ('ok' as const) : ('degraded' as const),
      version: ctx.version,
      instanceId: ctx.service.instanceId,
      startedAt: new Date(ctx.startedAt).toISOString(),
      uptimeSeconds: Math.round((ctx.clock.now() - ctx.startedAt) / 1000),
      storage: { ok, outboxBacklog: Math.max(0, sync.backlog) },
      licenses: { served: ctx.service.licenses().length, setAside },
      sync,
      clientKey: { present: clientKey.present, keyId: clientKey.keyId, required: clientKey.required },
      backOffice: sync.url === null ? null : backOfficeBase(sync.url),
      licenseUpdates: ctx.updates.status(),
      failover: ctx.failover.status(),
    };
  };
  const schema = { tags: ['health'], response: { 200: healthSchema } };
  if (at.base === LOCAL_BASE) {
    const options = { config: { access: 'public' as const }, schema };
    app.get('/api/1.0/health', options, handler);
    app.get(`${at.base}/health`, options, handler);
  } else {
    // A hosted instance's state is its users' business: its health needs their login.
    app.get(`${at.base}/health`, { config: { access: READ_ROLES }, schema }, handler);
  }
};
