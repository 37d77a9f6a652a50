import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TallyError } from '../../common/errors.js';
import { exchangeFileName } from '../../licensing/exchange.js';
import { errorBodySchema } from '../../http/errors.js';
import type { BackofficeContext } from '../context.js';
import type { Instance } from '../instances/instance-registry.js';

const BASE = '/api/1.0/backoffice';

/** A request or response file is a few kilobytes; this refuses anything that cannot be one. */
export const EXCHANGE_BODY_LIMIT = 256 * 1024;

const signedMessageSchema = z
  .object({ format: z.string(), keyId: z.string(), body: z.unknown(), signature: z.string() })
  .describe('a signed message of docs/license-exchange.md');

/**
 * The licensing exchange with license servers: online requests from the servers themselves,
 * offline request files brought by an administrator, and the producer's public key they trust.
 */
export const exchangeRoutes: FastifyPluginAsyncZod<{ ctx: BackofficeContext }> = async (app, { ctx }) => {
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: EXCHANGE_BODY_LIMIT }, (_request, body, done) => done(null, body));
  const exchange = () => {
    if (!ctx.exchange) throw new TallyError('NOT_FOUND', 'This back office does not activate licenses.');
    return ctx.exchange;
  };

  app.get(
    `${BASE}/producer-key`,
    {
      config: { access: 'public' },
      schema: {
        tags: ['licensing'],
        summary: "The producer's public key: license servers of this back office trust it (producer.publicKeyFile)",
        response: { 200: z.object({ keyId: z.string(), publicKey: z.string().describe('SPKI PEM') }), 404: errorBodySchema },
      },
    },
    async () => {
      exchange();
      return { keyId: ctx.producerKey!.keyId, publicKey: ctx.producerKey!.publicKeyPem };
    },
  );

  app.post(
    `${BASE}/exchange`,
    {
      // Signed by the server's own key; a sync credential, when one comes, must be the same server's.
      config: { access: 'public', cors: false },
      bodyLimit: EXCHANGE_BODY_LIMIT,
      schema: {
        tags: ['licensing'],
        summary: "A license server's online activation or capability request; answers its signed response",
        body: signedMessageSchema,
        response: { 200: signedMessageSchema, 400: errorBodySchema, 403: errorBodySchema, 422: errorBodySchema },
      },
    },
    async (request) => {
      const header = request.headers.authorization;
      let caller: Instance | undefined;
      if (header?.startsWith('Bearer ')) caller = ctx.registry.authenticate(header.slice(7).trim());
      return exchange().respond(request.body, 'online', caller);
    },
  );

  app.post(
    `${BASE}/offline`,
    {
      config: { access: ['admin'] },
      bodyLimit: EXCHANGE_BODY_LIMIT,
      schema: {
        tags: ['licensing'],
        summary: 'An offline request file carried from a license server; answers the response file to carry back',
        description: 'Send the request file as the body (application/octet-stream or application/json). The answer is the response file, as an attachment.',
        response: { 200: signedMessageSchema, 400: errorBodySchema, 403: errorBodySchema, 422: errorBodySchema },
      },
    },
    async (request, reply) => {
      const response = exchange().respond(request.body, 'offline');
      const name = exchangeFileName('response', response.body.requestKind, response.body.server.instanceId);
      return reply.header('content-disposition', `attachment; filename="${name}"`).send(response);
    },
  );
};
