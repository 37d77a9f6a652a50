import { ModelError } from './model-error.js';

export type TokenKind = 'string' | 'number' | 'percent' | 'word' | 'regex' | 'punct' | 'end';

/** One token of a model definition, with where it starts (1-based line and column). */
export interface Token {
  kind: TokenKind;
  /** The string's value without quotes, the number's text, the word, the regex source or the punctuation. */
  text: string;
  /** Regex flags (`~/…/i`). */
  flags: string;
  line: number;
  column: number;
}

/** Longest model definition accepted: a model is a page of rules, not a data set. */
export const MAX_MODEL_LENGTH = 900 * 1024;

const PUNCTUATION = new Set(['{', '}', '(', ')', ',', ':', '!']);

/** How a token reads in an error message. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'the end of the text';
    case 'string':
      return `the string "${t.text.length > 40 ? `${t.text.slice(0, 40)}…` : t.text}"`;
    case 'number':
      return `the number ${t.text}`;
    case 'percent':
      return `the percentage ${t.text}%`;
    case 'regex':
      return 'a ~/regex/';
    case 'punct':
      return `"${t.text}"`;
    case 'word':
      return `"${t.text.length > 40 ? `${t.text.slice(0, 40)}…` : t.text}"`;
  }
}

/**
 * Splits a model definition into tokens. Strings are double-quoted with `\"` and `\\`
 * escapes and stay on one line; `~/…/` is a regular expression (`\/` inside it is a slash);
 * `//` and `/* … *\/` are comments; `&&`, `||` are written-out `and`, `or`.
 */
export function tokenize(source: string): Token[] {
  if (source.length > MAX_MODEL_LENGTH) {
    throw new ModelError(`The model definition is ${source.length} characters long; at most ${MAX_MODEL_LENGTH} are accepted.`, 1, 1);
  }
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const col = () => i - lineStart + 1;
  const push = (kind: TokenKind, text: string, l: number, c: number, flags = '') => tokens.push({ kind, text, flags, line: l, column: c });

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
    if (ch === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    if (ch === '/' && source[i + 1] === '*') {
      i += 2;
      for (;;) {
        if (i >= source.length) throw new ModelError('This comment is never closed: expected "*/".', l, c);
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
        if (s === undefined || s === '\n') throw new ModelError('This string is never closed: expected a closing double quote on the same line.', l, c);
        if (s === '"') {
          i++;
          break;
        }
        if (s === '\\') {
          const next = source[i + 1];
          if (next !== '"' && next !== '\\') {
            throw new ModelError(`Unknown escape in a string: expected \\" or \\\\ after the backslash.`, line, col());
          }
          text += next;
          i += 2;
          continue;
        }
        text += s;
        i++;
      }
      push('string', text, l, c);
      continue;
    }
    if (ch === '~') {
      if (source[i + 1] !== '/') throw new ModelError('Expected "/" after "~": a regular expression is written ~/pattern/.', l, c);
      i += 2;
      let body = '';
      for (;;) {
        const s = source[i];
        if (s === undefined || s === '\n') throw new ModelError('This regular expression is never closed: expected "/" on the same line.', l, c);
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
      push('regex', body, l, c, flags);
      continue;
    }
    if (ch >= '0' && ch <= '9') {
      let text = '';
      while (i < source.length && /[0-9.]/.test(source[i]!)) text += source[i++]!;
      if (!/^\d+(\.\d+)?$/.test(text)) throw new ModelError(`"${text}" is not a number: expected digits, optionally with one decimal point (e.g. 25 or 2.0).`, l, c);
      if (source[i] === '%') {
        i++;
        push('percent', text, l, c);
      } else {
        push('number', text, l, c);
      }
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      let text = '';
      while (i < source.length && /[A-Za-z0-9_-]/.test(source[i]!)) text += source[i++]!;
      push('word', text, l, c);
      continue;
    }
    if (ch === '&' && source[i + 1] === '&') {
      i += 2;
      push('word', 'and', l, c);
      continue;
    }
    if (ch === '|' && source[i + 1] === '|') {
      i += 2;
      push('word', 'or', l, c);
      continue;
    }
    if (PUNCTUATION.has(ch)) {
      i++;
      push('punct', ch, l, c);
      continue;
    }
    const shown = ch.codePointAt(0)! < 32 ? `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : `"${ch}"`;
    throw new ModelError(`Unexpected character ${shown}: expected a keyword, a "string", a number, ~/regex/ or one of { } ( ) , : !`, l, c);
  }
  push('end', '', line, col());
  return tokens;
}
