import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TallyError } from '../../../common/errors.js';
import type { InstanceScope } from '../../context.js';
import { READ_ROLES } from '../../../http/access.js';
import { errorBodySchema } from '../../../http/errors.js';
import { CLIENT_KEY_MAX_BYTES, clientKeyViewSchema, uploadedClientKeySchema } from '../../client-key.js';

/** Room past the largest key, so that a file too large is refused with its size rather than a bare 413. */
const UPLOAD_LIMIT = 16 * CLIENT_KEY_MAX_BYTES;

/** The client public key capability requests are signed with. */
export const clientKeyRoutes: FastifyPluginAsyncZod<{ at: InstanceScope }> = async (app, { at }) => {
  const path = `${at.base}/client-key`;
  // The key file is sent as it is; only this plugin reads octet streams.
  app.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT }, (_request, body, done) => done(null, body));

  app.get(
    path,
    {
      config: { access: READ_ROLES },
      schema: {
        tags: ['client key'],
        summary: 'The uploaded client public key (key ID, size, when and by whom), and whether signed capability requests are required',
        response: { 200: clientKeyViewSchema },
      },
    },
    async (request) => at.of(request).clientKeys.view(),
  );

  app.put(
    path,
    {
      config: { access: ['admin'] },
      bodyLimit: UPLOAD_LIMIT,
      schema: {
        tags: ['client key'],
        summary: 'Upload the client public key (2048-bit RSA, DER), replacing the one before',
        description:
          'Send the key file as the body (application/octet-stream): DER SubjectPublicKeyInfo or PKCS#1 RSAPublicKey, at most 4 KB. ' +
          'From then on, capability requests may be signed with the matching private key (header x-tally-signature), and one whose signature does not verify is refused.',
        response: { 200: uploadedClientKeySchema, 400: errorBodySchema, 415: errorBodySchema },
      },
    },
    async (request) => {
      // No body at all is an empty key file, refused as such.
      const body = request.body ?? Buffer.alloc(0);
      if (!Buffer.isBuffer(body)) {
        throw new TallyError('UNSUPPORTED_MEDIA_TYPE', 'Send the key file as the body, as application/octet-stream.', [{ field: 'content-type', message: 'must be application/octet-stream' }]);
      }
      return at.of(request).clientKeys.upload(body, request.principal?.name ?? 'unknown');
    },
  );

  app.delete(
    path,
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['client key'],
        summary: 'Remove the client public key: signed requests are no longer verified, and are all refused when signing is required',
        response: { 204: z.null(), 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      await at.of(request).clientKeys.remove();
      return reply.code(204).send(null);
    },
  );
};
