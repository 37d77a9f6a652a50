import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { READ_ROLES } from '../../http/access.js';
import { errorBodySchema } from '../../http/errors.js';
import { reportQuerySchema, toFilters } from '../../warehouse/filters.js';
import { getDenialsByAccount } from '../../warehouse/queries/get-denials-by-account.js';
import { getDenialsDistribution } from '../../warehouse/queries/get-denials-distribution.js';
import { getDenialsOverTime } from '../../warehouse/queries/get-denials-over-time.js';
import { getActiveAccounts, getActiveInstances, getUniqueClients } from '../../warehouse/queries/get-active-clients.js';
import type { EventColumn } from '../../warehouse/queries/get-events.js';
import { EVENT_COLUMNS, getEvents, onlyDenials, parseConditions } from '../../warehouse/queries/get-events.js';
import { getConcurrentUsage } from '../../warehouse/queries/get-concurrent-usage.js';
import { getMeteredUsage } from '../../warehouse/queries/get-metered-usage.js';
import { getSessions } from '../../warehouse/queries/get-sessions.js';
import { DENIALS, NOT_A_DENIAL } from '../../licensing/denials.js';
import type { DenialCode } from '../../licensing/denials.js';
import type { BackofficeContext } from '../context.js';

const BASE = '/api/reports/usage-denials';
const columns = Object.keys(EVENT_COLUMNS) as [EventColumn, ...EventColumn[]];
const eventsQuery = z.object({
  page: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more').default(1),
  pageSize: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more').max(1000, 'must be at most 1000').default(50),
  sort: z.enum(columns, { error: `must be one of ${columns.join(', ')}` }).default('ts'),
  order: z.enum(['asc', 'desc']).default('desc'),
  where: z.string().max(2000).optional().describe('column conditions, e.g. usagePercentage>=80,kind=deny'),
});
const eventRow = z.object({
  eventId: z.string(), ts: z.string(), accountId: z.string().nullable(), instanceId: z.string(), feature: z.string(), version: z.string(), kind: z.string(), count: z.number(),
  deviceId: z.string(), deviceIdType: z.string(), alias: z.string().nullable(), user: z.string().nullable(), pool: z.string().nullable(), inUseAfter: z.number(),
  capacity: z.number().nullable(), usagePercentage: z.number().nullable(), statusCode: z.number().nullable(), denialName: z.string().nullable(), denialDescription: z.string().nullable(), source: z.string(),
});
const eventsPage = z.object({ total: z.number(), page: z.number(), pageSize: z.number(), rows: z.array(eventRow) });
const activeSchema = z.object({ rankedBy: z.literal('usage'), rows: z.array(z.object({ id: z.string().nullable(), usage: z.number(), checkouts: z.number(), clients: z.number(), denials: z.number() })) });
const limitQuery = z.object({ limit: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more').max(1000, 'must be at most 1000').default(10) });

/** The Usage and Denials report, one route per widget; every widget takes the common filters. */
export const reportRoutes: FastifyPluginAsyncZod<{ ctx: BackofficeContext }> = async (app, { ctx }) => {
  const read = { access: READ_ROLES };
  const filtersOf = (q: z.output<typeof reportQuerySchema>) => toFilters(q, ctx.clock.now());

  app.get(
    `${BASE}/denial-codes`,
    {
      config: read,
      schema: { tags: ['report'], summary: 'The denial codes the report counts, with name and description', response: { 200: z.object({ rows: z.array(z.object({ code: z.number(), name: z.string(), description: z.string() })) }) } },
    },
    async () => ({
      rows: Object.entries(DENIALS)
        .map(([code, d]) => ({ code: Number(code), name: d.name, description: d.description }))
        .filter((d) => !NOT_A_DENIAL.has(d.code as DenialCode)),
    }),
  );

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

  const eventsOf = async (query: z.output<typeof reportQuerySchema> & z.output<typeof eventsQuery>, denials: boolean) => {
    const filters = filtersOf(query);
    const conditions = parseConditions(query.where);
    if (denials) onlyDenials(filters, conditions);
    return ctx.warehouse.report(getEvents, filters, { page: query.page, pageSize: query.pageSize, sort: query.sort, order: query.order, conditions });
  };

  app.get(
    `${BASE}/events`,
    {
      config: read,
      schema: {
        tags: ['report'],
        summary: 'All events: paged, sortable by any column, narrowed by column conditions such as usagePercentage>=80',
        querystring: reportQuerySchema.and(eventsQuery),
        response: { 200: eventsPage, 400: errorBodySchema },
      },
    },
    async (request) => eventsOf(request.query, false),
  );

  app.get(
    `${BASE}/sessions`,
    {
      config: read,
      schema: {
        tags: ['report'],
        summary: 'Checkout sessions: how long each device held each concurrent feature, with totals',
        querystring: reportQuerySchema.and(eventsQuery.pick({ page: true, pageSize: true })),
        response: {
          200: z.object({
            total: z.number(), totalHours: z.number(), medianMinutes: z.number().nullable(), page: z.number(), pageSize: z.number(),
            rows: z.array(z.object({
              instanceId: z.string(), accountId: z.string().nullable(), feature: z.string(), deviceId: z.string(), user: z.string().nullable(),
              start: z.string(), end: z.string().nullable(), endedBy: z.enum(['return', 'expire']).nullable(), peakCount: z.number(), minutes: z.number(),
            })),
          }),
          400: errorBodySchema,
        },
      },
    },
    async (request) => ctx.warehouse.report(getSessions, filtersOf(request.query), { page: request.query.page, pageSize: request.query.pageSize }),
  );

  app.get(
    `${BASE}/denials-summary`,
    {
      config: read,
      schema: { tags: ['report'], summary: 'Denials one by one: client, user, feature, time and reason', querystring: reportQuerySchema.and(eventsQuery), response: { 200: eventsPage, 400: errorBodySchema } },
    },
    async (request) => eventsOf(request.query, true),
  );

  const bucketSchema = z.enum(['minute', 'hour', 'day', 'week']);
  app.get(
    `${BASE}/concurrent-usage`,
    {
      config: read,
      schema: {
        tags: ['report'],
        summary: 'Concurrent usage over time per feature: in use at the end of each bucket, capacity (null when uncounted), peak, overdraft past capacity',
        querystring: reportQuerySchema,
        response: { 200: z.object({ bucket: bucketSchema, rows: z.array(z.object({ feature: z.string(), bucketStart: z.string(), inUse: z.number(), capacity: z.number().nullable(), peak: z.number(), overdraft: z.number() })) }), 400: errorBodySchema },
      },
    },
    async (request) => ctx.warehouse.report(getConcurrentUsage, filtersOf(request.query), {}),
  );

  app.get(
    `${BASE}/metered-usage`,
    {
      config: read,
      schema: {
        tags: ['report'],
        summary: 'Metered usage over time per feature: consumed, cap, in use and overage',
        querystring: reportQuerySchema,
        response: { 200: z.object({ bucket: bucketSchema, rows: z.array(z.object({ feature: z.string(), bucketStart: z.string(), consumed: z.number(), cap: z.number().nullable(), inUseAfter: z.number(), overage: z.number() })) }), 400: errorBodySchema },
      },
    },
    async (request) => ctx.warehouse.report(getMeteredUsage, filtersOf(request.query), {}),
  );

  app.get(
    `${BASE}/active-accounts`,
    { config: read, schema: { tags: ['report'], summary: 'Accounts ranked by counts checked out or consumed', querystring: reportQuerySchema.and(limitQuery), response: { 200: activeSchema, 400: errorBodySchema } } },
    async (request) => ctx.warehouse.report(getActiveAccounts, filtersOf(request.query), { limit: request.query.limit }),
  );

  app.get(
    `${BASE}/active-instances`,
    { config: read, schema: { tags: ['report'], summary: 'License server instances ranked by counts checked out or consumed', querystring: reportQuerySchema.and(limitQuery), response: { 200: activeSchema, 400: errorBodySchema } } },
    async (request) => ctx.warehouse.report(getActiveInstances, filtersOf(request.query), { limit: request.query.limit }),
  );

  app.get(
    `${BASE}/unique-clients`,
    {
      config: read,
      schema: {
        tags: ['report'],
        summary: 'Distinct devices and users served per feature, and clients per license count',
        querystring: reportQuerySchema,
        response: { 200: z.object({ rows: z.array(z.object({ feature: z.string(), devices: z.number(), users: z.number(), capacity: z.number().nullable(), clientsPerLicense: z.number().nullable() })) }), 400: errorBodySchema },
      },
    },
    async (request) => ctx.warehouse.report(getUniqueClients, filtersOf(request.query), {}),
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
