/**
 * The one error registry. Every refusal the product makes carries one of these codes and the
 * HTTP status that goes with it. A retired code is never reused: mark it retired instead.
 */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, summary: 'The request is malformed or a field is invalid.' },
  INVALID_JSON: { status: 400, summary: 'The body is not valid JSON.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, summary: 'The body must be JSON.' },
  PAYLOAD_TOO_LARGE: { status: 413, summary: 'The body is larger than the server accepts.' },
  UNAUTHORIZED: { status: 401, summary: 'Credentials are missing, wrong or expired.' },
  FORBIDDEN: { status: 403, summary: 'The credentials do not allow this operation.' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, summary: 'The password must be changed before anything else.' },
  NOT_FOUND: { status: 404, summary: 'No such resource.' },
  METHOD_NOT_ALLOWED: { status: 405, summary: 'The resource does not support this method.' },
  CONFLICT: { status: 409, summary: 'The request conflicts with the current state.' },
  LICENSE_REJECTED: { status: 422, summary: 'The license file was refused; nothing was changed.' },
  MODEL_REJECTED: { status: 422, summary: 'The model definition was refused; the active model is unchanged.' },
  FILTER_REJECTED: { status: 422, summary: 'The checkout filter was refused; the active filter is unchanged.' },
  EXCHANGE_REFUSED: { status: 422, summary: 'The activation or capability request or response was refused (altered, replayed, stale or for another server); nothing was changed.' },
  ACTIVATION_REFUSED: { status: 422, summary: 'The back office refused the activation; nothing was activated.' },
  CLIENT_SIGNATURE_REFUSED: { status: 401, summary: 'The capability request is unsigned or not signed with the client key this server holds.' },
  BACK_OFFICE_UNREACHABLE: { status: 502, summary: 'The back office could not be reached or did not answer; nothing was changed.' },
  UNDO_NOT_ALLOWED: { status: 409, summary: 'The consumption cannot be undone.' },
  RATE_LIMITED: { status: 429, summary: 'Too many attempts; try again later.' },
  STORAGE_UNAVAILABLE: { status: 503, summary: 'Trusted storage could not commit; nothing was changed.' },
  NOT_SERVING: { status: 503, summary: 'This license server is the backup of a failover pair and does not serve now; ask the main.' },
  FAILOVER_PERIOD_OVER: { status: 503, summary: 'The backup served for the whole failover period the producer allows; it serves again once the main is back.' },
  NOT_READY: { status: 503, summary: 'The server is starting or stopping.' },
  INTERNAL: { status: 500, summary: 'An unexpected error; it was logged.' },
} as const satisfies Record<string, { status: number; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem with one field of the input, named by its path (`body.features.0.count`). */
export interface ErrorDetail {
  field: string;
  message: string;
}

/** The one error body shape on every API: `{error: {code, message, details}}`. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details: ErrorDetail[] };
}

/** An error meant for the caller: its message and details are safe to show. */
export class TallyError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];

  constructor(code: ErrorCode, message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'TallyError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** Shorthand for the most common refusal: one field, one reason. */
export function badField(field: string, message: string): TallyError {
  return new TallyError('BAD_REQUEST', `${field}: ${message}`, [{ field, message }]);
}

/** Turns zod-style issues into error details with dotted field paths; unknown keys are named one by one. */
export function detailsFromIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string; code?: string; keys?: readonly string[] }>,
  prefix = '',
): ErrorDetail[] {
  const fieldOf = (path: ReadonlyArray<PropertyKey>) =>
    [prefix, path.map((p) => String(p)).join('.')].filter((s) => s.length > 0).join('.') || '(root)';
  return issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys' && issue.keys
      ? issue.keys.map((key) => ({ field: fieldOf([...issue.path, key]), message: 'is not a known field' }))
      : [{ field: fieldOf(issue.path), message: issue.message }],
  );
}
