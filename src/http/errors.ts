import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ErrorDetail } from '../common/errors.js';
import { ERROR_CODES, TallyError } from '../common/errors.js';

/** The error body, for route schemas and the OpenAPI document. */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(Object.keys(ERROR_CODES) as [keyof typeof ERROR_CODES, ...Array<keyof typeof ERROR_CODES>]),
    message: z.string(),
    details: z.array(z.object({ field: z.string(), message: z.string() })),
  }),
});

const FASTIFY_CODES: Record<string, () => TallyError> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => new TallyError('INVALID_JSON', 'The body is not valid JSON.', [{ field: 'body', message: 'is not valid JSON' }]),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new TallyError('INVALID_JSON', 'The body is empty; send a JSON object.', [{ field: 'body', message: 'is empty' }]),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new TallyError('PAYLOAD_TOO_LARGE', 'The body is larger than this server accepts.', [{ field: 'body', message: 'is too large' }]),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => new TallyError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.', [{ field: 'content-type', message: 'must be application/json' }]),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () => new TallyError('BAD_REQUEST', 'Content-Length does not match the body.', [{ field: 'content-length', message: 'does not match the body' }]),
  FST_ERR_CTP_INVALID_TYPE: () => new TallyError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.', [{ field: 'content-type', message: 'must be application/json' }]),
};

/**
 * One error shape for every failure: `{error: {code, message, details}}`. Validation failures
 * name each field; unexpected errors are logged with their stack and answered without it.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let error: TallyError;
    if (err instanceof TallyError) {
      error = err;
    } else if (hasZodFastifySchemaValidationErrors(err)) {
      const where = err.validationContext ?? 'body';
      const details: ErrorDetail[] = err.validation.flatMap((v) => {
        const path = [where, ...v.instancePath.split('/').filter(Boolean)].join('.');
        const keys = (v.params as { keys?: unknown } | undefined)?.keys;
        if (v.keyword === 'unrecognized_keys' && Array.isArray(keys)) {
          return keys.map((key) => ({ field: `${path}.${String(key)}`, message: 'is not a known field' }));
        }
        return [{ field: path, message: v.message ?? 'is invalid' }];
      });
      const first = details[0];
      error = new TallyError('BAD_REQUEST', first ? `${first.field}: ${first.message}` : 'The request is invalid.', details);
    } else if (err.code && Object.hasOwn(FASTIFY_CODES, err.code)) {
      error = FASTIFY_CODES[err.code]!();
    } else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      error = new TallyError('BAD_REQUEST', err.message);
    } else {
      request.log.error({ event: 'http.error', err }, 'unexpected error');
      error = new TallyError('INTERNAL', 'An unexpected error happened; it was logged.');
    }
    void reply.code(error.status).type('application/json').send(error.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const error = new TallyError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}.`);
    void reply.code(404).send(error.toBody());
  });
}

/**
 * Errors Fastify meets before any route is found (a path that is not valid URL encoding, a
 * parameter too long): answered in the one error shape too, with the headers every reply gets.
 */
export function frameworkErrorsWith(headers: Readonly<Record<string, string>>) {
  return (err: FastifyError, _request: FastifyRequest, reply: FastifyReply): void => {
    const error =
      err.code === 'FST_ERR_BAD_URL'
        ? new TallyError('BAD_REQUEST', 'The path is not valid URL encoding.', [{ field: 'url', message: 'is not valid URL encoding' }])
        : err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? new TallyError('BAD_REQUEST', 'A part of the path is too long.', [{ field: 'url', message: 'has a part that is too long' }])
          : new TallyError('INTERNAL', 'An unexpected error happened; it was logged.');
    void reply.code(error.status).headers(headers).type('application/json').send(error.toBody());
  };
}
