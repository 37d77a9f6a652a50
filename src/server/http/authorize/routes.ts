import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ServerContext } from '../../context.js';
import { errorBodySchema } from '../errors.js';

/** Login: user and password in, bearer token out. */
export const authorizeRoutes: FastifyPluginAsyncZod<{ ctx: ServerContext }> = async (app, { ctx }) => {
  app.post(
    '/api/1.0/instances/~/authorize',
    {
      config: { access: 'public' },
      bodyLimit: 16 * 1024,
      schema: {
        tags: ['security'],
        body: z.object({ user: z.string().min(1).max(128), password: z.string().min(1).max(1024) }).strict(),
        response: {
          200: z.object({ token: z.string(), user: z.string(), role: z.string(), mustChangePassword: z.boolean(), idleTimeoutSeconds: z.number() }),
          401: errorBodySchema,
        },
      },
    },
    async (request) => {
      const result = await ctx.security.authorize(request.body.user, request.body.password);
      return {
        token: result.token,
        user: result.principal.name,
        role: result.principal.role,
        mustChangePassword: result.mustChangePassword,
        idleTimeoutSeconds: 1800,
      };
    },
  );
};
