import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ServerContext } from '../../context.js';
import { errorBodySchema } from '../../../http/errors.js';
import { capabilityRequestSchema, capabilityResponseSchema } from './schema.js';

/** Client capability requests: no admin credentials, as clients are devices, not administrators. */
export const capabilityRoutes: FastifyPluginAsyncZod<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.post(
    '/api/1.0/instances/~/capability',
    {
      // Devices call this, not browsers: no CORS work on the busiest route.
      config: { access: 'public', cors: false },
      bodyLimit: 256 * 1024,
      schema: {
        tags: ['capability'],
        summary: 'Request, renew, return, preview or undo features for a device',
        body: capabilityRequestSchema,
        response: { 200: capabilityResponseSchema, 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request) => ctx.service.capability(request.body),
  );
};
