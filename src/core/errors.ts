/**
 * One error vocabulary for every module: a stable code (the problem type), its HTTP status and a
 * message safe to show a user. Routes and services throw these; the HTTP layer renders them as
 * RFC 9457 problem details.
 */
export interface FieldError {
  /** The offending field as a path: `name`, `parent.odsCode`, `query.limit`, `header.if-match`. */
  field: string;
  message: string;
}

export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(detail ?? title);
  }

  get type(): string {
    return `urn:n3sp:problem:${this.code}`;
  }
}

export const problems = {
  invalid: (field: string, message: string) =>
    new Problem(400, 'validation', 'The request is not valid', `${field}: ${message}`, [{ field, message }]),
  invalidFields: (errors: FieldError[]) =>
    new Problem(400, 'validation', 'The request is not valid', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors),
  unprocessable: (field: string, message: string) =>
    new Problem(422, 'unprocessable', 'The request cannot be carried out', `${field}: ${message}`, [{ field, message }]),
  /** Several fields at fault at once, each named with what is wrong with it. */
  unprocessableFields: (errors: FieldError[]) =>
    new Problem(422, 'unprocessable', 'The request cannot be carried out', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors),
  unauthorized: (detail = 'Sign in or present an API token.') => new Problem(401, 'unauthorized', 'Not signed in', detail),
  forbidden: (detail = 'Your role does not allow this.') => new Problem(403, 'forbidden', 'Not allowed', detail),
  /** Also what a record outside the caller's scope answers, so its existence is never revealed. */
  notFound: (what: string) => new Problem(404, 'not-found', 'Not found', `No ${what} here.`),
  conflict: (field: string, message: string) =>
    new Problem(409, 'conflict', 'Conflicts with an existing record', `${field}: ${message}`, [{ field, message }]),
  preconditionRequired: () =>
    new Problem(428, 'precondition-required', 'If-Match required', 'Send the ETag you last read in If-Match, so that a concurrent change is not overwritten.', [
      { field: 'header.if-match', message: 'is required' },
    ]),
  preconditionFailed: () =>
    new Problem(412, 'precondition-failed', 'The record has changed', 'Someone changed this record since you read it; read it again and retry.', [
      { field: 'header.if-match', message: 'does not match the current version' },
    ]),
  rateLimited: (retryAfterSeconds: number, detail: string) =>
    new Problem(429, 'rate-limited', 'Too many attempts', detail, undefined, { 'retry-after': String(retryAfterSeconds) }),
  csrf: () =>
    new Problem(403, 'csrf', 'Missing or wrong CSRF token', 'Writes made with the session cookie must send the X-CSRF-Token header given at sign-in.', [
      { field: 'header.x-csrf-token', message: 'is missing or does not match the session' },
    ]),
};
