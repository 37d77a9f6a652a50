import { z } from 'zod';
import type { Principal } from '../../auth/admin-security.js';
import { TallyError } from '../../common/errors.js';
import { newId } from '../../common/ids.js';
import type { DB } from '../../common/sqlite.js';
import { text } from '../../common/text.js';
import type { Clock } from '../../common/time.js';

/** The report's pages a view opens, by their path under the report (`overview` is its root). */
export const viewPageSchema = z.string().regex(/^[a-z][a-z-]{0,39}$/, 'must be a report page, e.g. overview, denials or events');
const viewNameSchema = text().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const viewQuerySchema = z
  .string()
  .max(4000, 'must be at most 4000 characters')
  .transform((q) => q.replace(/^\?/, ''))
  .describe("the page's URL query: filters, grouping, columns, sort, e.g. accounts=acme&range=7d");

/** A saved view as the API answers it. */
export const viewSchema = z.object({
  id: z.string(),
  name: z.string(),
  page: z.string(),
  query: z.string(),
  shared: z.boolean().describe('listed for every user (an account-viewer: when it narrows to its account)'),
  owner: z.string().describe('the user who saved it'),
  mine: z.boolean().describe('saved by the caller, who alone may rename or delete it'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ReportView = z.infer<typeof viewSchema>;

export const newViewSchema = z.object({ name: viewNameSchema, page: viewPageSchema, query: viewQuerySchema, shared: z.boolean().default(false) }).strict();
export const viewChangeSchema = z
  .object({ name: viewNameSchema.optional(), shared: z.boolean().optional() })
  .strict()
  .refine((c) => c.name !== undefined || c.shared !== undefined, { message: 'must change name or shared' });
export type NewView = z.output<typeof newViewSchema>;
export type ViewChange = z.output<typeof viewChangeSchema>;

interface ViewRow {
  id: string;
  owner_id: string;
  owner: string;
  name: string;
  page: string;
  query: string;
  shared: number;
  account_id: string | null;
  created_at: number;
  updated_at: number;
}

/** The one account a query narrows to, if it names exactly one. */
function accountOf(query: string): string | null {
  const accounts = (new URLSearchParams(query).get('accounts') ?? '').split(',').map((a) => a.trim()).filter(Boolean);
  return accounts.length === 1 ? accounts[0]! : null;
}

/**
 * Saved views of the usage report. A view is its owner's; shared, every user lists and opens
 * it, an account-viewer only those that narrow to its account. Another user's view that the
 * caller may not see is "not found", never "forbidden", so its existence is not told.
 */
export class ViewStore {
  constructor(
    private readonly db: DB,
    private readonly clock: Clock,
  ) {}

  list(caller: Principal): ReportView[] {
    const rows = this.db
      .prepare(`SELECT v.*, u.name AS owner FROM report_views v JOIN users u ON u.id = v.owner_id
                WHERE v.owner_id = ? OR (v.shared = 1 AND (? IS NULL OR v.account_id = ?))
                ORDER BY v.name COLLATE NOCASE, v.created_at`)
      .all(caller.userId, caller.accountId, caller.accountId) as ViewRow[];
    return rows.map((r) => this.view(r, caller));
  }

  get(id: string, caller: Principal): ReportView {
    return this.view(this.visible(id, caller), caller);
  }

  create(view: NewView, caller: Principal): ReportView {
    const query = this.scoped(view.query, caller);
    this.checkName(view.name, caller.userId, null);
    const id = newId();
    const now = this.clock.now();
    this.db
      .prepare('INSERT INTO report_views (id, owner_id, name, page, query, shared, account_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(id, caller.userId, view.name, view.page, query, view.shared ? 1 : 0, accountOf(query), now, now);
    return this.get(id, caller);
  }

  change(id: string, change: ViewChange, caller: Principal): ReportView {
    const row = this.owned(id, caller);
    if (change.name !== undefined) this.checkName(change.name, caller.userId, row.id);
    this.db
      .prepare('UPDATE report_views SET name = ?, shared = ?, updated_at = ? WHERE id = ?')
      .run(change.name ?? row.name, change.shared === undefined ? row.shared : change.shared ? 1 : 0, this.clock.now(), row.id);
    return this.get(id, caller);
  }

  delete(id: string, caller: Principal): void {
    this.db.prepare('DELETE FROM report_views WHERE id = ?').run(this.owned(id, caller).id);
  }

  /** An account-viewer's view narrows to its account, whatever the query it sent says. */
  private scoped(query: string, caller: Principal): string {
    if (caller.accountId === null) return query;
    const params = new URLSearchParams(query);
    const others = (params.get('accounts') ?? '').split(',').map((a) => a.trim()).filter((a) => a && a !== caller.accountId);
    if (others.length > 0) {
      throw new TallyError('FORBIDDEN', `This user sees only the data of account ${caller.accountId}, not of ${others.join(', ')}.`, [{ field: 'query', message: `must name only account ${caller.accountId}` }]);
    }
    params.set('accounts', caller.accountId);
    return params.toString();
  }

  private checkName(name: string, ownerId: string, except: string | null): void {
    const taken = this.db.prepare('SELECT id FROM report_views WHERE owner_id = ? AND name = ? COLLATE NOCASE AND id IS NOT ?').get(ownerId, name, except);
    if (taken) throw new TallyError('CONFLICT', `You already have a view named ${name}.`, [{ field: 'name', message: 'is taken by another of your views' }]);
  }

  private visible(id: string, caller: Principal): ViewRow {
    const row = this.db.prepare('SELECT v.*, u.name AS owner FROM report_views v JOIN users u ON u.id = v.owner_id WHERE v.id = ?').get(id) as ViewRow | undefined;
    const sees = row && (row.owner_id === caller.userId || (row.shared === 1 && (caller.accountId === null || row.account_id === caller.accountId)));
    if (!row || !sees) throw new TallyError('NOT_FOUND', `There is no view ${id} you may open.`, [{ field: 'id', message: 'matches no view of yours or shared with you' }]);
    return row;
  }

  /** Only the owner renames or deletes a view; others who can see it are told so. */
  private owned(id: string, caller: Principal): ViewRow {
    const row = this.visible(id, caller);
    if (row.owner_id !== caller.userId) throw new TallyError('FORBIDDEN', `Only ${row.owner}, who saved the view ${row.name}, may change or delete it.`, [{ field: 'id', message: 'is not your view' }]);
    return row;
  }

  private view(r: ViewRow, caller: Principal): ReportView {
    return {
      id: r.id,
      name: r.name,
      page: r.page,
      query: r.query,
      shared: r.shared === 1,
      owner: r.owner,
      mine: r.owner_id === caller.userId,
      createdAt: new Date(r.created_at).toISOString(),
      updatedAt: new Date(r.updated_at).toISOString(),
    };
  }
}
