import type { ErrorDetail } from '../../common/errors.js';
import { PositionedError } from '../positioned-error.js';

/**
 * A refused model definition, pointing at the line and column (1-based) where the problem is.
 * Every problem the lexer, parser or validation finds is one of these, so callers can show the
 * position and nothing else ever escapes.
 */
export class ModelError extends PositionedError {
  constructor(message: string, line: number, column: number, details?: ErrorDetail[]) {
    super('MODEL_REJECTED', message, line, column, details);
    this.name = 'ModelError';
  }

  /** The first of several problems, with every one of them in the details. */
  static all(problems: ModelError[]): ModelError {
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.column - b.column);
    const first = sorted[0]!;
    const text = first.message.slice(first.message.indexOf(': ') + 2);
    return new ModelError(text, first.line, first.column, sorted.flatMap((p) => p.details));
  }
}
