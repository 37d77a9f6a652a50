import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { InstanceScope } from '../../context.js';
import { READ_ROLES } from '../../../http/access.js';
import { errorBodySchema } from '../../../http/errors.js';
import { pageSchema, pagingQuery } from '../../../http/paging.js';
import { activationAsksSchema } from '../../../licensing/entitlement.js';
import { exchangeFileName } from '../../../licensing/exchange.js';
import { licenseUpdateSchema } from '../../../licensing/license-update.js';
import { exchangeOutcomeSchema, licenseUpdatesStatusSchema } from '../../exchange/license-updates.js';



/** A response file is a few kilobytes; this refuses anything that cannot be one. */
const RESPONSE_BODY_LIMIT = 1024 * 1024;

const signedFileSchema = z
  .object({ format: z.string(), keyId: z.string(), body: z.unknown(), signature: z.string() })
  .describe('a signed request file (docs/license-exchange.md), sent as an attachment');

const failures = { 400: errorBodySchema, 422: errorBodySchema, 502: errorBodySchema };

/**
 * Licenses from the back office: online activation, license updates now (capability poll),
 * the offline exchange by files, and the history of what each update changed.
 */
export const licenseUpdateRoutes: FastifyPluginAsyncZod<{ at: InstanceScope }> = async (app, { at }) => {
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: RESPONSE_BODY_LIMIT }, (_request, body, done) => done(null, body));

  app.post(
    `${at.base}/activations`,
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['license updates'],
        summary: 'Activate activation IDs online: the back office checks each and answers this server’s rights, applied in one transaction',
        body: z.object({ activations: activationAsksSchema }).strict(),
        response: { 200: exchangeOutcomeSchema, ...failures },
      },
    },
    async (request) => at.of(request).updates.activate(request.body),
  );

  app.post(
    `${at.base}/capability-poll`,
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['license updates'],
        summary: 'Fetch this server’s current rights from the back office now and apply any change (Update Licenses)',
        response: { 200: exchangeOutcomeSchema.extend({ update: licenseUpdateSchema.nullable().describe('null: nothing changed') }), ...failures },
      },
    },
    async (request) => at.of(request).updates.poll(),
  );

  app.get(
    `${at.base}/offline/capability-request`,
    {
      config: { access: ['admin'] },
      schema: { tags: ['license updates'], summary: 'A capability request file to carry to the back office', response: { 200: signedFileSchema } },
    },
    async (request, reply) => {
      const ctx = at.of(request);
      const file = await ctx.updates.offlineRequest('capability');
      return reply.header('content-disposition', `attachment; filename="${exchangeFileName('request', 'capability', ctx.service.instanceId)}"`).send(file);
    },
  );

  app.post(
    `${at.base}/offline/activation-request`,
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['license updates'],
        summary: 'An activation request file (activation IDs and counts) to carry to the back office',
        body: z.object({ activations: activationAsksSchema }).strict(),
        response: { 200: signedFileSchema, 400: errorBodySchema },
      },
    },
    async (request, reply) => {
      const ctx = at.of(request);
      const file = await ctx.updates.offlineRequest('activation', request.body);
      return reply.header('content-disposition', `attachment; filename="${exchangeFileName('request', 'activation', ctx.service.instanceId)}"`).send(file);
    },
  );

  app.post(
    `${at.base}/offline/response`,
    {
      config: { access: ['admin'] },
      bodyLimit: RESPONSE_BODY_LIMIT,
      schema: {
        tags: ['license updates'],
        summary: 'Apply a response file of the back office (application/octet-stream or JSON)',
        response: { 200: exchangeOutcomeSchema, ...failures },
      },
    },
    async (request) => at.of(request).updates.applyOffline(request.body),
  );

  app.get(
    `${at.base}/license-updates`,
    {
      config: { access: READ_ROLES },
      schema: {
        tags: ['license updates'],
        summary: 'What each change of licenses did (records added, changed, removed; leases ended and why), newest first',
        querystring: pagingQuery,
        response: { 200: pageSchema(licenseUpdateSchema) },
      },
    },
    async (request) => {
      const ctx = at.of(request);
      const { page, pageSize } = request.query;
      return { page, pageSize, ...ctx.service.store.licenseUpdates((page - 1) * pageSize, pageSize) };
    },
  );

  app.get(
    `${at.base}/license-updates/status`,
    {
      config: { access: READ_ROLES },
      schema: { tags: ['license updates'], summary: 'Whether this server is activated, and where capability polling stands', response: { 200: licenseUpdatesStatusSchema } },
    },
    async (request) => at.of(request).updates.status(),
  );
};
