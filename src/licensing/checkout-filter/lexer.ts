import { MAX_FILTER_LENGTH } from '../limits.js';
import { FilterError } from './filter-error.js';

export type TokenKind = 'string' | 'number' | 'time' | 'word' | 'regex' | 'punct' | 'end';

/** One token of a checkout filter, with where it starts (1-based line and column) and its span in the text. */
export interface Token {
  kind: TokenKind;
  /** The string's value without quotes, the number's or time's text, the word, the regex source or the punctuation. */
  text: string;
  /** Regex flags (`~/…/i`). */
  flags: string;
  line: number;
  column: number;
  /** Offsets in the text: where the token starts and where it ends. */
  start: number;
  end: number;
}

const PUNCTUATION = new Set(['{', '}', '(', ')', ',', ':', '!', '-', '<', '>', '=']);

/** How a token reads in an error message. */
export function describeToken(t: Token): string {
  const short = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
  switch (t.kind) {
    case 'end':
      return 'the end of the text';
    case 'string':
      return `the string "${short(t.text)}"`;
    case 'number':
      return `the number ${t.text}`;
    case 'time':
      return `the time ${t.text}`;
    case 'regex':
      return 'a ~/regex/';
    case 'punct':
      return `"${t.text}"`;
    case 'word':
      return `"${short(t.text)}"`;
  }
}

/**
 * Splits a checkout filter into tokens. Strings are double-quoted with `\"` and `\\` escapes
 * and stay on one line; `~/…/` is a regular expression; `12:30` is a time of day; `//` and
 * `/* … *\/` are comments; `&&`, `||` are written-out `and`, `or`; `>=` and `<=` are one token.
 */
export function tokenize(source: string): Token[] {
  if (source.length > MAX_FILTER_LENGTH) {
    throw new FilterError(`The checkout filter is ${source.length} characters long; at most ${MAX_FILTER_LENGTH} are accepted.`, 1, 1);
  }
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const col = () => i - lineStart + 1;
  const push = (kind: TokenKind, text: string, l: number, c: number, start: number, flags = '') => tokens.push({ kind, text, flags, line: l, column: c, start, end: i });

  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v' || ch === '\uFEFF') {
      i++;
      continue;
    }
    const l = line;
    const c = col();
    const start = i;
    if (ch === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && source[i + 1] === '*') {
      i += 2;
      for (;;) {
        if (i >= source.length) throw new FilterError('This comment is never closed: expected "*/".', l, c);
        if (source[i] === '*' && source[i + 1] === '/') {
          i += 2;
          break;
        }
        if (source[i] === '\n') {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
      continue;
    }
    if (ch === '"') {
      i++;
      let text = '';
      for (;;) {
        const s = source[i];
        if (s === undefined || s === '\n') throw new FilterError('This string is never closed: expected a closing double quote on the same line.', l, c);
        if (s === '"') {
          i++;
          break;
        }
        if (s === '\\') {
          const next = source[i + 1];
          if (next !== '"' && next !== '\\') throw new FilterError('Unknown escape in a string: expected \\" or \\\\ after the backslash.', line, col());
          text += next;
          i += 2;
          continue;
        }
        text += s;
        i++;
      }
      push('string', text, l, c, start);
      continue;
    }
    if (ch === '~') {
      if (source[i + 1] !== '/') throw new FilterError('Expected "/" after "~": a regular expression is written ~/pattern/.', l, c);
      i += 2;
      let body = '';
      for (;;) {
        const s = source[i];
        if (s === undefined || s === '\n') throw new FilterError('This regular expression is never closed: expected "/" on the same line.', l, c);
        if (s === '\\' && source[i + 1] === '/') {
          body += '/';
          i += 2;
          continue;
        }
        if (s === '\\' && source[i + 1] !== undefined && source[i + 1] !== '\n') {
          body += s + source[i + 1]!;
          i += 2;
          continue;
        }
        if (s === '/') {
          i++;
          break;
        }
        body += s;
        i++;
      }
      let flags = '';
      while (i < source.length && /[a-z]/.test(source[i]!)) flags += source[i++]!;
      push('regex', body, l, c, start, flags);
      continue;
    }
    if (ch >= '0' && ch <= '9') {
      let text = '';
      while (i < source.length && /[0-9.:]/.test(source[i]!)) text += source[i++]!;
      if (/^\d{1,2}:\d{2}$/.test(text)) {
        push('time', text, l, c, start);
        continue;
      }
      if (!/^\d+(\.\d+)?$/.test(text)) {
        throw new FilterError(`"${text}" is neither a number nor a time: expected digits with at most one decimal point (a version such as 2.0) or a time of day such as 08:30.`, l, c);
      }
      push('number', text, l, c, start);
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      let text = '';
      while (i < source.length && /[A-Za-z0-9_]/.test(source[i]!)) text += source[i++]!;
      push('word', text, l, c, start);
      continue;
    }
    if (ch === '&' && source[i + 1] === '&') {
      i += 2;
      push('word', 'and', l, c, start);
      continue;
    }
    if (ch === '|' && source[i + 1] === '|') {
      i += 2;
      push('word', 'or', l, c, start);
      continue;
    }
    if ((ch === '>' || ch === '<') && source[i + 1] === '=') {
      i += 2;
      push('punct', `${ch}=`, l, c, start);
      continue;
    }
    if (PUNCTUATION.has(ch)) {
      i++;
      push('punct', ch, l, c, start);
      continue;
    }
    const shown = ch.codePointAt(0)! < 32 ? `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : `"${ch}"`;
    throw new FilterError(`Unexpected character ${shown}: expected a keyword, a "string", a number, a time such as 08:30, ~/regex/ or one of { } ( ) , : ! - < > = >= <=`, l, c);
  }
  push('end', '', line, col(), i);
  return tokens;
}
