import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { TallyError } from '../common/errors.js';
import type { Logger } from '../common/log.js';

/** The License Server Manager's views a branding folder may relabel (the keys of `views` in data.json). */
export const BRANDING_VIEW_KEYS = [
  'features',
  'pools',
  'filters',
  'devices',
  'reservations',
  'properties',
  'users',
  'resetPassword',
  'onlineUpdates',
  'offlineUpdates',
  'clientKeys',
  'settings',
  'about',
] as const;

export type BrandingViewKey = (typeof BRANDING_VIEW_KEYS)[number];

const label = z.string().trim().min(1, 'must not be empty').max(60, 'must be at most 60 characters');

/** A branding folder's data.json: the product's name, and a label and a Material icon name per view. */
export const brandingDataSchema = z
  .object({
    productName: label.optional(),
    views: z
      .partialRecord(
        z.enum(BRANDING_VIEW_KEYS),
        z
          .object({
            label: label.optional(),
            icon: z.string().regex(/^[a-z0-9_]+$/, 'must be a Material icon name in lower case, such as perm_data_setting').optional(),
          })
          .strict(),
      )
      .default({}),
  })
  .strict();

export type BrandingData = z.infer<typeof brandingDataSchema>;

const brandingSchema = brandingDataSchema.extend({
  logo: z.string().nullable().describe("URL of the producer's logo, or null when the folder has none"),
});

/** What `GET /branding/data.json` answers: the folder's data.json as validated, and where its logo is. */
export type BrandingBody = z.infer<typeof brandingSchema>;

/** The logo's names a folder may use, in the order they are looked for, with their content types. */
const LOGOS = [
  ['logo.png', 'image/png'],
  ['logo.jpg', 'image/jpeg'],
  ['logo.jpeg', 'image/jpeg'],
] as const;

const DEFAULTS: BrandingData = { views: {} };

/**
 * A producer's branding folder, read again whenever data.json changes (no restart needed). A
 * data.json that cannot be used gives the defaults and one warning per version of the file.
 */
export class BrandingFolder {
  private data: BrandingData = DEFAULTS;
  /** mtime and size of the data.json last read: what tells a changed file. */
  private seen = '';

  constructor(
    readonly dir: string,
    private readonly log: Logger,
  ) {
    try {
      if (!statSync(dir).isDirectory()) throw new Error('it is not a folder');
    } catch (err) {
      log.warn({ event: 'branding.unreadable', dir, problem: (err as Error).message }, `branding folder ${dir} cannot be read: the defaults apply`);
    }
    this.current();
  }

  /** The data.json in force: the file's if it is valid, else the defaults. */
  current(): BrandingData {
    const file = join(this.dir, 'data.json');
    let version: string;
    try {
      const stat = statSync(file);
      version = `${stat.mtimeMs}:${stat.size}`;
    } catch {
      // A folder with only a logo: the labels stay the defaults.
      this.seen = '';
      this.data = DEFAULTS;
      return this.data;
    }
    if (version === this.seen) return this.data;
    this.seen = version;
    this.data = this.read(file);
    return this.data;
  }

  /** The logo file and its content type, if the folder has one. */
  logo(): { file: string; type: string; version: number } | null {
    for (const [name, type] of LOGOS) {
      const file = join(this.dir, name);
      try {
        const stat = statSync(file);
        if (stat.isFile()) return { file, type, version: Math.round(stat.mtimeMs) };
      } catch {
        // Not this name: try the next.
      }
    }
    return null;
  }

  private read(file: string): BrandingData {
    const warn = (field: string, problem: string) => {
      this.log.warn({ event: 'branding.invalid', file, field, problem }, `${file}: ${field} ${problem}; the default labels and icons apply`);
      return DEFAULTS;
    };
    let value: unknown;
    try {
      value = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      return warn('(the file)', `is not valid JSON: ${(err as Error).message}`);
    }
    const parsed = brandingDataSchema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length ? issue.path.join('.') : '(the file)';
    if (issue.code !== 'unrecognized_keys') return warn(field, issue.message);
    const what = field === 'views' ? `not a view (the views are ${BRANDING_VIEW_KEYS.join(', ')})` : 'not a field of it';
    return warn(field, `has ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}: ${what}`);
  }
}

/**
 * The producer's branding, public like the page it dresses: `/branding/data.json` (the
 * validated data.json, defaults when there is none or it is bad) and `/branding/logo`.
 */
export const brandingRoutes: FastifyPluginAsyncZod<{ folder: BrandingFolder | null }> = async (app, { folder }) => {
  const config = { access: 'public' as const };
  app.get('/branding/data.json', { config, schema: { tags: ['branding'], summary: "The License Server Manager's product name, navigation labels and icons", response: { 200: brandingSchema } } }, async (_request, reply) => {
    const logo = folder?.logo();
    void reply.header('cache-control', 'no-cache');
    return { ...(folder?.current() ?? DEFAULTS), logo: logo ? `/branding/logo?v=${logo.version}` : null };
  });
  app.get('/branding/logo', { config, schema: { tags: ['branding'], summary: "The producer's logo (PNG or JPEG)", response: { 200: z.any().describe('the image') } } }, async (_request, reply) => {
    const logo = folder?.logo();
    if (!logo) throw new TallyError('NOT_FOUND', 'This server has no logo.');
    let image: Buffer;
    try {
      image = readFileSync(logo.file);
    } catch {
      throw new TallyError('NOT_FOUND', 'This server has no logo.');
    }
    return reply.type(logo.type).header('cache-control', 'no-cache').send(image);
  });
};
