import { ApiError } from '../../api/client.js';
import type { TextMark } from './ModelEditor.js';

const AT = /^line (\d+), column (\d+): (.*)$/is;

/** The problems of a refused model (or checkout filter: `code`), each with its line and column as the API's details give them. */
export function modelProblems(error: unknown, code: 'MODEL_REJECTED' | 'FILTER_REJECTED' = 'MODEL_REJECTED'): TextMark[] | null {
  if (!(error instanceof ApiError) || error.code !== code) return null;
  const marks = error.details.flatMap((d) => {
    const m = AT.exec(d.message);
    return m ? [{ line: Number(m[1]), column: Number(m[2]), message: m[3]! }] : [];
  });
  return marks.length > 0 ? marks : [{ line: 1, column: 1, message: error.message }];
}
