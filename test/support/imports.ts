import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { UsageEvent } from '../../src/licensing/usage-event.js';
import { parseCapacities } from '../../src/importers/imported-event.js';
import type { ImportFormat, ImportOptions } from '../../src/importers/import-run.js';
import { runImport } from '../../src/importers/import-run.js';
import type { ImportSummary } from '../../src/importers/import-summary.js';

/** The real logs from public repositories, kept outside the repository (see their SOURCES.md). */
export const SHARED_LOGS = process.env.TALLY_SHARED_LOGS ?? join(process.cwd(), '..', 'shared', 'data', 'logs');
export const HAVE_SHARED_LOGS = existsSync(join(SHARED_LOGS, 'SOURCES.md'));
export const NO_SHARED_LOGS_REASON = `the real logs are not at ${SHARED_LOGS} (set TALLY_SHARED_LOGS): tests on them are skipped`;

/** Imports text (or bytes) in memory and answers the events in order with the summary. */
export async function importText(
  format: ImportFormat,
  input: string | Buffer | Array<string | Buffer>,
  options: Partial<Omit<ImportOptions, 'format' | 'store' | 'capacities'>> & { capacity?: string[] } = {},
): Promise<{ events: UsageEvent[]; summary: ImportSummary }> {
  const inputs = (Array.isArray(input) ? input : [input]).map((text, i) => ({
    name: `input${i + 1}`,
    chunks: (async function* () {
      yield Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8');
    })(),
  }));
  const events: UsageEvent[] = [];
  const summary = await runImport(inputs, {
    format,
    instanceId: options.instanceId ?? 'inst-1',
    accountId: options.accountId ?? 'acct-1',
    timeZone: options.timeZone ?? 'UTC',
    capacities: parseCapacities(options.capacity ?? []),
    includeUnsupported: options.includeUnsupported ?? false,
    fallbackDay: options.fallbackDay ?? null,
    store: async (batch) => {
      events.push(...batch);
      return { accepted: batch.length, duplicates: 0 };
    },
  });
  return { events, summary };
}

/** A compact view of events for assertions: `kind feature user@host count inUse ts`. */
export function brief(e: UsageEvent): string {
  return `${e.ts.slice(0, 19)} ${e.kind} ${e.feature} ${e.user ?? '-'}@${e.deviceAlias ?? '-'} x${e.count} in-use ${e.inUseAfter}${e.statusCode === null ? '' : ` code ${e.statusCode}`}`;
}
