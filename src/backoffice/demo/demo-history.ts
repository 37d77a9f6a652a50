import TinyQueue from 'tinyqueue';
import type { EpochMs } from '../../common/time.js';
import { DENIAL } from '../../licensing/denials.js';
import type { DenialCode } from '../../licensing/denials.js';
import type { UsageEvent } from '../../licensing/usage-event.js';
import type { DemoSite, SiteFeature } from './demo-sites.js';

/** Days of history before the quick start's first run. */
export const HISTORY_DAYS = 90;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** How long a lease lasts when a device stops renewing without giving it back. */
const LEASE = 30 * MINUTE;

/** Small, fast and seedable: the same seed gives the same history on every machine. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A number from a string, to seed each site's randomness on its own. */
function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Something that happens at a time: a request for a feature, or a lease that ends. */
type Step =
  | { at: number; order: number; type: 'request'; device: number; feature: SiteFeature; count: number; until: number; tries: number }
  | { at: number; order: number; type: 'release'; device: number; feature: SiteFeature; count: number; lapsed: boolean };

/**
 * The events one demo site's license server would have written over the days before `endsAt`:
 * people arrive in the morning of their time zone, work in sessions with a feature each, give
 * it back (or let the lease lapse), go home; weekends are quiet. Requests the license cannot
 * serve are denied with the code the server would give (7 when the counts are taken, and the
 * person tries again a little later; 11 after expiry; 10 before the start; a filter's or a
 * rule's refusal) and metered use is consumed against the cap. Event IDs depend only on the
 * site and `endsAt`, so the same history ingested twice is stored once. Every lease has ended
 * by `endsAt`: the live server starts with nothing in use.
 */
export function siteHistory(site: DemoSite, endsAt: EpochMs, days = HISTORY_DAYS): UsageEvent[] {
  const random = mulberry32(seedOf(`${site.key}:${endsAt}`));
  const events: UsageEvent[] = [];
  const steps = new TinyQueue<Step>([], (a, b) => a.at - b.at || a.order - b.order);
  let order = 0;
  const inUse = new Map<string, number>();
  const consumed = new Map<string, number>();
  const startsAt = endsAt - days * DAY;
  const totalWeight = site.features.reduce((n, f) => n + f.weight, 0);

  const pick = (at: number): SiteFeature => {
    for (;;) {
      let roll = random() * totalWeight;
      const feature = site.features.find((f) => (roll -= f.weight) <= 0) ?? site.features[0]!;
      // People stop asking for a feature that has expired, over a week or two.
      if (feature.expiresAt === undefined || at < feature.expiresAt || random() < Math.exp(-(at - feature.expiresAt) / (10 * DAY))) return feature;
    }
  };
  const emit = (at: number, kind: UsageEvent['kind'], device: number, feature: SiteFeature, count: number, statusCode: DenialCode | null) => {
    const after = feature.model === 'metered' ? (consumed.get(feature.name) ?? 0) : (inUse.get(feature.name) ?? 0);
    events.push({
      eventId: `history-${site.key}-${endsAt.toString(36)}-${events.length.toString(36)}`,
      ts: new Date(Math.round(at)).toISOString(),
      instanceId: site.instanceId,
      accountId: site.accountId,
      kind,
      feature: feature.name,
      version: feature.version,
      count,
      model: feature.model,
      deviceId: `${site.key}-ws-${String(device).padStart(3, '0')}`,
      deviceIdType: 'STRING',
      deviceAlias: `ws-${device}.${site.domain}`,
      user: site.users[device % site.users.length]!,
      pool: null,
      statusCode,
      inUseAfter: after,
      capacity: feature.capacity,
      overdraft: kind === 'checkout' && feature.capacity !== null ? Math.min(count, Math.max(0, after - feature.capacity)) : 0,
      recordId: null,
      correlationId: null,
      source: 'server',
    });
  };

  // A day of work for each person, planned from local midnight.
  for (let day = 0; day < days; day += 1) {
    const localMidnight = startsAt - (startsAt % DAY) + day * DAY - site.utcOffset * HOUR;
    const weekday = new Date(localMidnight + site.utcOffset * HOUR).getUTCDay();
    const weekend = weekday === 0 || weekday === 6;
    for (let device = 0; device < site.people; device += 1) {
      if (random() > (weekend ? 0.06 : site.attendance)) continue;
      let at = localMidnight + (weekend ? 10 : 8) * HOUR + random() * 2 * HOUR;
      const leave = at + (weekend ? 2 + random() * 2 : 8 + random() * 1.5) * HOUR;
      const sessions = Math.max(1, Math.round(site.sessionsPerDay * (0.6 + random() * 0.8)));
      for (let s = 0; s < sessions && at < leave; s += 1) {
        const feature = pick(at);
        const length = site.sessionMinutes * MINUTE * (0.4 + random() * 1.2);
        const count = feature.model === 'metered' ? Math.max(1, Math.round(feature.count * (0.5 + random()))) : random() < 0.1 ? 2 : feature.count;
        const until = Math.min(leave, at + length);
        steps.push({ at, order: order++, type: 'request', device, feature, count, until, tries: 0 });
        at = until + (5 + random() * 40) * MINUTE;
      }
    }
  }

  while (steps.length > 0) {
    const step = steps.pop()!;
    if (step.at >= endsAt) continue;
    const { feature, device, count } = step;
    if (step.type === 'release') {
      inUse.set(feature.name, (inUse.get(feature.name) ?? 0) - count);
      emit(step.at, step.lapsed ? 'expire' : 'return', device, feature, count, null);
      continue;
    }
    const refusal = feature.refusedDevices && device % feature.refusedDevices.every === 0 ? feature.refusedDevices.code : null;
    const denial: DenialCode | null =
      feature.startsAt !== undefined && step.at < feature.startsAt ? 10
      : feature.expiresAt !== undefined && step.at >= feature.expiresAt ? 11
      : refusal;
    if (denial !== null) {
      emit(step.at, 'deny', device, feature, count, denial);
      continue;
    }
    if (feature.model === 'metered') {
      const total = (consumed.get(feature.name) ?? 0) + count;
      if (feature.capacity !== null && total > feature.capacity) {
        emit(step.at, 'deny', device, feature, count, DENIAL.WOULD_CAUSE_OVERAGE);
        continue;
      }
      consumed.set(feature.name, total);
      emit(step.at, 'consume', device, feature, count, null);
      continue;
    }
    const held = inUse.get(feature.name) ?? 0;
    if (feature.capacity !== null && held + count > feature.capacity + (feature.overdraft ?? 0)) {
      emit(step.at, 'deny', device, feature, count, DENIAL.INSUFFICIENT_COUNT);
      // Asks again a little later, while there is still work to do; after a few refusals gives up.
      const retry = step.at + (8 + random() * 20) * MINUTE;
      if (step.tries < 3 && retry < step.until) steps.push({ ...step, at: retry, order: order++, tries: step.tries + 1 });
      continue;
    }
    inUse.set(feature.name, held + count);
    emit(step.at, 'checkout', device, feature, count, null);
    const lapsed = random() < 0.12;
    // A lease that would still be held at the end is given back before it: the live server starts empty.
    const end = Math.max(step.at, Math.min(lapsed ? step.until + LEASE : step.until, endsAt - 1));
    steps.push({ at: end, order: order++, type: 'release', device, feature, count, lapsed });
  }
  return events;
}
