import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TallyError, detailsFromIssues } from '../../common/errors.js';
import { READ_ROLES } from '../../http/access.js';
import { errorBodySchema } from '../../http/errors.js';
import { pageSchema, pagingQuery } from '../../http/paging.js';
import { entitlementInputSchema, productInputSchema } from '../../licensing/entitlement.js';
import type { BackofficeContext } from '../context.js';
import type { Catalog } from '../licensing/catalog.js';
import { activationIdViewSchema, entitlementViewSchema, lineItemChangeSchema, lineItemViewSchema, productViewSchema, serverCountSchema } from '../licensing/catalog.js';

const BASE = '/api/1.0/backoffice';

const searchQuery = pagingQuery.extend({ q: z.string().max(256).optional().describe('a part of an ID or name to look for') });
const pathId = z.string().min(1).max(64);
const refusals = { 400: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema };

/**
 * The producer's catalog: products, entitlements of accounts, and where each activation ID's
 * counts went. Reading is for every role; changes are the admin's.
 */
export const catalogRoutes: FastifyPluginAsyncZod<{ ctx: BackofficeContext & { catalog: Catalog } }> = async (app, { ctx }) => {
  const { catalog } = ctx;

  app.get(
    `${BASE}/products`,
    { config: { access: READ_ROLES }, schema: { tags: ['licensing'], summary: 'Products whose ID, name or a feature name contains q; by ID', querystring: searchQuery, response: { 200: pageSchema(productViewSchema), 400: errorBodySchema } } },
    async (request) => {
      const { page, pageSize, q } = request.query;
      return { page, pageSize, ...catalog.products((page - 1) * pageSize, pageSize, q || undefined) };
    },
  );

  app.post(
    `${BASE}/products`,
    { config: { access: ['admin'] }, schema: { tags: ['licensing'], summary: 'Define a product: its features, counts per unit activated, and term', body: productInputSchema, response: { 201: productViewSchema, ...refusals } } },
    async (request, reply) => reply.code(201).send(catalog.addProduct(request.body)),
  );

  app.get(
    `${BASE}/products/:productId`,
    { config: { access: READ_ROLES }, schema: { tags: ['licensing'], summary: 'One product and its features', params: z.object({ productId: pathId }), response: { 200: productViewSchema, 404: errorBodySchema } } },
    async (request) => catalog.productView(request.params.productId),
  );

  app.put(
    `${BASE}/products/:productId`,
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['licensing'],
        summary: "Replace a product's definition; servers holding it get the new features at their next exchange",
        description: 'The body is a product as for POST; its `id` may be left out and, when given, must be the one of the path.',
        params: z.object({ productId: pathId }),
        body: z.record(z.string(), z.unknown()).describe('a product as for POST /api/1.0/backoffice/products'),
        response: { 200: productViewSchema, ...refusals },
      },
    },
    async (request) => {
      const { productId } = request.params;
      const body = request.body;
      if (body.id !== undefined && body.id !== productId) {
        throw new TallyError('BAD_REQUEST', `body.id: must be ${productId}, the product of the path; a product's ID does not change.`, [{ field: 'body.id', message: 'must be the product ID of the path' }]);
      }
      // Checked here so that fields are named as in the body, like every other route's.
      const checked = productInputSchema.safeParse({ ...body, id: productId });
      if (!checked.success) {
        const details = detailsFromIssues(checked.error.issues, 'body');
        throw new TallyError('BAD_REQUEST', `${details[0]!.field}: ${details[0]!.message}`, details);
      }
      return catalog.replaceProduct(productId, body);
    },
  );

  app.get(
    `${BASE}/entitlements`,
    {
      config: { access: READ_ROLES },
      schema: {
        tags: ['licensing'],
        summary: "Entitlements of an account, or whose ID, name, account, activation IDs or products contain q; newest first",
        querystring: searchQuery.extend({ accountId: z.string().max(64).optional() }),
        response: { 200: pageSchema(entitlementViewSchema), 400: errorBodySchema },
      },
    },
    async (request) => {
      const { page, pageSize, q, accountId } = request.query;
      return { page, pageSize, ...catalog.entitlements((page - 1) * pageSize, pageSize, { accountId: accountId || undefined, q: q || undefined }) };
    },
  );

  app.post(
    `${BASE}/entitlements`,
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['licensing'],
        summary: 'Entitle an account to products: one line item, with its activation ID (made when not given), per product and quantity',
        body: entitlementInputSchema,
        response: { 201: entitlementViewSchema, ...refusals },
      },
    },
    async (request, reply) => reply.code(201).send(catalog.addEntitlement(request.body)),
  );

  app.get(
    `${BASE}/entitlements/:entitlementId`,
    { config: { access: READ_ROLES }, schema: { tags: ['licensing'], summary: 'One entitlement and its line items', params: z.object({ entitlementId: pathId }), response: { 200: entitlementViewSchema, 404: errorBodySchema } } },
    async (request) => catalog.entitlement(request.params.entitlementId),
  );

  app.get(
    `${BASE}/activation-ids/:activationId`,
    {
      config: { access: READ_ROLES },
      schema: { tags: ['licensing'], summary: 'An activation ID: its quantity, the counts activated and left, the servers holding them, and how they moved', params: z.object({ activationId: pathId }), response: { 200: activationIdViewSchema, 404: errorBodySchema } },
    },
    async (request) => catalog.activationId(request.params.activationId),
  );

  app.patch(
    `${BASE}/activation-ids/:activationId`,
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['licensing'],
        summary: 'Add or remove counts of an activation ID (never below those activated) or renew it with a new expiry',
        params: z.object({ activationId: pathId }),
        body: lineItemChangeSchema,
        response: { 200: lineItemViewSchema, ...refusals },
      },
    },
    async (request) => catalog.changeLineItem(request.params.activationId, request.body),
  );

  app.put(
    `${BASE}/activation-ids/:activationId/servers/:instanceId`,
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['licensing'],
        summary: 'Set the counts of an activation ID on one license server (0 takes them all back); the server learns it at its next exchange',
        params: z.object({ activationId: pathId, instanceId: pathId }),
        body: serverCountSchema,
        response: { 200: activationIdViewSchema, ...refusals },
      },
    },
    async (request) => catalog.setServerCount(request.params.activationId, request.params.instanceId, request.body),
  );
};
