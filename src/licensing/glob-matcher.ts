/**
 * A `*` wildcard matcher: every character is literal except `*`, which matches any run. The
 * greedy two-pointer walk backtracks only to the last star, so it never takes exponential time.
 */
export function globMatcher(glob: string): (value: string) => boolean {
  if (!glob.includes('*')) return (value) => value === glob;
  return (value) => {
    let p = 0;
    let v = 0;
    let star = -1;
    let mark = 0;
    while (v < value.length) {
      if (p < glob.length && glob[p] !== '*' && glob[p] === value[v]) {
        p++;
        v++;
      } else if (p < glob.length && glob[p] === '*') {
        star = p++;
        mark = v;
      } else if (star >= 0) {
        p = star + 1;
        v = ++mark;
      } else {
        return false;
      }
    }
    while (p < glob.length && glob[p] === '*') p++;
    return p === glob.length;
  };
}
