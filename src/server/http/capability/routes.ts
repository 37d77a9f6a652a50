import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { TallyError } from '../../../common/errors.js';
import type { InstanceScope } from '../../context.js';
import { errorBodySchema } from '../../../http/errors.js';
import { SIGNATURE_HEADER, signatureProblem } from '../../client-key.js';
import { capabilityRequestSchema, capabilityResponseSchema } from './schema.js';

/** Client capability requests: no admin credentials, as clients are devices, not administrators. */
export const capabilityRoutes: FastifyPluginAsyncZod<{ at: InstanceScope }> = async (app, { at }) => {
  /**
   * Before validation, the body is still the JSON the client signed (defaults not yet filled
   * in). An unsigned request with signing not required costs one header and one property look-up.
   */
  const checkSignature = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
    const ctx = at.of(request);
    const required = ctx.properties.current.licensing.requireClientSignature;
    const header = request.headers[SIGNATURE_HEADER];
    if (!required && header === undefined) {
      done();
      return;
    }
    const signature = Array.isArray(header) ? header[0] : header;
    const problem = signatureProblem(request.body, signature, ctx.clientKeys.verifier, required);
    done(problem === null ? undefined : new TallyError('CLIENT_SIGNATURE_REFUSED', problem, [{ field: `headers.${SIGNATURE_HEADER}`, message: problem }]));
  };

  app.post(
    `${at.base}/capability`,
    {
      // Devices call this, not browsers: no CORS work on the busiest route.
      config: { access: 'public', cors: false },
      bodyLimit: 256 * 1024,
      preValidation: checkSignature,
      schema: {
        tags: ['capability'],
        summary: 'Request, renew, return, preview or undo features for a device',
        description: `When a client key is uploaded, a request may be signed: header ${SIGNATURE_HEADER} holds the base64 RSA-SHA256 (PKCS#1 v1.5) signature of the RFC 8785 canonical JSON of the body. A signature that does not verify is refused (401); when licensing.requireClientSignature is true, so is an unsigned request.`,
        body: capabilityRequestSchema,
        response: { 200: capabilityResponseSchema, 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 503: errorBodySchema },
      },
    },
    async (request) => at.of(request).service.capability(request.body),
  );
};
