import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TallyError } from '../../../common/errors.js';
import { PROPERTY_BY_KEY } from '../../properties/registry.js';
import { propertyGroupSchema, propertyGroupViewSchema, propertyViewSchema } from '../../properties/property-service.js';
import type { ServerContext } from '../../context.js';
import { READ_ROLES } from '../../../http/access.js';
import { errorBodySchema } from '../../../http/errors.js';
import { syncStatusSchema } from '../health/routes.js';

/** Policy settings: read by every role, changed by admins, effective at once. */
export const propertyRoutes: FastifyPluginAsyncZod<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.get(
    '/api/1.0/instances/~/properties',
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
    async (request) => ({ groups: ctx.properties.groups(), properties: ctx.properties.list(request.query.group), syncStatus: ctx.sync.status() }),
  );

  app.get(
    '/api/1.0/instances/~/properties/:key',
    { config: { access: READ_ROLES }, schema: { tags: ['properties'], params: z.object({ key: z.string().min(1).max(128) }), response: { 200: propertyViewSchema, 404: errorBodySchema } } },
    async (request) => {
      const def = PROPERTY_BY_KEY.get(request.params.key);
      if (!def) throw new TallyError('NOT_FOUND', `There is no property ${request.params.key}.`, [{ field: 'key', message: 'is not a known property' }]);
      return ctx.properties.view(def);
    },
  );

  app.put(
    '/api/1.0/instances/~/properties',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['properties'],
        summary: 'Change properties, all or nothing; takes effect without a restart',
        body: z.record(z.string().max(128), z.unknown()).describe('{"licensing.renewInterval": 20, "security.sessionIdleTimeout": "15m"}'),
        response: { 200: z.object({ changed: z.array(propertyViewSchema) }), 400: errorBodySchema },
      },
    },
    async (request) => ({ changed: ctx.properties.update(request.body, request.principal!.name) }),
  );

  app.delete(
    '/api/1.0/instances/~/properties/:key',
    {
      config: { access: ['admin'] },
      schema: { tags: ['properties'], summary: 'Drop the administrator value: the configured one applies again', params: z.object({ key: z.string().min(1).max(128) }), response: { 200: propertyViewSchema, 404: errorBodySchema } },
    },
    async (request) => ctx.properties.reset(request.params.key, request.principal!.name),
  );
};
