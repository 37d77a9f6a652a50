import type { ErrorCode, ErrorDetail } from '../common/errors.js';
import { TallyError } from '../common/errors.js';

/**
 * A refused definition text, pointing at the line and column (1-based) where the problem is, so
 * callers can show the position. The message and the one `text` detail both carry it.
 */
export class PositionedError extends TallyError {
  readonly line: number;
  readonly column: number;

  constructor(code: ErrorCode, message: string, line: number, column: number, details?: ErrorDetail[]) {
    super(code, `Line ${line}, column ${column}: ${message}`, details ?? [{ field: 'text', message: `line ${line}, column ${column}: ${message}` }]);
    this.line = line;
    this.column = column;
  }
}
