import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type pg from 'pg';

/**
 * Statements planned once per connection. A hot statement whose planning costs more than running
 * it (the record page's read, a new record's clock terms: a few primary-key lookups wrapped in
 * jsonb aggregates) is sent as a named prepared statement, so that PostgreSQL parses it once per
 * connection and, after a few runs, reuses its plan. Only statements marked for it are prepared:
 * a generic plan suits a lookup by key, not a search whose best plan depends on its values.
 *
 * Mark a statement by ending it with `planOnce`: `.modifyEnd(planOnce)` on a query builder, or
 * `${planOnce}` at the end of a `sql` template. On PGlite the mark is only a comment.
 */
export const MARK = '/* n3sp:plan-once */';
export const planOnce = sql.raw(MARK);

// Each distinct text is a statement kept by the server for the connection's life; texts differ
// with the length of a list in them (a customer's organisations), so a connection keeps at most
// this many and sends any other text unnamed.
const MOST_PER_CONNECTION = 100;

type Query = (...args: unknown[]) => unknown;

/** Lets a pooled pg client send marked statements as named prepared statements. */
export function prepareMarkedStatements(client: pg.PoolClient): void {
  const send = client.query.bind(client) as Query;
  const named = new Set<string>();
  client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text === 'string' && Array.isArray(values) && text.endsWith(MARK)) {
      const name = `n3sp_${createHash('sha1').update(text).digest('base64url')}`;
      if (named.has(name) || named.size < MOST_PER_CONNECTION) {
        named.add(name);
        return send({ name, text, values }, callback);
      }
    }
    return send(text, values, callback);
  }) as typeof client.query;
}
