import { describe, expect, it } from 'vitest';
import type { UsageEvent } from '../../licensing/usage-event.js';
import { usageEventSchema } from '../../licensing/usage-event.js';
import { HISTORY_DAYS, siteHistory } from './demo-history.js';
import type { DemoSite } from './demo-sites.js';
import { demoSites } from './demo-sites.js';

const endsAt = Date.parse('2026-03-18T14:37:00Z');
const sites = demoSites('live-server', endsAt);
const site = (id: string): DemoSite => sites.find((s) => s.instanceId === id)!;
const histories = new Map(sites.map((s) => [s.instanceId, siteHistory(s, endsAt)]));
const history = (id: string): UsageEvent[] => histories.get(id)!;
const localHour = (e: UsageEvent, s: DemoSite) => (new Date(e.ts).getUTCHours() + s.utcOffset + 24) % 24;
const localDay = (e: UsageEvent, s: DemoSite) => new Date(Date.parse(e.ts) + s.utcOffset * 3_600_000).getUTCDay();

describe('siteHistory', () => {
  it('makes the same valid events, with the same IDs, every time, all before the end and in time order', () => {
    const all = [...histories.values()].flat();
    expect(all.length).toBeGreaterThan(10_000);
    expect(all.length).toBeLessThan(300_000);
    expect(new Set(all.map((e) => e.eventId)).size).toBe(all.length);
    for (const s of sites) expect(siteHistory(s, endsAt)).toEqual(history(s.instanceId));
    for (const e of all.filter((_, i) => i % 50 === 0)) expect(usageEventSchema.safeParse(e).success).toBe(true);
    for (const events of histories.values()) {
      expect(events.every((e, i) => i === 0 || e.ts >= events[i - 1]!.ts)).toBe(true);
      expect(Date.parse(events.at(-1)!.ts)).toBeLessThan(endsAt);
      expect(Date.parse(events[0]!.ts)).toBeGreaterThanOrEqual(endsAt - HISTORY_DAYS * 86_400_000 - 86_400_000);
    }
  });

  it('follows the working day of each site’s time zone: busy office hours, quiet nights and weekends', () => {
    for (const id of ['northwind-hq', 'kestrel-osaka', 'live-server']) {
      const s = site(id);
      const checkouts = history(id).filter((e) => e.kind === 'checkout');
      const office = checkouts.filter((e) => localHour(e, s) >= 8 && localHour(e, s) < 19);
      const weekend = checkouts.filter((e) => localDay(e, s) === 0 || localDay(e, s) === 6);
      expect(office.length / checkouts.length).toBeGreaterThan(0.9);
      expect(weekend.length / checkouts.length).toBeLessThan(0.05);
    }
    // Tokyo's office hours are New York's night: the two sites' busiest UTC hours differ.
    const busiest = (id: string) => {
      const byHour = new Array<number>(24).fill(0);
      for (const e of history(id)) if (e.kind === 'checkout') byHour[new Date(e.ts).getUTCHours()]! += 1;
      return byHour.indexOf(Math.max(...byHour));
    };
    expect(Math.abs(busiest('northwind-hq') - busiest('kestrel-osaka'))).toBeGreaterThanOrEqual(6);
  });

  it('keeps Northwind near 80 % of its cad seats on a working day, and ends with every lease given back', () => {
    const s = site('northwind-hq');
    const peaks = new Map<string, number>();
    for (const e of history('northwind-hq')) {
      if (e.feature !== 'cad' || localDay(e, s) === 0 || localDay(e, s) === 6) continue;
      const day = e.ts.slice(0, 10);
      peaks.set(day, Math.max(peaks.get(day) ?? 0, e.inUseAfter));
    }
    const sorted = [...peaks.values()].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1]! / 20;
    expect(median).toBeGreaterThanOrEqual(0.65);
    expect(median).toBeLessThanOrEqual(0.9);
    for (const events of histories.values()) {
      const held = new Map<string, number>();
      for (const e of events) if (e.model === 'concurrent' && e.kind !== 'deny') held.set(e.feature, (held.get(e.feature) ?? 0) + (e.kind === 'checkout' ? e.count : -e.count));
      expect([...held.values()].every((n) => n === 0)).toBe(true);
    }
  });

  it('denies cad with 7 INSUFFICIENT_COUNT at the Demo Customer’s peak hours, some of them true denials', () => {
    const s = site('live-server');
    const events = history('live-server');
    const denied = events.filter((e) => e.kind === 'deny' && e.statusCode === 7);
    expect(denied.length).toBeGreaterThan(100);
    expect(denied.filter((e) => e.feature === 'cad').length / denied.length).toBeGreaterThan(0.6);
    expect(denied.filter((e) => localHour(e, s) >= 9 && localHour(e, s) < 18).length / denied.length).toBeGreaterThan(0.9);
    expect(denied.every((e) => e.inUseAfter + e.count > e.capacity!)).toBe(true);
    const servedNear = (d: UsageEvent) => events.some((e) => e.kind === 'checkout' && e.deviceId === d.deviceId && e.feature === d.feature && Math.abs(Date.parse(e.ts) - Date.parse(d.ts)) <= 5 * 60_000);
    expect(denied.filter((d) => !servedNear(d)).length).toBeGreaterThan(50);
  });

  it('serves a feature until its license expires and denies it with 11 EXPIRED after, and one not yet started with 10', () => {
    const events = history('live-server');
    const expiry = site('live-server').features.find((f) => f.name === 'legacy-import')!.expiresAt!;
    const legacy = events.filter((e) => e.feature === 'legacy-import');
    expect(legacy.some((e) => e.kind === 'checkout')).toBe(true);
    expect(legacy.filter((e) => e.kind === 'checkout').every((e) => Date.parse(e.ts) < expiry)).toBe(true);
    const expired = legacy.filter((e) => Date.parse(e.ts) >= expiry);
    expect(expired.length).toBeGreaterThan(5);
    expect(expired.every((e) => e.kind === 'deny' && e.statusCode === 11)).toBe(true);
    expect(legacy.filter((e) => Date.parse(e.ts) < expiry).every((e) => e.statusCode !== 11)).toBe(true);
    expect(events.filter((e) => e.feature === 'beta-ai').every((e) => e.kind === 'deny' && e.statusCode === 10)).toBe(true);
  });

  it('consumes render hours against the cap, and refuses virtual machines by filter (67) and a rule maximum (81)', () => {
    const render = history('harbor-render');
    const last = render.filter((e) => e.kind === 'consume').at(-1)!;
    expect(last.capacity).toBe(12_000);
    expect(last.inUseAfter / last.capacity!).toBeGreaterThan(0.6);
    const codes = new Set(history('kestrel-osaka').map((e) => e.statusCode));
    expect(codes).toContain(67);
    expect(codes).toContain(81);
  });
});
