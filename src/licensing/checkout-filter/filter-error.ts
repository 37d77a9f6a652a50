import type { ErrorDetail } from '../../common/errors.js';
import { TallyError } from '../../common/errors.js';

/**
 * A refused checkout filter, pointing at the line and column (1-based) of the problem. Every
 * problem the lexer or parser finds is one of these, so callers can show the position and
 * nothing else ever escapes.
 */
export class FilterError extends TallyError {
  readonly line: number;
  readonly column: number;

  constructor(message: string, line: number, column: number, details?: ErrorDetail[]) {
    super('FILTER_REJECTED', `Line ${line}, column ${column}: ${message}`, details ?? [{ field: 'text', message: `line ${line}, column ${column}: ${message}` }]);
    this.name = 'FilterError';
    this.line = line;
    this.column = column;
  }
}
