/**
 * Feature versions are `a.b` numbers, compared numerically part by part: 1.10 > 1.9 and
 * 2.0 > 1.99. Parts are whole numbers without signs, up to 9 digits each.
 */
export const VERSION_PATTERN = /^(\d{1,9})\.(\d{1,9})$/;

/** True when the text is a valid `a.b` version. */
export function isVersion(text: string): boolean {
  return VERSION_PATTERN.test(text);
}

/** Negative when a < b, zero when equal (1.0 equals 1.00), positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const pa = parts(a);
  const pb = parts(b);
  return pa[0] - pb[0] || pa[1] - pb[1];
}

/** True when a record of version `offered` satisfies a request for `requested`. */
export function satisfiesVersion(offered: string, requested: string): boolean {
  return compareVersions(offered, requested) >= 0;
}

function parts(version: string): [number, number] {
  const match = VERSION_PATTERN.exec(version);
  if (!match) throw new RangeError(`not an a.b version: ${version}`);
  return [Number(match[1]), Number(match[2])];
}
