import { createHash } from 'node:crypto';
import { CompiledQuery, sql, type Compilable, type Kysely } from 'kysely';
import type pg from 'pg';
import type { Tables } from './tables.ts';

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
export const PLAN_ONCE_MARK = '/* n3sp:plan-once */';
export const planOnce = sql.raw(PLAN_ONCE_MARK);

// Each distinct text is a statement kept by the server for the connection's life; texts differ
// with the length of a list in them (a customer's organisations), so a connection keeps at most
// this many and sends any other text unnamed.
const MOST_PER_CONNECTION = 100;

type Query = (...args: unknown[]) => unknown;

// A statement's name, by its text: hashing a long text on every call cost more than the lookup.
// Bounded for the same reason as the connection's statements.
const names = new Map<string, string>();
function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `n3sp_${createHash('sha1').update(text).digest('base64url')}`;
    if (names.size >= 10 * MOST_PER_CONNECTION) names.delete(names.keys().next().value!);
    names.set(text, name);
  }
  return name;
}

/** Lets a pooled pg client send marked statements as named prepared statements. */
export function prepareMarkedStatements(client: pg.PoolClient): void {
  const send = client.query.bind(client) as Query;
  const named = new Set<string>();
  client.query = ((text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text === 'string' && Array.isArray(values) && text.endsWith(PLAN_ONCE_MARK)) {
      const name = nameOf(text);
      if (named.has(name) || named.size < MOST_PER_CONNECTION) {
        named.add(name);
        return send({ name, text, values }, callback);
      }
    }
    return send(text, values, callback);
  }) as typeof client.query;
}

/**
 * A value a statement is compiled around: built once with slots where its values go, the
 * statement's text and constant parameters are kept, and each run fills the slots in.
 */
class Slot {
  constructor(readonly index: number) {}
}

// Statements per shape kept at most (a shape per scope: the network, each supplier, each set of
// organisations a customer holds).
const MOST_SHAPES = 500;

/**
 * A hot statement built and compiled by Kysely once per shape rather than on every call: a read
 * of some forty columns and subqueries takes Kysely about 0.1 ms to build, more than PostgreSQL
 * takes to run it prepared. `build` gets the shape (what changes the statement's text, such as
 * the caller's scope) and slots standing in for the values, which it may only place in the
 * statement as values, never branch on. The shape's key is its JSON.
 */
export function compiledOnce<S, V extends unknown[], R>(build: (db: Kysely<Tables>, shape: S, ...values: V) => Compilable<R>) {
  const compiled = new Map<string, CompiledQuery<R>>();
  return async (db: Kysely<Tables>, shape: S, ...values: V): Promise<R[]> => {
    const key = JSON.stringify(shape);
    let statement = compiled.get(key);
    if (!statement) {
      const slots = values.map((_, i) => new Slot(i)) as unknown as V;
      statement = build(db, shape, ...slots).compile();
      if (compiled.size >= MOST_SHAPES) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, statement);
    }
    const parameters = statement.parameters.map((p) => (p instanceof Slot ? values[p.index] : p));
    const { rows } = await db.executeQuery<R>(CompiledQuery.raw(statement.sql, parameters) as CompiledQuery<R>);
    return rows;
  };
}
