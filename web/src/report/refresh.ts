import { useSyncExternalStore } from 'react';

/**
 * The report's clock: the moment its relative ranges ("last 7 days") end at. It moves when the
 * report refreshes — by itself every few minutes, or on demand — and not at each render, so that
 * all widgets of a page ask about the same range and a re-render asks nothing new.
 */
let now = Date.now();
const listeners = new Set<() => void>();

export const reportNow = () => now;

/** Moves the report's clock to now: every widget of a relative range asks again. */
export function moveReportNow(): void {
  now = Date.now();
  for (const listener of listeners) listener();
}

const subscribe = (listener: () => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

/** The report's clock, re-rendering the caller when it moves. */
export const useReportNow = () => useSyncExternalStore(subscribe, reportNow);

/** Refresh intervals offered, in minutes; 0 is off. */
export const REFRESH_MINUTES = [0, 1, 5, 15] as const;
export type RefreshMinutes = (typeof REFRESH_MINUTES)[number];
export const DEFAULT_REFRESH: RefreshMinutes = 5;
const STORAGE_KEY = 'tally.report.refreshMinutes';
// The report's modules are also read by the server's tests, where there is no storage.
const storage = () => (globalThis as { localStorage?: { getItem(key: string): string | null; setItem(key: string, value: string): void } }).localStorage;

/** The refresh interval this browser chose (a habit of the reader, not part of a shared view). */
export function storedRefresh(): RefreshMinutes {
  const stored = Number(storage()?.getItem(STORAGE_KEY) ?? NaN);
  return REFRESH_MINUTES.find((m) => m === stored) ?? DEFAULT_REFRESH;
}

export function storeRefresh(minutes: RefreshMinutes): void {
  storage()?.setItem(STORAGE_KEY, String(minutes));
}
