import type { PositionedError } from './positioned-error.js';

/** One token of a definition language, with where it starts (1-based line and column). */
export interface ScannedToken<Kind extends string = string> {
  kind: Kind;
  /** The string's value without quotes, the regex source, or else the token as written. */
  text: string;
  /** Regex flags (`~/…/i`). */
  flags: string;
  line: number;
  column: number;
}

/** Builds the error a language refuses its text with, at a 1-based line and column. */
export type RefuseAt = (message: string, line: number, column: number) => PositionedError;

/**
 * How a token common to the definition languages reads in an error message; `undefined` for a
 * kind only one language has, which that language's lexer describes.
 */
export function describeCommonToken(t: { kind: string; text: string }): string | undefined {
  const short = (s: string) => (s.length > 40 ? `${s.slice(0, 40)}…` : s);
  switch (t.kind) {
    case 'end':
      return 'the end of the text';
    case 'string':
      return `the string "${short(t.text)}"`;
    case 'number':
      return `the number ${t.text}`;
    case 'regex':
      return 'a ~/regex/';
    case 'punct':
      return `"${t.text}"`;
    case 'word':
      return `"${short(t.text)}"`;
  }
  return undefined;
}

/**
 * The lexical ground the definition languages share: blanks and newlines, `//` and `/* … *\/`
 * comments, double-quoted strings with `\"` and `\\` escapes, `~/…/flags` regular expressions,
 * `&&` and `||`, and the line and column of every position. Each lexer reads its own tokens
 * (numbers, words, punctuation) on top of it, refusing with its own error.
 */
export class TextScanner {
  /** Offset of the next character. */
  offset = 0;
  line = 1;
  private lineStart = 0;

  constructor(
    readonly source: string,
    private readonly refuse: RefuseAt,
  ) {}

  get column(): number {
    return this.offset - this.lineStart + 1;
  }

  get atEnd(): boolean {
    return this.offset >= this.source.length;
  }

  /** The character `ahead` places after the next one (undefined past the end). */
  peek(ahead = 0): string | undefined {
    return this.source[this.offset + ahead];
  }

  /** Steps over blanks, newlines and comments up to the next token or the end. */
  skipBlanksAndComments(): void {
    const src = this.source;
    while (this.offset < src.length) {
      const ch = src[this.offset]!;
      if (ch === '\n') {
        this.offset++;
        this.line++;
        this.lineStart = this.offset;
      } else if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v' || ch === '\uFEFF') {
        this.offset++;
      } else if (ch === '/' && src[this.offset + 1] === '/') {
        while (this.offset < src.length && src[this.offset] !== '\n') this.offset++;
      } else if (ch === '/' && src[this.offset + 1] === '*') {
        this.skipBlockComment();
      } else {
        return;
      }
    }
  }

  private skipBlockComment(): void {
    const src = this.source;
    const l = this.line;
    const c = this.column;
    this.offset += 2;
    for (;;) {
      if (this.offset >= src.length) throw this.refuse('This comment is never closed: expected "*/".', l, c);
      if (src[this.offset] === '*' && src[this.offset + 1] === '/') {
        this.offset += 2;
        return;
      }
      if (src[this.offset] === '\n') {
        this.line++;
        this.lineStart = this.offset + 1;
      }
      this.offset++;
    }
  }

  /** Reads the double-quoted string that starts here and returns its value. */
  readString(): string {
    const src = this.source;
    const l = this.line;
    const c = this.column;
    this.offset++;
    let text = '';
    for (;;) {
      const s = src[this.offset];
      if (s === undefined || s === '\n') throw this.refuse('This string is never closed: expected a closing double quote on the same line.', l, c);
      if (s === '"') {
        this.offset++;
        return text;
      }
      if (s === '\\') {
        const next = src[this.offset + 1];
        if (next !== '"' && next !== '\\') throw this.refuse('Unknown escape in a string: expected \\" or \\\\ after the backslash.', this.line, this.column);
        text += next;
        this.offset += 2;
        continue;
      }
      text += s;
      this.offset++;
    }
  }

  /** Reads the `~/…/flags` regular expression that starts here; `\/` inside it is a slash. */
  readRegex(): { body: string; flags: string } {
    const src = this.source;
    const l = this.line;
    const c = this.column;
    if (src[this.offset + 1] !== '/') throw this.refuse('Expected "/" after "~": a regular expression is written ~/pattern/.', l, c);
    this.offset += 2;
    let body = '';
    for (;;) {
      const s = src[this.offset];
      if (s === undefined || s === '\n') throw this.refuse('This regular expression is never closed: expected "/" on the same line.', l, c);
      if (s === '\\' && src[this.offset + 1] === '/') {
        body += '/';
        this.offset += 2;
        continue;
      }
      if (s === '\\' && src[this.offset + 1] !== undefined && src[this.offset + 1] !== '\n') {
        body += s + src[this.offset + 1]!;
        this.offset += 2;
        continue;
      }
      if (s === '/') {
        this.offset++;
        break;
      }
      body += s;
      this.offset++;
    }
    return { body, flags: this.readWhile(/[a-z]/) };
  }

  /** Reads characters as long as each matches `oneChar`. */
  readWhile(oneChar: RegExp): string {
    const src = this.source;
    let text = '';
    while (this.offset < src.length && oneChar.test(src[this.offset]!)) text += src[this.offset++]!;
    return text;
  }

  /** Reads `&&` or `||` if one starts here and returns the word it stands for (`and`, `or`). */
  readLogicalOperator(): 'and' | 'or' | undefined {
    const ch = this.peek();
    if ((ch === '&' || ch === '|') && this.peek(1) === ch) {
      this.offset += 2;
      return ch === '&' ? 'and' : 'or';
    }
    return undefined;
  }

  /** Refuses the character here, naming a control character by its code point. */
  unexpectedCharacter(expected: string): never {
    const ch = this.source[this.offset]!;
    const shown = ch.codePointAt(0)! < 32 ? `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : `"${ch}"`;
    throw this.refuse(`Unexpected character ${shown}: expected ${expected}`, this.line, this.column);
  }
}
