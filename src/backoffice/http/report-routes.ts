import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { READ_ROLES } from '../../http/access.js';
import { errorBodySchema } from '../../http/errors.js';
import { reportQuerySchema, toFilters } from '../../warehouse/filters.js';
import { getDenialsByAccount } from '../../warehouse/queries/get-denials-by-account.js';
import { getDenialsDistribution } from '../../warehouse/queries/get-denials-distribution.js';
import { getDenialsOverTime } from '../../warehouse/queries/get-denials-over-time.js';
import type { BackofficeContext } from '../context.js';

const BASE = '/api/reports/usage-denials';
const limitQuery = z.object({ limit: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more').max(1000, 'must be at most 1000').default(10) });

/** The Usage and Denials report, one route per widget; every widget takes the common filters. */
export const reportRoutes: FastifyPluginAsyncZod<{ ctx: BackofficeContext }> = async (app, { ctx }) => {
  const read = { access: READ_ROLES };
  const filtersOf = (q: z.output<typeof reportQuerySchema>) => toFilters(q, ctx.clock.now());

  app.get(
    `${BASE}/denials-distribution`,
    {
      config: read,
      schema: {
        tags: ['report'],
        summary: 'Denials by status code: code, name, description, count and percentage of all denials',
        querystring: reportQuerySchema,
        response: {
          200: z.object({ total: z.number(), rows: z.array(z.object({ code: z.number(), name: z.string(), description: z.string(), count: z.number(), percentage: z.number() })) }),
          400: errorBodySchema,
        },
      },
    },
    async (request) => ctx.warehouse.report(getDenialsDistribution, filtersOf(request.query), {}),
  );

  app.get(
    `${BASE}/denials-by-account`,
    {
      config: read,
      schema: {
        tags: ['report'],
        summary: 'Denials per account, most first',
        querystring: reportQuerySchema.and(limitQuery),
        response: { 200: z.object({ total: z.number(), rows: z.array(z.object({ accountId: z.string().nullable(), count: z.number(), percentage: z.number() })) }), 400: errorBodySchema },
      },
    },
    async (request) => ctx.warehouse.report(getDenialsByAccount, filtersOf(request.query), { limit: request.query.limit }),
  );

  app.get(
    `${BASE}/denials-over-time`,
    {
      config: read,
      schema: {
        tags: ['report'],
        summary: 'Denials per time bucket (sized to the range) and status code',
        querystring: reportQuerySchema,
        response: { 200: z.object({ bucket: z.enum(['minute', 'hour', 'day', 'week']), rows: z.array(z.object({ bucketStart: z.string(), code: z.number(), count: z.number() })) }), 400: errorBodySchema },
      },
    },
    async (request) => ctx.warehouse.report(getDenialsOverTime, filtersOf(request.query), {}),
  );
};
