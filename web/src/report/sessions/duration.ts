/** Minutes as people read a duration: `45 min`, `2 h 05 min`, `3 d 4 h`. */
export function formatDuration(minutes: number): string {
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  if (m < 24 * 60) return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
  const hours = Math.floor(m / 60);
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** Sums hours by a key, most first. */
export function hoursBy<T>(rows: T[], key: (row: T) => string, hours: (row: T) => number, nameOf: (row: T) => string = key): Array<{ name: string; id: string; value: number }> {
  const totals = new Map<string, { name: string; value: number }>();
  for (const row of rows) {
    const total = totals.get(key(row)) ?? { name: nameOf(row), value: 0 };
    total.value += hours(row);
    totals.set(key(row), total);
  }
  return [...totals].map(([id, t]) => ({ id, name: t.name, value: Math.round(t.value * 100) / 100 })).sort((a, b) => b.value - a.value || a.name.localeCompare(b.name));
}
