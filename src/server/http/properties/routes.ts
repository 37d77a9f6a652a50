import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TallyError } from '../../../common/errors.js';
import { PROPERTY_BY_KEY } from '../../properties/registry.js';
import { propertyGroupSchema, propertyGroupViewSchema, propertyViewSchema } from '../../properties/property-service.js';
import type { InstanceScope } from '../../context.js';
import { READ_ROLES } from '../../../http/access.js';
import { errorBodySchema } from '../../../http/errors.js';
import { syncStatusSchema } from '../health/routes.js';

/** Policy settings: read by every role, changed by admins, effective at once. */
export const propertyRoutes: FastifyPluginAsyncZod<{ at: InstanceScope }> = async (app, { at }) => {
  app.get(
    `${at.base}/properties`,
    {
      config: { access: READ_ROLES },
      schema: {
        tags: ['properties'],
        summary: 'Every property with its group, value, default, whether it may be changed, and why not',
        querystring: z.object({ group: propertyGroupSchema.optional() }),
        response: {
          200: z.object({
            groups: z.array(propertyGroupViewSchema),
            properties: z.array(propertyViewSchema),
            syncStatus: syncStatusSchema,
          }),
        },
      },
    },
    async (request) => ({ groups: at.of(request).properties.groups(), properties: at.of(request).properties.list(request.query.group), syncStatus: at.of(request).sync.status() }),
  );

  app.get(
    `${at.base}/properties/:key`,
    { config: { access: READ_ROLES }, schema: { tags: ['properties'], params: z.object({ key: z.string().min(1).max(128) }), response: { 200: propertyViewSchema, 404: errorBodySchema } } },
    async (request) => {
      const ctx = at.of(request);
      const def = PROPERTY_BY_KEY.get(request.params.key);
      if (!def) throw new TallyError('NOT_FOUND', `There is no property ${request.params.key}.`, [{ field: 'key', message: 'is not a known property' }]);
      return ctx.properties.view(def);
    },
  );

  app.put(
    `${at.base}/properties`,
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['properties'],
        summary: 'Change properties, all or nothing; takes effect without a restart',
        body: z.record(z.string().max(128), z.unknown()).describe('{"licensing.renewInterval": 20, "security.sessionIdleTimeout": "15m"}'),
        response: { 200: z.object({ changed: z.array(propertyViewSchema) }), 400: errorBodySchema },
      },
    },
    async (request) => ({ changed: at.of(request).properties.update(request.body, request.principal!.name) }),
  );

  app.delete(
    `${at.base}/properties/:key`,
    {
      config: { access: ['admin'] },
      schema: { tags: ['properties'], summary: 'Drop the administrator value: the configured one applies again', params: z.object({ key: z.string().min(1).max(128) }), response: { 200: propertyViewSchema, 404: errorBodySchema } },
    },
    async (request) => at.of(request).properties.reset(request.params.key, request.principal!.name),
  );
};
