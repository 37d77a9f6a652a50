import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { READ_ROLES } from '../../http/access.js';
import { errorBodySchema } from '../../http/errors.js';
import type { BackofficeContext } from '../context.js';
import { monitorStatusSchema } from '../../importers/monitor/license-monitor.js';
import { monitorInput, monitorSchema } from '../monitors/monitor-registry.js';

const BASE = '/api/1.0/backoffice/monitors';

const idParams = z.object({ monitorId: z.string().min(1).max(64) });

/** Remote monitoring of license servers Tally does not run: add, list, poll now, remove. */
export const monitorRoutes: FastifyPluginAsyncZod<{ ctx: BackofficeContext }> = async (app, { ctx }) => {
  const monitors = () => ctx.monitors!;

  app.get(BASE, { config: { access: READ_ROLES }, schema: { tags: ['monitors'], summary: 'Every monitor with its status', response: { 200: z.object({ items: z.array(monitorSchema) }) } } }, async () => ({
    items: ctx.monitorRegistry!.list(),
  }));

  app.post(
    BASE,
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['monitors'],
        summary: 'Poll a license server at an interval: a status command read as lmstat -a, or a Tally / FlexNet Embedded style REST server',
        body: monitorInput,
        response: { 201: monitorSchema, 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request, reply) => reply.code(201).send(monitors().add(request.body)),
  );

  app.get(`${BASE}/:monitorId`, { config: { access: READ_ROLES }, schema: { tags: ['monitors'], params: idParams, response: { 200: monitorSchema, 404: errorBodySchema } } }, async (request) =>
    ctx.monitorRegistry!.get(request.params.monitorId),
  );

  app.post(
    `${BASE}/:monitorId/poll`,
    { config: { access: ['admin'] }, schema: { tags: ['monitors'], summary: 'Poll now; answers the status', params: idParams, response: { 200: monitorStatusSchema, 404: errorBodySchema } } },
    async (request) => monitors().pollNow(request.params.monitorId),
  );

  app.delete(`${BASE}/:monitorId`, { config: { access: ['admin'] }, schema: { tags: ['monitors'], params: idParams, response: { 204: z.null(), 404: errorBodySchema } } }, async (request, reply) => {
    await monitors().remove(request.params.monitorId);
    return reply.code(204).send(null);
  });
};
