import { MAX_FILTER_LENGTH } from '../limits.js';
import type { ScannedToken } from '../text-scanner.js';
import { TextScanner, describeCommonToken } from '../text-scanner.js';
import { FilterError } from './filter-error.js';

export type TokenKind = 'string' | 'number' | 'time' | 'word' | 'regex' | 'punct' | 'end';

/** One token of a checkout filter (a time's text is as written, `08:30`), with its span in the text. */
export interface Token extends ScannedToken<TokenKind> {
  /** Offsets in the text: where the token starts and where it ends. */
  start: number;
  end: number;
}

const PUNCTUATION = new Set(['{', '}', '(', ')', ',', ':', '!', '-', '<', '>', '=']);

/** How a token reads in an error message. */
export function describeToken(t: Token): string {
  return t.kind === 'time' ? `the time ${t.text}` : describeCommonToken(t)!;
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
  const scan = new TextScanner(source, (message, line, column) => new FilterError(message, line, column));
  const push = (kind: TokenKind, text: string, l: number, c: number, start: number, flags = '') =>
    tokens.push({ kind, text, flags, line: l, column: c, start, end: scan.offset });

  for (;;) {
    scan.skipBlanksAndComments();
    if (scan.atEnd) break;
    const ch = scan.peek()!;
    const l = scan.line;
    const c = scan.column;
    const start = scan.offset;
    if (ch === '"') {
      push('string', scan.readString(), l, c, start);
      continue;
    }
    if (ch === '~') {
      const { body, flags } = scan.readRegex();
      push('regex', body, l, c, start, flags);
      continue;
    }
    if (ch >= '0' && ch <= '9') {
      const text = scan.readWhile(/[0-9.:]/);
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
      push('word', scan.readWhile(/[A-Za-z0-9_]/), l, c, start);
      continue;
    }
    const operator = scan.readLogicalOperator();
    if (operator) {
      push('word', operator, l, c, start);
      continue;
    }
    if ((ch === '>' || ch === '<') && scan.peek(1) === '=') {
      scan.offset += 2;
      push('punct', `${ch}=`, l, c, start);
      continue;
    }
    if (PUNCTUATION.has(ch)) {
      scan.offset++;
      push('punct', ch, l, c, start);
      continue;
    }
    scan.unexpectedCharacter('a keyword, a "string", a number, a time such as 08:30, ~/regex/ or one of { } ( ) , : ! - < > = >= <=');
  }
  push('end', '', scan.line, scan.column, scan.offset);
  return tokens;
}
