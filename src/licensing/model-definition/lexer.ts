import type { ScannedToken } from '../text-scanner.js';
import { TextScanner, describeCommonToken } from '../text-scanner.js';
import { ModelError } from './model-error.js';

export type TokenKind = 'string' | 'number' | 'percent' | 'word' | 'regex' | 'punct' | 'end';

/** One token of a model definition; a percentage's text is its number without the `%`. */
export type Token = ScannedToken<TokenKind>;

/** Longest model definition accepted: a model is a page of rules, not a data set. */
export const MAX_MODEL_LENGTH = 900 * 1024;

const PUNCTUATION = new Set(['{', '}', '(', ')', ',', ':', '!']);

/** How a token reads in an error message. */
export function describeToken(t: Token): string {
  return t.kind === 'percent' ? `the percentage ${t.text}%` : describeCommonToken(t)!;
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
  const scan = new TextScanner(source, (message, line, column) => new ModelError(message, line, column));
  const push = (kind: TokenKind, text: string, l: number, c: number, flags = '') => tokens.push({ kind, text, flags, line: l, column: c });

  for (;;) {
    scan.skipBlanksAndComments();
    if (scan.atEnd) break;
    const ch = scan.peek()!;
    const l = scan.line;
    const c = scan.column;
    if (ch === '"') {
      push('string', scan.readString(), l, c);
      continue;
    }
    if (ch === '~') {
      const { body, flags } = scan.readRegex();
      push('regex', body, l, c, flags);
      continue;
    }
    if (ch >= '0' && ch <= '9') {
      const text = scan.readWhile(/[0-9.]/);
      if (!/^\d+(\.\d+)?$/.test(text)) throw new ModelError(`"${text}" is not a number: expected digits, optionally with one decimal point (e.g. 25 or 2.0).`, l, c);
      if (scan.peek() === '%') {
        scan.offset++;
        push('percent', text, l, c);
      } else {
        push('number', text, l, c);
      }
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      push('word', scan.readWhile(/[A-Za-z0-9_-]/), l, c);
      continue;
    }
    const operator = scan.readLogicalOperator();
    if (operator) {
      push('word', operator, l, c);
      continue;
    }
    if (PUNCTUATION.has(ch)) {
      scan.offset++;
      push('punct', ch, l, c);
      continue;
    }
    scan.unexpectedCharacter('a keyword, a "string", a number, ~/regex/ or one of { } ( ) , : !');
  }
  push('end', '', scan.line, scan.column);
  return tokens;
}
