import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { InstanceScope } from '../../context.js';
import { READ_ROLES } from '../../../http/access.js';
import { errorBodySchema } from '../../../http/errors.js';
import { licenseSummarySchema, setAsideLicensesSchema } from '../../license-service.js';
import { licenseUpdateSchema } from '../../../licensing/license-update.js';

/** Signed license files: load (add or reissue), list, remove. */
export const licenseRoutes: FastifyPluginAsyncZod<{ at: InstanceScope }> = async (app, { at }) => {
  app.get(
    `${at.base}/licenses`,
    { config: { access: READ_ROLES }, schema: { tags: ['licenses'], response: { 200: z.object({ licenses: z.array(licenseSummarySchema), setAside: setAsideLicensesSchema }) } } },
    async (request) => {
      const { service } = at.of(request);
      return { licenses: service.licenses(), setAside: service.setAsideLicenses() };
    },
  );

  app.post(
    `${at.base}/licenses`,
    {
      config: { access: ['admin'] },
      bodyLimit: 16 * 1024 * 1024,
      schema: {
        tags: ['licenses'],
        summary: 'Load a signed license file; it is verified against the producer key first',
        body: z.record(z.string(), z.unknown()).describe('The signed license file as produced by `tally producer sign`'),
        response: { 200: z.object({ license: licenseSummarySchema, replaced: z.boolean(), update: licenseUpdateSchema }), 422: errorBodySchema },
      },
    },
    async (request) => at.of(request).service.loadLicense(request.body),
  );

  app.delete(
    `${at.base}/licenses/:licenseId`,
    {
      config: { access: ['admin'] },
      schema: { tags: ['licenses'], params: z.object({ licenseId: z.string().min(1).max(64) }), response: { 204: z.null(), 404: errorBodySchema } },
    },
    async (request, reply) => {
      await at.of(request).service.removeLicense(request.params.licenseId);
      return reply.code(204).send(null);
    },
  );
};
