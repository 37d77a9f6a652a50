import { z } from 'zod';

/** `?page=&pageSize=` of every list endpoint: pages count from 1; at most 1000 rows a page. */
export const pagingQuery = z.object({
  page: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more').default(1),
  pageSize: z.coerce.number().int('must be a whole number').min(1, 'must be 1 or more').max(1000, 'must be at most 1000').default(50),
});

export type Paging = z.output<typeof pagingQuery>;

/** The shape of every page: the rows, where they are, and how many there are in all. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ total: z.number(), page: z.number(), pageSize: z.number(), items: z.array(item) });
}

export type Page<T> = { total: number; page: number; pageSize: number; items: T[] };

export function paginate<T>(rows: readonly T[], { page, pageSize }: Paging): Page<T> {
  return { total: rows.length, page, pageSize, items: rows.slice((page - 1) * pageSize, page * pageSize) };
}

/** A page of `rows`, with only the page's rows turned into what the listing shows. */
export function pageOf<T, R>(rows: readonly T[], { page, pageSize }: Paging, present: (row: T) => R): Page<R> {
  return { total: rows.length, page, pageSize, items: rows.slice((page - 1) * pageSize, page * pageSize).map(present) };
}
