import type { ReportFilters } from '../filters.js';

/** A WHERE clause and its parameters ($1, $2, ...) for the report filters on `usage_events e`. */
export function filterSql(f: ReportFilters, options: { denialsOnly?: boolean } = {}): { where: string; params: unknown[] } {
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const inList = (column: string, values: readonly unknown[]) => `${column} IN (${values.map(p).join(', ')})`;
  const clauses = [`e.ts >= make_timestamptz(${p(f.from * 1000)}::BIGINT)`, `e.ts < make_timestamptz(${p(f.to * 1000)}::BIGINT)`];
  if (f.accounts.length > 0) clauses.push(inList('e.account_id', f.accounts));
  if (f.instances.length > 0) clauses.push(inList('e.instance_id', f.instances));
  if (f.features.length > 0) clauses.push(inList('e.feature', f.features));
  if (f.model) clauses.push(`e.model = ${p(f.model)}`);
  if (options.denialsOnly) clauses.push(`e.kind = 'deny'`);
  else if (f.kinds.length > 0) clauses.push(inList('e.kind', f.kinds));
  if (f.codes.length > 0) clauses.push(`(e.kind <> 'deny' OR ${inList('e.status_code', f.codes)})`);
  if (f.search) {
    // The search is literal text: _, % and the escape character itself match only themselves.
    const needle = p(`%${f.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const like = (column: string) => `${column} LIKE ${needle} ESCAPE '\\'`;
    clauses.push(`(${like('lower(e.device_id)')} OR ${like(`lower(coalesce(e.device_alias, ''))`)} OR ${like(`lower(coalesce(e.user_name, ''))`)})`);
  }
  if (f.trueDenials) {
    // Not a true denial: the same device or user got the same feature within the tolerance
    // before or after it (served-gap.ts keeps that distance on each denial).
    clauses.push(`(e.kind <> 'deny' OR e.served_gap_us IS NULL OR e.served_gap_us > ${p(f.toleranceSeconds * 1_000_000)}::BIGINT)`);
  }
  return { where: clauses.join('\n  AND '), params };
}
