import type { DenialCode } from '../../licensing/denials.js';

/**
 * FlexNet error numbers of refused checkouts, mapped to Tally's denial codes. The number is the
 * first of the pair that ends a DENIED line (`(-4,342)`); the second is an internal location
 * and means nothing for reports. Numbers not listed are kept in the summary but not stored,
 * since they describe connection trouble rather than a refusal (-15, -96, -97, ...).
 */
export const FLEXNET_DENIALS: ReadonlyMap<number, DenialCode> = new Map<number, DenialCode>([
  [-4, 7], // licensed number of users already reached
  [-24, 7], // users are queued for this feature
  [-101, 7], // all licenses are reserved for others
  [-26, 7], // more licenses asked than the feature supports
  [-87, 81], // checkout exceeds MAX in the options file
  [-38, 80], // user or host on the EXCLUDE list
  [-39, 80], // user or host not on the INCLUDE list
  [-93, 80], // available in a different license pool
  [-10, 11], // feature has expired
  [-31, 10], // start date in the future
  [-21, 12], // license file does not support this version
  [-25, 12], // server does not support this version
  [-5, 15], // no such feature
  [-18, 15], // server does not support this feature
  [-92, 15], // removed at reread, or wrong hostid
  [-9, 15], // invalid host
  [-53, 67], // vendor checkout filter
  [-73, 67], // local checkout filter
]);

/** In the queue: a request waiting, not a refusal. */
export const FLEXNET_QUEUED = -35;

/** The FlexNet error number at the end of a reason text (`... (-4,342:104 "...")`), or null. */
export function flexnetError(reason: string): number | null {
  const at = reason.lastIndexOf('(-');
  if (at < 0) return null;
  let n = 0;
  let i = at + 2;
  for (; i < reason.length; i++) {
    const d = reason.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  return i > at + 2 ? -n : null;
}
