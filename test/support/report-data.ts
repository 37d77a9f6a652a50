import type { UsageEvent } from '../../src/licensing/usage-event.js';
import { buildEvent } from './factories.js';

/**
 * A small, fully known month of usage for the report's end-to-end and export tests, placed in
 * the day and a half before `now` so that the report's default range (the last 30 days) shows it:
 *
 * - acme: feature `cad` (5 seats) on acme-cls-1 served to 12 devices; its checkouts climb to
 *   1, 2, 3, 4 of 5 seats three times (three events at 80 %), and one more reaches 5 of 5 (100 %);
 *   feature `sim` (10 seats) on acme-cls-2 served to 6 devices (10 % to 60 %).
 * - globex: `cad` (10 seats) on globex-cls-1 served to 8 devices, the last at 8 of 10 (80 %).
 * - initech: metered `tokens` (cap 1000) on initech-local-1, 5 × 150 units consumed.
 * - 20 denials: code 7 ×9 (45 %), 11 ×5 (25 %), 15 ×3 (15 %), 80 ×2 (10 %), 67 ×1 (5 %);
 *   by account acme 9, globex 8, initech 3. One code-7 denial of acme-ws-01 is followed two
 *   minutes later by a checkout of the same device, so it is not a true denial.
 */
export function reportScenario(now: number): UsageEvent[] {
  const start = Math.floor(now / 3_600_000) * 3_600_000 - 36 * 3_600_000;
  let minute = 0;
  const next = (step = 7) => new Date(start + (minute += step) * 60_000).toISOString();
  const events: UsageEvent[] = [];
  const add = (e: Partial<UsageEvent>) => events.push(buildEvent({ recordId: null, correlationId: null, ...e }));
  const pad = (n: number) => String(n).padStart(2, '0');

  for (let i = 1; i <= 12; i++) {
    const device = { accountId: 'acme', instanceId: 'acme-cls-1', feature: 'cad', capacity: 5, deviceId: `acme-ws-${pad(i)}`, deviceAlias: `acme-host-${pad(i)}`, user: `acme-user-${pad(i)}` };
    add({ ...device, kind: 'checkout', ts: next(), inUseAfter: ((i - 1) % 4) + 1 });
    add({ ...device, kind: 'return', ts: next(), inUseAfter: (i - 1) % 4 });
  }
  for (let i = 1; i <= 6; i++) {
    add({ accountId: 'acme', instanceId: 'acme-cls-2', feature: 'sim', capacity: 10, deviceId: `acme-lab-${i}`, user: `acme-lab-user-${i}`, kind: 'checkout', ts: next(), inUseAfter: i });
  }
  for (let i = 1; i <= 8; i++) {
    add({ accountId: 'globex', instanceId: 'globex-cls-1', feature: 'cad', capacity: 10, deviceId: `globex-ws-${i}`, user: `globex-user-${i}`, kind: 'checkout', ts: next(), inUseAfter: i });
  }
  for (let i = 1; i <= 5; i++) {
    add({ accountId: 'initech', instanceId: 'initech-local-1', feature: 'tokens', model: 'metered', capacity: 1000, count: 150, deviceId: `initech-pc-${i}`, user: `initech-user-${i}`, kind: 'consume', ts: next(), inUseAfter: 150 * i });
  }

  const denials: Array<[code: number, account: string, instance: string, feature: string, times: number]> = [
    [7, 'acme', 'acme-cls-1', 'cad', 6],
    [7, 'globex', 'globex-cls-1', 'cad', 3],
    [11, 'globex', 'globex-cls-1', 'cad', 5],
    [15, 'initech', 'initech-local-1', 'viz', 3],
    [80, 'acme', 'acme-cls-1', 'cad', 2],
    [67, 'acme', 'acme-cls-2', 'sim', 1],
  ];
  let n = 0;
  for (const [code, accountId, instanceId, feature, times] of denials) {
    for (let i = 0; i < times; i++, n++) {
      add({ kind: 'deny', statusCode: code as UsageEvent['statusCode'], accountId, instanceId, feature, deviceId: `${accountId}-denied-${n}`, user: `${accountId}-denied-user-${n}`, inUseAfter: 0, capacity: null, ts: next() });
    }
  }
  // Denied, then served two minutes later: counted as a denial, but not as a true one.
  const retry = { accountId: 'acme', instanceId: 'acme-cls-1', feature: 'cad', deviceId: 'acme-ws-01', user: 'acme-user-01', capacity: 5 };
  events.filter((e) => e.kind === 'deny' && e.accountId === 'acme' && e.statusCode === 7)[0]!.deviceId = retry.deviceId;
  const denied = events.find((e) => e.deviceId === retry.deviceId && e.kind === 'deny')!;
  denied.user = retry.user;
  add({ ...retry, kind: 'checkout', ts: new Date(Date.parse(denied.ts) + 2 * 60_000).toISOString(), inUseAfter: 5 });
  return events;
}

/** What the scenario's report shows (the default, concurrent overview unless said). */
export const SCENARIO = {
  uniqueDevices: { cad: 20, sim: 6 },
  activeAccounts: { acme: 19, globex: 8 },
  acmeEventsAtOrAbove80: 4,
  denials: { total: 20, trueTotal: 19, byCode: { 7: [9, 45], 11: [5, 25], 15: [3, 15], 80: [2, 10], 67: [1, 5] }, byAccount: { acme: 9, globex: 8, initech: 3 } },
} as const;
