import { z } from 'zod';
import { TallyError } from '../common/errors.js';
import type { Logger } from '../common/log.js';
import type { Clock } from '../common/time.js';
import type { CheckoutFilter } from '../licensing/checkout-filter/ast.js';
import { parseFilter } from '../licensing/checkout-filter/parser.js';
import type { LicenseState } from '../licensing/license-state.js';
import type { LicenseService } from './license-service.js';
import type { LicenseStore, StoredFilter } from './store/license-store.js';
import { deleteFilterOps, putFilterOps } from './store/license-store.js';

/** What activating or checking a filter reports: its time zone, rules in order and default. */
export const filterSummarySchema = z.object({
  name: z.string(),
  timeZone: z.string().describe('IANA zone of days(…) and hours(…)'),
  rules: z.array(
    z.object({
      line: z.number(),
      action: z.enum(['allow', 'deny']),
      text: z.string().describe('the rule as written, on one line'),
      reason: z.string().nullable().describe('the text after "because", shown with each refusal'),
    }),
  ),
  defaultAction: z.enum(['allow', 'deny']).describe('what happens to a request no rule matches'),
});

export type FilterSummary = z.infer<typeof filterSummarySchema>;

function summarize(f: CheckoutFilter): FilterSummary {
  return {
    name: f.name,
    timeZone: f.timeZone,
    rules: f.rules.map((r) => ({ line: r.line, action: r.action, text: r.text, reason: r.reason })),
    defaultAction: f.defaultAction,
  };
}

/** Puts the stored checkout filter back into a freshly built state (start-up, failed commit). */
export function restoreFilter(state: LicenseState, store: LicenseStore, log: Logger): void {
  const stored = store.readFilter();
  if (!stored) return;
  try {
    state.filter = parseFilter(stored.text);
  } catch (error) {
    // Failing closed would stop every checkout over a language change; the filter was valid when activated.
    log.error({ event: 'filter.unreadable', err: (error as Error).message }, 'the stored checkout filter cannot be read; checkouts are not filtered');
  }
}

/**
 * The administrator's checkout filter on the license server: checking, activating, reading
 * and deleting it. A change takes effect in memory at once, between two decisions, so every
 * request is decided by the old filter or the new one, and is written behind the changes
 * already decided.
 */
export class CheckoutFilterService {
  constructor(
    private readonly service: LicenseService,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** The active filter as uploaded, with what it reads as. */
  active(): StoredFilter & { summary: FilterSummary } {
    const stored = this.service.store.readFilter();
    const parsed = this.service.licenseState.filter;
    if (!stored || !parsed) throw new TallyError('NOT_FOUND', 'No checkout filter is active.');
    return { ...stored, summary: summarize(parsed) };
  }

  /** Parses a filter without activating it; a problem is a FilterError with line and column. */
  check(text: string): FilterSummary {
    return summarize(parseFilter(text));
  }

  async activate(text: string, by: string): Promise<{ filter: FilterSummary; replaced: boolean }> {
    const filter = parseFilter(text);
    const state = this.service.licenseState;
    const replaced = state.filter !== null;
    state.filter = filter;
    await this.service.submitAdmin(putFilterOps({ name: filter.name, text, activatedAt: this.clock.now(), activatedBy: by }));
    this.log.info({ event: 'filter.activated', name: filter.name, rules: filter.rules.length, by }, 'checkout filter activated');
    return { filter: summarize(filter), replaced };
  }

  async delete(by: string): Promise<void> {
    const state = this.service.licenseState;
    if (state.filter === null && !this.service.store.readFilter()) throw new TallyError('NOT_FOUND', 'No checkout filter is active.');
    state.filter = null;
    await this.service.submitAdmin(deleteFilterOps());
    this.log.info({ event: 'filter.deleted', by }, 'checkout filter deleted');
  }
}
