import type { EpochMs } from '../../common/time.js';
import { DENIAL } from '../../licensing/denials.js';

/** A feature a demo site uses, with what its license says about it. */
export interface SiteFeature {
  name: string;
  version: string;
  model: 'concurrent' | 'metered';
  /** Regular counts (concurrent) or the cap (metered); null when uncounted or uncapped. */
  capacity: number | null;
  /** Counts past capacity the license allows (concurrent). */
  overdraft?: number;
  /** Relative popularity among the site's people. */
  weight: number;
  /** Counts a session asks for (units of a metered use), most often. */
  count: number;
  expiresAt?: EpochMs;
  startsAt?: EpochMs;
  /** A checkout filter or rule of access on the server refuses these devices (by index). */
  refusedDevices?: { code: (typeof DENIAL)['FILTER_REJECTION' | 'RULE_REJECTION' | 'RULE_MAX_EXCEEDED']; every: number };
}

/** One license server of a demo account, and the people who use it. */
export interface DemoSite {
  instanceId: string;
  instanceName: string;
  /** Starts the site's device and event IDs: short, and unique among the sites. */
  key: string;
  accountId: string;
  accountName: string;
  /** The site's offset from UTC, in hours: its office hours are local. */
  utcOffset: number;
  /** Client devices, one person each. */
  people: number;
  /** Share of people at work on a working day. */
  attendance: number;
  /** Sessions a person at work has in a day, about. */
  sessionsPerDay: number;
  /** Mean session length, in minutes. */
  sessionMinutes: number;
  domain: string;
  users: readonly string[];
  features: readonly SiteFeature[];
}

const DAY = 86_400_000;

const USERS = {
  demo: ['ann', 'bob', 'chen', 'dana', 'eli', 'fatima', 'goran', 'hana', 'ivan', 'jules', 'kofi', 'lena'],
  northwind: ['amelia', 'brooks', 'carlos', 'deshawn', 'emily', 'frank', 'grace', 'hector', 'isabel', 'jamal', 'kayla', 'liam', 'maria', 'noah', 'olivia', 'priya'],
  kestrel: ['aiko', 'daichi', 'haruto', 'kaito', 'mei', 'ren', 'sakura', 'yuki'],
  harbor: ['alfie', 'bea', 'callum', 'daisy', 'ewan', 'freya', 'george', 'isla'],
} as const;

/**
 * The demo's customers and their license servers, seen from the producer's back office: the
 * quick start's own server (the Demo Customer's, whose history ends where its live traffic
 * begins) and servers of other accounts in other time zones. Each has a part in the story the
 * report tells: cad runs out at the Demo Customer's peak hours and is denied, Northwind uses
 * about 80 % of its cad seats, Kestrel's filters refuse virtual machines, Harbor's render farm
 * consumes render hours against a cap, and licenses expire.
 */
export function demoSites(liveInstanceId: string, endsAt: EpochMs): DemoSite[] {
  return [
    {
      instanceId: liveInstanceId,
      instanceName: 'Demo license server',
      key: 'demo',
      accountId: 'demo',
      accountName: 'Demo Customer',
      utcOffset: 1,
      people: 14,
      attendance: 0.9,
      sessionsPerDay: 3,
      sessionMinutes: 120,
      domain: 'demo.example.com',
      users: USERS.demo,
      features: [
        { name: 'cad', version: '1.0', model: 'concurrent', capacity: 8, weight: 55, count: 1 },
        { name: 'cam', version: '1.0', model: 'concurrent', capacity: 10, overdraft: 2, weight: 20, count: 1 },
        { name: 'viewer', version: '1.0', model: 'concurrent', capacity: null, weight: 10, count: 1 },
        // The license signed by hand: it ran out ten days before the quick start's first run.
        { name: 'legacy-import', version: '1.0', model: 'concurrent', capacity: 2, weight: 10, count: 1, expiresAt: endsAt - 10 * DAY },
        { name: 'beta-ai', version: '1.0', model: 'concurrent', capacity: 2, weight: 2, count: 1, startsAt: endsAt + 30 * DAY },
      ],
    },
    {
      instanceId: 'northwind-hq',
      key: 'northwind-hq',
      instanceName: 'Northwind HQ license server',
      accountId: 'northwind',
      accountName: 'Northwind Engineering',
      utcOffset: -5,
      people: 24,
      attendance: 0.85,
      sessionsPerDay: 2,
      sessionMinutes: 200,
      domain: 'northwind.example.com',
      users: USERS.northwind,
      features: [
        { name: 'cad', version: '2.0', model: 'concurrent', capacity: 20, weight: 60, count: 1 },
        { name: 'cam', version: '1.0', model: 'concurrent', capacity: 12, weight: 25, count: 1 },
        { name: 'cloud-api', version: '1.0', model: 'metered', capacity: null, weight: 15, count: 40 },
      ],
    },
    {
      instanceId: 'kestrel-osaka',
      key: 'kestrel-osaka',
      instanceName: 'Kestrel Osaka lab server',
      accountId: 'kestrel',
      accountName: 'Kestrel Robotics',
      utcOffset: 9,
      people: 9,
      attendance: 0.8,
      sessionsPerDay: 2,
      sessionMinutes: 90,
      domain: 'kestrel.example.jp',
      users: USERS.kestrel,
      features: [
        // Every fifth device is a virtual machine that the server's checkout filter refuses.
        { name: 'cad', version: '2.0', model: 'concurrent', capacity: 10, weight: 50, count: 1, refusedDevices: { code: DENIAL.FILTER_REJECTION, every: 5 } },
        { name: 'sim-seats', version: '1.0', model: 'concurrent', capacity: 6, weight: 30, count: 1, refusedDevices: { code: DENIAL.RULE_MAX_EXCEEDED, every: 7 } },
        { name: 'viewer', version: '1.0', model: 'concurrent', capacity: null, weight: 20, count: 1 },
      ],
    },
    {
      instanceId: 'harbor-render',
      key: 'harbor-render',
      instanceName: 'Harbor render farm',
      accountId: 'harbor',
      accountName: 'Harbor Studios',
      utcOffset: 0,
      people: 8,
      attendance: 0.9,
      sessionsPerDay: 4,
      sessionMinutes: 60,
      domain: 'render.harbor.example.co.uk',
      users: USERS.harbor,
      features: [{ name: 'render-hours', version: '1.0', model: 'metered', capacity: 12_000, weight: 1, count: 6 }],
    },
    {
      instanceId: 'harbor-studio',
      key: 'harbor-studio',
      instanceName: 'Harbor studio floor',
      accountId: 'harbor',
      accountName: 'Harbor Studios',
      utcOffset: 0,
      people: 7,
      attendance: 0.85,
      sessionsPerDay: 2,
      sessionMinutes: 150,
      domain: 'studio.harbor.example.co.uk',
      users: USERS.harbor,
      features: [
        { name: 'cam', version: '1.0', model: 'concurrent', capacity: 8, weight: 50, count: 1 },
        // Their old cad seats ran out during the range; people kept trying for a while.
        { name: 'cad', version: '1.0', model: 'concurrent', capacity: 4, weight: 30, count: 1, expiresAt: endsAt - 40 * DAY },
        { name: 'viewer', version: '1.0', model: 'concurrent', capacity: null, weight: 20, count: 1 },
      ],
    },
  ];
}
