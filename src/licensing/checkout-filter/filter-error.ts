import type { ErrorDetail } from '../../common/errors.js';
import { PositionedError } from '../positioned-error.js';

/**
 * A refused checkout filter, pointing at the line and column (1-based) of the problem. Every
 * problem the lexer or parser finds is one of these, so callers can show the position and
 * nothing else ever escapes.
 */
export class FilterError extends PositionedError {
  constructor(message: string, line: number, column: number, details?: ErrorDetail[]) {
    super('FILTER_REJECTED', message, line, column, details);
    this.name = 'FilterError';
  }
}
