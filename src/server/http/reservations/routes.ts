import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TallyError } from '../../../common/errors.js';
import { text } from '../../../common/text.js';
import { HOSTID_TYPES } from '../../../licensing/hostid.js';
import { countSchema } from '../../../licensing/limits.js';
import type { ReservationGroup, ReservationStatus } from '../../../licensing/reservation.js';
import { isVersion } from '../../../licensing/version.js';
import { exportGroup } from '../../allocation-service.js';
import type { InstanceScope } from '../../context.js';
import { READ_ROLES } from '../../../http/access.js';
import type { Role } from '../../../auth/admin-security.js';
import { errorBodySchema } from '../../../http/errors.js';
import { pageOf, pageSchema, pagingQuery } from '../../../http/paging.js';

const WRITE_ROLES: readonly Role[] = ['admin', 'reservations'];
const required = (what: string) => ({ error: (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`) });

const entrySchema = z
  .object({
    featureName: z.string(required('text')).regex(/^[A-Za-z0-9_.\- ]{1,128}$/, 'must be 1-128 letters, digits, spaces, dots, dashes or underscores'),
    featureVersion: z.string(required('an a.b version such as 1.0')).refine(isVersion, 'must be an a.b version of two whole numbers, e.g. 1.0'),
    featureCount: countSchema.min(1, 'must be at least 1'),
  }, required('an object {featureName, featureVersion, featureCount}'))
  .strict();

const hostIdSchema = z
  .object(
    {
      value: text(required('text')).trim().min(1, 'must not be empty').max(256, 'must be at most 256 characters'),
      type: z.preprocess(
        (v) => (typeof v === 'string' ? v.toUpperCase() : v),
        z.enum(HOSTID_TYPES, { error: (issue) => (issue.input === undefined ? 'is required' : `must be one of ${HOSTID_TYPES.join(', ')}`) }),
      ),
    },
    required('an object {value, type}'),
  )
  .strict();

/** One reservation group in the import/export shape. */
export const groupInputSchema = z
  .object(
    {
      name: text(required('text')).trim().min(1, 'must not be empty').max(128, 'must be at most 128 characters'),
      reservations: z
        .array(
          z.object({ hostId: hostIdSchema, reservationEntries: z.array(entrySchema, required('a list of entries')).min(1, 'must list at least one entry').max(1000) }, required('an object {hostId, reservationEntries}')).strict(),
          required('a list of reservations'),
        )
        .min(1, 'must list at least one reservation')
        .max(10_000),
    },
    required('a reservation group {name, reservations}'),
  )
  .strict();

const groupOutSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string(),
  reservations: z.array(
    z.object({
      id: z.string(),
      hostId: z.object({ value: z.string(), type: z.string() }),
      status: z.enum(['satisfiable', 'unsatisfiable']).describe('whether the server holds enough counts for it now'),
      reason: z.string().nullable().describe('why it is unsatisfiable: what it needs and what is left; null when satisfiable'),
      reservationEntries: z.array(z.object({ id: z.string(), featureName: z.string(), featureVersion: z.string(), featureCount: z.number() })),
    }),
  ),
});

/** `GET …/reservations`: one row per reservation entry. */
export const reservationRowSchema = z.object({
  id: z.string().describe('the entry'),
  status: z.enum(['satisfiable', 'unsatisfiable']).describe("the reservation's, for each of its entries"),
  reason: z.string().nullable().describe('why the reservation is unsatisfiable, e.g. "needs 5 of cad ≥ 1.0; 3 left after other reservations"'),
  deviceId: z.string(),
  idType: z.string(),
  groupId: z.string(),
  group: z.string(),
  featureName: z.string(),
  featureVersion: z.string(),
  featureCount: z.number(),
});

export type ReservationRow = z.infer<typeof reservationRowSchema>;

export const reservationRowsSchema = pageSchema(reservationRowSchema);

const exportSchema = z.array(
  z.object({
    name: z.string(),
    reservations: z.array(
      z.object({
        hostId: z.object({ value: z.string(), type: z.string() }),
        reservationEntries: z.array(z.object({ featureName: z.string(), featureVersion: z.string(), featureCount: z.number() })),
      }),
    ),
  }),
);

const statusOf = (s: ReservationStatus | undefined) => ({ status: s?.satisfiable === false ? ('unsatisfiable' as const) : ('satisfiable' as const), reason: s?.reason ?? null });

/** Reservation groups: list, add (all or nothing), import and export JSON, delete. */
export const reservationRoutes: FastifyPluginAsyncZod<{ at: InstanceScope }> = async (app, { at }) => {
  const base = at.base;
  const present = (g: ReservationGroup, status: Map<string, ReservationStatus>) => ({
    id: g.id,
    name: g.name,
    createdAt: new Date(g.createdAt).toISOString(),
    reservations: g.reservations.map((r) => ({
      id: r.id,
      hostId: { value: r.hostId.value, type: r.hostId.type },
      ...statusOf(status.get(r.id)),
      reservationEntries: r.entries.map((e) => ({ id: e.id, featureName: e.feature, featureVersion: e.version, featureCount: e.count })),
    })),
  });

  app.get(
    `${base}/reservationgroups`,
    { config: { access: READ_ROLES }, schema: { tags: ['reservations'], summary: 'Reservation groups with their reservations, entries and status', querystring: pagingQuery, response: { 200: pageSchema(groupOutSchema) } } },
    async (request) => {
      const ctx = at.of(request);
      const status = ctx.allocation.status();
      return pageOf(ctx.allocation.groups(), request.query, (g) => present(g, status));
    },
  );

  app.get(
    `${base}/reservationgroups/export`,
    { config: { access: READ_ROLES }, schema: { tags: ['reservations'], summary: 'Every group as JSON that import takes back', response: { 200: exportSchema } } },
    async (request) => at.of(request).allocation.groups().map(exportGroup),
  );

  app.get(
    `${base}/reservationgroups/:groupId`,
    {
      config: { access: READ_ROLES },
      schema: { tags: ['reservations'], params: z.object({ groupId: z.string().min(1).max(64) }), response: { 200: groupOutSchema, 404: errorBodySchema } },
    },
    async (request) => {
      const ctx = at.of(request);
      const g = ctx.allocation.groups().find((x) => x.id === request.params.groupId);
      if (!g) throw new TallyError('NOT_FOUND', `No reservation group ${request.params.groupId}.`, [{ field: 'groupId', message: 'matches no group' }]);
      return present(g, ctx.allocation.status());
    },
  );

  app.post(
    `${base}/reservationgroups`,
    {
      config: { access: WRITE_ROLES },
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags: ['reservations'],
        summary: 'Add a reservation group; all or nothing: refused when the unreserved counts cannot cover all of it',
        body: groupInputSchema,
        response: { 201: groupOutSchema, 400: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request, reply) => {
      const ctx = at.of(request);
      const [group] = await ctx.allocation.addGroups([request.body], () => 'body');
      return reply.code(201).send(present(group!, ctx.allocation.status()));
    },
  );

  app.post(
    `${base}/reservationgroups/import`,
    {
      config: { access: WRITE_ROLES },
      bodyLimit: 8 * 1024 * 1024,
      schema: {
        tags: ['reservations'],
        summary: 'Import one group or a list of groups (the export shape); all or nothing',
        body: z.union([groupInputSchema, z.array(groupInputSchema).min(1, 'must list at least one group').max(1000)]),
        response: { 201: z.object({ groups: z.array(groupOutSchema) }), 400: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request, reply) => {
      const ctx = at.of(request);
      const many = Array.isArray(request.body);
      const inputs = Array.isArray(request.body) ? request.body : [request.body];
      const added = await ctx.allocation.addGroups(inputs, (i) => (many ? `body.${i}` : 'body'));
      const status = ctx.allocation.status();
      return reply.code(201).send({ groups: added.map((g) => present(g, status)) });
    },
  );

  app.post(
    `${base}/reservationgroups/delete`,
    {
      config: { access: WRITE_ROLES },
      schema: {
        tags: ['reservations'],
        summary: 'Delete several groups at once; all or nothing',
        body: z.object({ ids: z.array(z.string().min(1).max(64), required('a list of group IDs')).min(1, 'must list at least one group').max(10_000) }).strict(),
        response: { 204: z.null(), 400: errorBodySchema, 404: errorBodySchema },
      },
    },
    async (request, reply) => {
      const ctx = at.of(request);
      await ctx.allocation.deleteGroups([...new Set(request.body.ids)]);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    `${base}/reservationgroups/:groupId`,
    {
      config: { access: WRITE_ROLES },
      schema: { tags: ['reservations'], params: z.object({ groupId: z.string().min(1).max(64) }), response: { 204: z.null(), 404: errorBodySchema } },
    },
    async (request, reply) => {
      const ctx = at.of(request);
      await ctx.allocation.deleteGroups([request.params.groupId]);
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${base}/reservations`,
    {
      config: { access: READ_ROLES },
      schema: { tags: ['reservations'], summary: 'One row per reservation entry with its status, as the Reservations view lists them', querystring: pagingQuery, response: { 200: reservationRowsSchema } },
    },
    async (request) => {
      const ctx = at.of(request);
      const status = ctx.allocation.status();
      const entries = ctx.allocation.groups().flatMap((g) => g.reservations.flatMap((r) => r.entries.map((e) => ({ g, r, e }))));
      return pageOf(entries, request.query, ({ g, r, e }) => ({
        id: e.id,
        ...statusOf(status.get(r.id)),
        deviceId: r.hostId.value,
        idType: r.hostId.type,
        groupId: g.id,
        group: g.name,
        featureName: e.feature,
        featureVersion: e.version,
        featureCount: e.count,
      }));
    },
  );
};
