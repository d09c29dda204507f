import { sql, type SelectQueryBuilder } from 'kysely';
import { problems } from '../errors.ts';

export interface PageRequest {
  limit?: number;
  cursor?: string;
  sort?: string;
}

export interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

export interface SortSpec {
  /** API sort key → SQL column; each sorted column must be NOT NULL, appear in the selection under
   *  its key, and (if a timestamp) be timestamptz(3), so the cursor holds its value exactly. */
  columns: Record<string, string>;
  /** Unique tie-breaker column, also selected under `tieKey`. */
  tie: string;
  tieKey: string;
  defaultSort: string;
  /** Where a row holds a sort key's value when not under the key itself (the incident queue's
   *  `number` sorts by `id`, as the number itself is text). */
  rowKeys?: Record<string, string>;
}

interface Cursor {
  s: string;
  v: unknown;
  t: unknown;
}

/**
 * Keyset pagination, the same for every list: the cursor carries the last row's sort value and
 * tie-breaker, and the next page starts strictly after them. Unlike offsets, rows inserted or
 * deleted meanwhile never make a page repeat or skip a row that was already there.
 */
export async function paginate<DB, TB extends keyof DB, O extends Record<string, unknown>>(
  query: SelectQueryBuilder<DB, TB, O>,
  spec: SortSpec,
  request: PageRequest,
): Promise<PageOf<O>> {
  const sort = request.sort ?? spec.defaultSort;
  const descending = sort.startsWith('-');
  const key = descending ? sort.slice(1) : sort;
  const column = spec.columns[key];
  if (!column) throw problems.invalid('query.sort', `must be one of ${Object.keys(spec.columns).join(', ')}`);
  const limit = request.limit ?? 50;
  let q = query as SelectQueryBuilder<any, any, O>;
  if (request.cursor) {
    const cursor = decodeCursor(request.cursor);
    if (cursor.s !== sort) throw problems.invalid('query.cursor', 'belongs to a different sort order; start again without a cursor');
    const op = sql.raw(descending ? '<' : '>');
    q = q.where(sql<boolean>`(${sql.ref(column)}, ${sql.ref(spec.tie)}) ${op} (${cursor.v}, ${cursor.t})`);
  }
  const direction = descending ? 'desc' : 'asc';
  const rows = await q
    .orderBy(sql.ref(column), direction)
    .orderBy(sql.ref(spec.tie), direction)
    .limit(limit + 1)
    .execute();
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  const last = items[items.length - 1];
  return {
    items,
    nextCursor: more && last ? encodeCursor({ s: sort, v: cursorValue(last[spec.rowKeys?.[key] ?? key]), t: cursorValue(last[spec.tieKey]) }) : null,
  };
}

/**
 * A sort value as the cursor carries it. The drivers read timestamptz 'infinity' (a due time not
 * yet set, which sorts last) as a number that JSON would turn into null; as text it compares in
 * SQL as the timestamp it was.
 */
function cursorValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value === Infinity) return 'infinity';
  if (value === -Infinity) return '-infinity';
  return value;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const cursor = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof cursor.s === 'string' && 'v' in cursor && 't' in cursor) return cursor;
  } catch {
    // fall through to the problem below
  }
  throw problems.invalid('query.cursor', 'is not a cursor this server issued');
}

/** Items of a page mapped to their API shape, keeping the cursor. */
export function mapPage<A, B>(page: PageOf<A>, present: (row: A) => B): PageOf<B> {
  return { items: page.items.map(present), nextCursor: page.nextCursor };
}
