import { RE2JS, RE2JSException } from 're2js';

/** Longest `~/regex/` source a model may hold. */
export const MAX_PATTERN_LENGTH = 256;
/** Largest count in `{n}`, `{n,}` or `{n,m}`: counts multiply the size of the matching program. */
export const MAX_REPEAT = 100;

const FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, m: RE2JS.MULTILINE, s: RE2JS.DOTALL, u: 0 };

/**
 * Compiles a `~/regex/` of a model for an automaton engine (RE2), whose matching time grows
 * with the length of the text and never with the ways a backtracking engine could split it:
 * `(a|a)*` or `(a+)+` decide 1,000 characters as fast as `a*`. What such an engine cannot
 * run (backreferences, lookaround) is refused, and so are patterns big enough to make the
 * program itself costly. Answers the matcher, or why the pattern is refused.
 */
export function compileLinearPattern(source: string, flags: string): { test: (value: string) => boolean } | { refused: string } {
  if (source.length > MAX_PATTERN_LENGTH) return { refused: `A regular expression may have at most ${MAX_PATTERN_LENGTH} characters; this one has ${source.length}.` };
  const repeat = largestRepeat(source);
  if (repeat > MAX_REPEAT) return { refused: `A repetition count may be at most ${MAX_REPEAT} repetitions; this regular expression asks for ${repeat}.` };
  if (looksBack(source)) {
    return { refused: 'Backreferences (\\1, \\k<name>) and lookaround ((?=, (?!, (?<=, (?<!) are not supported: patterns run in linear time, which rules them out.' };
  }
  let flagBits = 0;
  for (const f of flags) flagBits |= FLAGS[f] ?? 0;
  try {
    // Models were written for JavaScript's syntax (\u00e9, \cA, [^]): translated to RE2's with the same meaning.
    const re = RE2JS.compile(RE2JS.translateRegExp(source), flagBits);
    return { test: (value) => re.test(value) };
  } catch (error) {
    if (error instanceof RE2JSException) return { refused: `This is not a valid regular expression (${error.message.replace(/^error parsing regexp: /, '')}).` };
    throw error;
  }
}

/**
 * Walks the source as the engine reads it (escapes, then classes, then the rest) and yields
 * each position outside a class that is not escaped, with the character there.
 */
function* unescaped(source: string): Generator<[number, string]> {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      i++;
      // \u{…}, \x{…}, \p{…} and \P{…} carry their braces with them: no repetition count there.
      if (/[uxpP]/.test(source[i] ?? '') && source[i + 1] === '{') i = Math.max(i, source.indexOf('}', i));
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      continue;
    }
    if (ch === '[') {
      // As in JavaScript, the first `]` ends the class, even right after `[` or `[^`.
      inClass = true;
      continue;
    }
    yield [i, ch];
  }
}

/** The largest count of a `{n}`, `{n,}` or `{n,m}` repetition; braces that are no count are characters. */
function largestRepeat(source: string): number {
  let largest = 0;
  for (const [i, ch] of unescaped(source)) {
    if (ch !== '{') continue;
    const count = /^\{(\d+)(?:,(\d*))?\}/.exec(source.slice(i));
    if (count) largest = Math.max(largest, Number(count[1]), Number(count[2] || 0));
  }
  return largest;
}

/** Whether the source uses a backreference (`\1`, `\k<x>`) or lookaround. */
function looksBack(source: string): boolean {
  for (let i = 0; i < source.length; i++) {
    if (source[i] !== '\\') continue;
    const next = source[i + 1] ?? '';
    if (/[1-9k]/.test(next)) return true;
    i++;
  }
  for (const [i, ch] of unescaped(source)) {
    if (ch === '(' && /^\(\?(?:=|!|<=|<!)/.test(source.slice(i))) return true;
  }
  return false;
}
