/** Milliseconds since the epoch. Every timestamp inside Tally is one of these; APIs show ISO text. */
export type EpochMs = number;

/** A source of the current time, so that tests can move the clock. */
export interface Clock {
  now(): EpochMs;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock the tests set by hand. */
export class ManualClock implements Clock {
  constructor(private current: EpochMs) {}
  now(): EpochMs {
    return this.current;
  }
  set(ms: EpochMs): void {
    this.current = ms;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/**
 * Parses a duration as license servers write them: `90`, `90s`, `15m`, `12h`, `7d`, `1w`.
 * A bare number is seconds. Returns seconds, or undefined when the text is not a duration.
 */
export function parseDurationSeconds(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isInteger(text) && text >= 0 ? text : undefined;
  const match = /^\s*(\d+)\s*([smhdw]?)\s*$/i.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = (match[2] ?? '').toLowerCase() || 's';
  const seconds = value * (UNIT_SECONDS[unit] ?? 1);
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}

/** Formats seconds back into the shortest exact duration text (`604800` → `1w`). */
export function formatDuration(seconds: number): string {
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    const size = UNIT_SECONDS[unit] as number;
    if (seconds > 0 && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

/** ISO text for an epoch time, or null for "never" (permanent). */
export function isoOrNull(ms: EpochMs | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
