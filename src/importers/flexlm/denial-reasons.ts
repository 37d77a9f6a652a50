import type { DenialCode } from '../../licensing/denials.js';
import { DENIAL } from '../../licensing/denials.js';

/**
 * FlexNet error numbers of refused checkouts, mapped to Tally's denial codes. The number is the
 * first of the pair that ends a DENIED line (`(-4,342)`); the second is an internal location
 * and means nothing for reports. Numbers not listed are kept in the summary but not stored,
 * since they describe connection trouble rather than a refusal (-15, -96, -97, ...).
 */
export const FLEXNET_DENIALS: ReadonlyMap<number, DenialCode> = new Map<number, DenialCode>([
  [-4, DENIAL.INSUFFICIENT_COUNT], // licensed number of users already reached
  [-24, DENIAL.INSUFFICIENT_COUNT], // users are queued for this feature
  [-101, DENIAL.INSUFFICIENT_COUNT], // all licenses are reserved for others
  [-26, DENIAL.INSUFFICIENT_COUNT], // more licenses asked than the feature supports
  [-87, DENIAL.RULE_MAX_EXCEEDED], // checkout exceeds MAX in the options file
  [-38, DENIAL.RULE_REJECTION], // user or host on the EXCLUDE list
  [-39, DENIAL.RULE_REJECTION], // user or host not on the INCLUDE list
  [-93, DENIAL.RULE_REJECTION], // available in a different license pool
  [-10, DENIAL.EXPIRED], // feature has expired
  [-31, DENIAL.NOT_YET_STARTED], // start date in the future
  [-21, DENIAL.NO_MATCHING_VERSION], // license file does not support this version
  [-25, DENIAL.NO_MATCHING_VERSION], // server does not support this version
  [-5, DENIAL.NOT_AVAILABLE], // no such feature
  [-18, DENIAL.NOT_AVAILABLE], // server does not support this feature
  [-92, DENIAL.NOT_AVAILABLE], // removed at reread, or wrong hostid
  [-9, DENIAL.NOT_AVAILABLE], // invalid host
  [-53, DENIAL.FILTER_REJECTION], // vendor checkout filter
  [-73, DENIAL.FILTER_REJECTION], // local checkout filter
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
