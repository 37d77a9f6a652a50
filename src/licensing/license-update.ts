import { z } from 'zod';
import type { Cutback } from './capability.js';
import type { FeatureRecord } from './feature-record.js';

/** What brought a change of licenses. */
export const LICENSE_UPDATE_SOURCES = ['license-file', 'license-removed', 'online-activation', 'capability-poll', 'offline-response'] as const;
export type LicenseUpdateSource = (typeof LICENSE_UPDATE_SOURCES)[number];

const recordLine = z.object({ recordId: z.string(), feature: z.string(), version: z.string(), count: z.number(), expiry: z.string() });

/** One change of a server's licenses: which records came, went or changed, and which leases it ended and why. */
export const licenseUpdateSchema = z.object({
  id: z.string(),
  at: z.string(),
  source: z.enum(LICENSE_UPDATE_SOURCES),
  summary: z.string(),
  added: z.array(recordLine),
  removed: z.array(recordLine),
  changed: z.array(recordLine.extend({ countBefore: z.number(), expiryBefore: z.string() })),
  endedLeases: z.array(
    z.object({
      deviceKey: z.string(),
      feature: z.string(),
      version: z.string(),
      count: z.number().describe('counts taken from the lease'),
      left: z.number().describe('counts the device still holds of it'),
      reason: z.enum(['record-removed', 'count-lowered']),
    }),
  ),
});
export type LicenseUpdate = z.infer<typeof licenseUpdateSchema>;

const line = (r: FeatureRecord) => ({ recordId: r.id, feature: r.name, version: r.version, count: r.count, expiry: r.expiry });

/** What changed between two sets of records of one license. */
export function diffRecords(before: readonly FeatureRecord[], after: readonly FeatureRecord[]): Pick<LicenseUpdate, 'added' | 'removed' | 'changed'> {
  const old = new Map(before.map((r) => [r.id, r]));
  const now = new Map(after.map((r) => [r.id, r]));
  return {
    added: after.filter((r) => !old.has(r.id)).map(line),
    removed: before.filter((r) => !now.has(r.id)).map(line),
    changed: after.flatMap((r) => {
      const o = old.get(r.id);
      return o && JSON.stringify(o) !== JSON.stringify(r) ? [{ ...line(r), countBefore: o.count, expiryBefore: o.expiry }] : [];
    }),
  };
}

/** Whether an update changed nothing at all. */
export function isNoChange(u: Pick<LicenseUpdate, 'added' | 'removed' | 'changed'> & { endedLeases?: unknown[] }): boolean {
  return u.added.length + u.removed.length + u.changed.length + (u.endedLeases?.length ?? 0) === 0;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** One line saying what an update did, for the history and the administrator's notice. */
export function summarize(diff: Pick<LicenseUpdate, 'added' | 'removed' | 'changed'>, cutbacks: readonly Cutback[]): string {
  const parts: string[] = [];
  if (diff.added.length > 0) parts.push(`${plural(diff.added.length, 'feature record')} added`);
  if (diff.changed.length > 0) parts.push(`${plural(diff.changed.length, 'record')} changed (${diff.changed.map((c) => `${c.feature} ${c.version}: ${c.countBefore} → ${c.count}${c.expiry !== c.expiryBefore ? `, expiry ${c.expiry}` : ''}`).join('; ')})`);
  if (diff.removed.length > 0) parts.push(`${plural(diff.removed.length, 'record')} removed`);
  if (cutbacks.length > 0) parts.push(`${plural(cutbacks.reduce((n, c) => n + c.count, 0), 'leased count')} ended on ${plural(new Set(cutbacks.map((c) => c.deviceKey)).size, 'device')}`);
  return parts.length > 0 ? `${parts.join('; ')}.` : 'No change.';
}
