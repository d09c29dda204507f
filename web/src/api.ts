/**
 * The one place the web application talks to the n3sp API: it sends the session's CSRF token on
 * every write, carries ETags to If-Match, and turns RFC 9457 problem details (or a failure to
 * reach the server at all) into an ApiError with a message fit to show a person.
 */

export interface FieldError {
  field: string;
  message: string;
}

/** The server names a field as the body's property, `body.` and the property, or a JSON pointer. */
export const namesField = (error: FieldError, field: string) => error.field === field || error.field === `body.${field}` || error.field === `/${field}`;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly type: string | undefined,
    readonly errors: FieldError[] = [],
    /** Seconds to wait, from Retry-After (429). */
    readonly retryAfter?: number,
  ) {
    super(detail ? `${title}: ${detail}` : title);
  }

  /** The problem's stable code: `precondition-failed` from `urn:n3sp:problem:precondition-failed`. */
  get code(): string | undefined {
    return this.type?.split(':').pop();
  }

  /** The message for one field of a form, if the server named it. */
  fieldMessage(field: string): string | undefined {
    return this.errors.find((e) => namesField(e, field))?.message;
  }

  /** Whether every refusal names one of these fields, so each can be shown beside its input. */
  allAbout(fields: readonly string[]): boolean {
    return this.errors.length > 0 && this.errors.every((e) => fields.some((f) => namesField(e, f)));
  }
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface Response<T> {
  data: T;
  /** The record's version as the server last gave it; send back as If-Match. */
  etag: string | null;
}

let csrfToken: string | null = null;
let unauthorizedListener: (() => void) | null = null;

/** Remembered at sign-in and on reading the session; sent as X-CSRF-Token on every write. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server says the session is gone (401) on an ordinary request. */
export function onUnauthorized(listener: (() => void) | null): void {
  unauthorizedListener = listener;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

/** `/api/v1` + path + the query's non-empty values. */
export function apiUrl(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return `/api/v1${path}${text ? `?${text}` : ''}`;
}

interface Options {
  query?: Query;
  body?: unknown;
  ifMatch?: string | null;
  /** Sign-in answers 401 for a wrong password: that is not a lost session. */
  expectUnauthorized?: boolean;
}

export async function request<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, options: Options = {}): Promise<Response<T>> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (options.ifMatch) headers['if-match'] = options.ifMatch;
  let response: globalThis.Response;
  try {
    response = await fetch(apiUrl(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, 'Cannot reach n3sp', 'The server did not answer. Check your connection and try again.', undefined);
  }
  const payload = await readBody(response);
  if (!response.ok) {
    if (response.status === 401 && !options.expectUnauthorized) unauthorizedListener?.();
    throw problemOf(response, payload);
  }
  return { data: payload as T, etag: response.headers.get('etag') };
}

async function readBody(response: globalThis.Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return await response.json();
    } catch {
      return undefined;
    }
  }
  return await response.text();
}

function problemOf(response: globalThis.Response, payload: unknown): ApiError {
  const retry = Number(response.headers.get('retry-after'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : undefined;
  if (payload && typeof payload === 'object' && 'title' in payload) {
    const p = payload as { title: string; detail?: string; type?: string; errors?: FieldError[] };
    return new ApiError(response.status, p.title, p.detail, p.type, p.errors ?? [], retryAfter);
  }
  return new ApiError(response.status, `The server answered ${response.status} ${response.statusText}`.trim(), undefined, undefined, [], retryAfter);
}

export const api = {
  get: <T>(path: string, query?: Query) => request<T>('GET', path, { query }),
  post: <T>(path: string, body: unknown, options: Omit<Options, 'body'> = {}) => request<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body: unknown, ifMatch: string | null) => request<T>('PATCH', path, { body, ifMatch }),
  put: <T>(path: string, body: unknown, ifMatch: string | null) => request<T>('PUT', path, { body, ifMatch }),
  delete: <T>(path: string) => request<T>('DELETE', path),
};
