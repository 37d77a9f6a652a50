/** A parser of one line-oriented format: pure, fed one line at a time, in order. */
export interface LineParser {
  /** One line without its line end; numbered from 1 within its file. */
  line(text: string, lineNo: number): void;
  /** The end of the input: emits whatever was held back. */
  end(): void;
  /** Lines so far that had this format's shape; a file with none in its first lines is refused. */
  readonly recognized: number;
  /** Why a file with no recognized lines is not of this format (a hint at the right one, if seen). */
  refusal(): string;
}

/** Lines kept from the start of a file to name its format when it is refused. */
export const SAMPLE_LINES = 10;

/** Names the format a file seems to be in, from its first lines, to help a refused import. */
export function guessFormat(sample: readonly string[]): string | null {
  for (const text of sample) {
    const guess = guessLine(text);
    if (guess) return guess;
  }
  return null;
}

function guessLine(text: string): string | null {
  if (text.startsWith('RLM Report Log Format')) return 'an RLM report log (tally import rlm)';
  if (text.includes('Flexible License Manager status on')) return 'lmstat output (tally import lmstat)';
  if (/^\s?\d{1,2}:\d{2}:\d{2} \([^)]+\) /.test(text)) return 'a FlexLM debug log (tally import flexlm)';
  if (/^\d{2}\/\d{2} \d{2}:\d{2} \([^)]+\) /.test(text)) return 'an RLM debug log';
  return null;
}
