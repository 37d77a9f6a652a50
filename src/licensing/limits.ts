import { z } from 'zod';

/**
 * The limits on counts, in one place: what a license may grant, what a device may ask for and
 * what a usage event may report are the same numbers, so a server never grants what it cannot
 * report and the back office never refuses what a server wrote.
 */

/**
 * The largest count Tally records anywhere: a feature record's count or overdraft, a feature's
 * capacity, and every number of a usage event (count, inUseAfter, capacity, overdraft). The
 * warehouse stores these as 32-bit integers; this leaves room below 2^31.
 */
export const MAX_COUNT = 1_000_000_000;

/** Largest count one desired feature of a capability request may ask for (or give back). */
export const MAX_REQUEST_COUNT = 1_000_000;

/** Most desired features one capability request may carry. */
export const MAX_DESIRED_FEATURES = 256;

const wholeNumber = (issue: { input: unknown }) => (issue.input === undefined ? 'is required' : 'must be a whole number');

/** A count Tally can record: 0 to MAX_COUNT. */
export const countSchema = z
  .number({ error: wholeNumber })
  .int('must be a whole number')
  .min(0, 'must not be negative')
  .max(MAX_COUNT, `must be at most ${MAX_COUNT}`);

/** The count of one desired feature: negative gives back (incremental requests only). */
export const requestCountSchema = z
  .number({ error: wholeNumber })
  .int('must be a whole number')
  .min(-MAX_REQUEST_COUNT, `must be at least -${MAX_REQUEST_COUNT}`)
  .max(MAX_REQUEST_COUNT, `must be at most ${MAX_REQUEST_COUNT}`);

/** How many more counts a feature can have in use before its reported in-use count would pass MAX_COUNT. */
export function countRoom(inUse: number): number {
  return Math.max(0, MAX_COUNT - inUse);
}

/**
 * The first feature whose records would together serve more than MAX_COUNT (regular counts
 * plus overdraft), or null. Uncounted records serve without limit and are bounded per grant.
 */
export function featureOverCountLimit(records: ReadonlyArray<{ name: string; count: number; overdraft: number; counted: boolean }>): { name: string; total: number } | null {
  const totals = new Map<string, number>();
  for (const r of records) {
    if (!r.counted) continue;
    const total = (totals.get(r.name) ?? 0) + r.count + r.overdraft;
    if (total > MAX_COUNT) return { name: r.name, total };
    totals.set(r.name, total);
  }
  return null;
}

/** Longest checkout filter text accepted: a filter is a page of rules, not a data set. */
export const MAX_FILTER_LENGTH = 256 * 1024;

/** Most rules one checkout filter may hold; every request for a feature may walk all of them. */
export const MAX_FILTER_RULES = 1000;
