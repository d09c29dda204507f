import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { Problem, problems, type FieldError } from '../errors.ts';
import { patternMessage } from './schemas.ts';

/**
 * Database constraints that a user can run into, each named by the API field it concerns, so a
 * unique or foreign-key violation reads as an error about that field. Modules add their own.
 */
const constraintFields = new Map<string, { field: string; message: string }>();

export function describeConstraint(name: string, field: string, message: string): void {
  constraintFields.set(name, { field, message });
}

interface AjvError {
  instancePath: string;
  schemaPath?: string;
  message?: string;
  keyword: string;
  params: Record<string, unknown>;
}

const CONTEXTS: Record<string, string> = { body: 'body', querystring: 'query', params: 'path', headers: 'header' };

function fieldOf(context: string, error: AjvError): string {
  const path = error.instancePath
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const extra = (error.params.missingProperty ?? error.params.additionalProperty) as string | undefined;
  if (extra) path.push(extra);
  const prefix = context === 'body' ? [] : [CONTEXTS[context] ?? context];
  return [...prefix, ...path].join('.') || context;
}

/** What a string format asks for, in words a person filling in a form understands. */
const FORMAT_MESSAGES: Record<string, string> = {
  email: 'must be an e-mail address, like name@nhs.net',
  'date-time': 'must be a date and time, like 2026-11-25T14:30:00Z',
  date: 'must be a date, like 2026-11-25',
  time: 'must be a time of day, like 14:30:00',
  uri: 'must be a web address, like https://example.nhs.uk/',
  uuid: 'must be a UUID, like 3f2504e0-4f89-11d3-9a0c-0305e82c3301',
};

/** What was wrong, in the words a person filling in a form reads, for every client alike. */
function messageOf(e: AjvError): string {
  switch (e.keyword) {
    case 'additionalProperties':
      return 'is not a known field';
    case 'required':
      return 'is required';
    case 'enum':
      return Array.isArray(e.params.allowedValues) ? `must be one of ${e.params.allowedValues.join(', ')}` : (e.message ?? 'is not valid');
    case 'pattern':
      return patternMessage(String(e.params.pattern)) ?? e.message ?? 'is not valid';
    case 'format':
      return FORMAT_MESSAGES[String(e.params.format)] ?? e.message ?? 'is not valid';
    case 'type':
      return e.params.type === 'integer' ? 'must be a whole number' : e.params.type === 'number' ? 'must be a number' : (e.message ?? 'is not valid');
    case 'minLength':
      return e.params.limit === 1 ? 'cannot be empty' : `must be at least ${e.params.limit} characters`;
    case 'maxLength':
      return `must be at most ${e.params.limit} characters`;
    case 'minimum':
      return `must be at least ${e.params.limit}`;
    case 'maximum':
      return `must be at most ${e.params.limit}`;
    case 'exclusiveMinimum':
      return `must be more than ${e.params.limit}`;
    case 'maxItems':
      return `may have at most ${e.params.limit}`;
    default:
      return e.message ?? 'is not valid';
  }
}

/** "…/anyOf/2/…": the value was tried against each shape of a union, and this error is shape 2's. */
const UNION_BRANCH = /^(.*?\/(?:anyOf|oneOf)\/)(\d+)(?:\/|$)/;

/**
 * A value that may take one of several shapes (a dated or a period closure; a division or none)
 * fails each shape it is not, and the validator reports them all: "start is required; from is not
 * a known field; kind must be equal to constant" for a dated closure that only lacks its title.
 * Only the shape the value meant counts: the one whose `kind` (a constant) it gave, else the one
 * it came nearest to. Errors outside unions pass as they are.
 */
function meantShapesOnly(errors: AjvError[]): AjvError[] {
  const shapes = new Map<string, Map<string, AjvError[]>>();
  for (const e of errors) {
    const branch = e.schemaPath && UNION_BRANCH.exec(e.schemaPath);
    if (!branch) continue;
    const union = `${valuePathOf(e.instancePath, branch[1]!)} ${branch[1]}`;
    const byShape = shapes.get(union) ?? shapes.set(union, new Map()).get(union)!;
    byShape.set(branch[2]!, [...(byShape.get(branch[2]!) ?? []), e]);
  }
  const dropped = new Set<AjvError>();
  for (const byShape of shapes.values()) {
    const ranked = [...byShape.values()].sort((a, b) => missed(a) - missed(b));
    for (const other of ranked.slice(1)) for (const e of other) dropped.add(e);
  }
  return errors.filter((e) => !dropped.has(e));
}

/** The path of the value a union's schema (at `schemaPath`) was applied to: as many steps of the error's path as the schema path descends. */
function valuePathOf(instancePath: string, schemaPath: string): string {
  const tokens = schemaPath.split('/');
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i] === 'properties' || tokens[i] === 'patternProperties') {
      i++; // the property's name
      depth++;
    } else if (tokens[i] === 'items' || tokens[i] === 'additionalProperties') depth++;
  }
  return instancePath.split('/').slice(0, depth + 1).join('/');
}

/** How far a value is from a shape: its constant (the `kind`) not matched outweighs any number of other faults. */
const missed = (shapeErrors: AjvError[]) => shapeErrors.reduce((sum, e) => sum + (e.keyword === 'const' ? 1000 : 1), 0);

function validationProblem(error: FastifyError): Problem {
  const context = (error as FastifyError & { validationContext?: string }).validationContext ?? 'body';
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const e of meantShapesOnly((error.validation ?? []) as AjvError[])) {
    // anyOf/oneOf add a summary error beside each branch's; the branch errors say more.
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
    const field = fieldOf(context, e);
    const message = messageOf(e);
    const key = `${field} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push({ field, message });
  }
  return problems.invalidFields(errors.length ? errors : [{ field: context, message: error.message }]);
}

/** What the drivers say when the database went away under a request (restart, failover, kill). */
const LOST_CONNECTION =
  /ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|Connection terminated|not queryable|terminating connection|server closed the connection|timeout exceeded when trying to connect|Client was closed/i;

/** PostgreSQL errors that mean the request was wrong, or that the database is briefly away. */
function databaseProblem(error: { code?: string; constraint?: string; message: string }): Problem | undefined {
  const known = error.constraint ? constraintFields.get(error.constraint) : undefined;
  switch (error.code) {
    case '23505':
    case '23P01':
      return problems.conflict(known?.field ?? 'body', known?.message ?? 'already exists or overlaps an existing record');
    case '23503':
      return problems.unprocessable(known?.field ?? 'body', known?.message ?? 'refers to a record that does not exist, or is still referred to');
    case '23514':
    case '23502':
      return problems.unprocessable(known?.field ?? 'body', known?.message ?? 'breaks a rule of the record');
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
    case '22001':
    case '22021':
      return problems.invalid('body', 'has a value of the wrong form or size');
    case '40001':
    case '40P01':
    case '57P01':
    case '57P03':
    case '08006':
    case '08003':
    case '08001':
      return new Problem(503, 'unavailable', 'Try again', 'The database was briefly unavailable; nothing was saved. Retry the request.', undefined, { 'retry-after': '1' });
  }
  if (LOST_CONNECTION.test(error.message) || LOST_CONNECTION.test(error.code ?? '')) {
    return new Problem(503, 'unavailable', 'Try again', 'The database was briefly unavailable; nothing was saved. Retry the request.', undefined, { 'retry-after': '1' });
  }
  return undefined;
}

export function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  const e = error as FastifyError & { constraint?: string };
  if (e?.validation) return validationProblem(e);
  switch (e?.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new Problem(415, 'unsupported-media-type', 'Unsupported content type', 'Send application/json.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new Problem(413, 'payload-too-large', 'Request body too large', e.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problems.invalid('body', 'is empty; send a JSON object');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problems.invalid('body', 'is not valid JSON');
  }
  if (e instanceof SyntaxError || e?.name === 'SyntaxError') return problems.invalid('body', 'is not valid JSON');
  const db = e && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) ? databaseProblem(e) : undefined;
  if (db) return db;
  if (e && typeof e.message === 'string') {
    const connection = databaseProblem(e);
    if (connection) return connection;
  }
  if (e?.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return new Problem(e.statusCode, 'bad-request', 'Bad request', e.message);
  }
  return new Problem(500, 'internal', 'Internal error', 'Something went wrong on our side; it has been logged.');
}

export function problemBody(problem: Problem, request: FastifyRequest) {
  return {
    type: problem.type,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    instance: request.url,
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
}

export function installProblemHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    void reply
      .status(problem.status)
      .headers(problem.headers ?? {})
      .type('application/problem+json')
      .send(problemBody(problem, request));
  });
}
