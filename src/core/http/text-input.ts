import type { FastifyInstance } from 'fastify';
import { problems } from '../errors.ts';

/** The first string under `value` that holds a NUL character, as the path to it. */
function nulAt(value: unknown, path: string[]): string[] | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulAt(value[i], [...path, String(i)]);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const found = nulAt(inner, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * PostgreSQL text cannot hold the NUL character (U+0000), which JSON and query strings can carry:
 * such a request is refused, naming the field, before any route reads it, instead of failing in
 * the database. Fields are named as validation names them: a body's by their path, the query's
 * and the path's with that prefix.
 */
export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const field =
      nulAt(request.body, []) ?? nulAt(request.query, ['query']) ?? nulAt(request.params, ['path']);
    if (field) throw problems.invalid(field.join('.') || 'body', 'must not contain the NUL character (U+0000)');
  });
}
