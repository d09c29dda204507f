import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { inTransaction, type AppContext } from '../context.ts';
import type { Tx } from '../journal/journal.ts';
import { problems } from '../errors.ts';
import { canonicalJson } from '../../domain/audit-chain.ts';
import { principalOf } from './route-access.ts';

export interface Created<T> {
  status: number;
  body: T;
  headers?: Record<string, string>;
}

/**
 * A create that may be retried safely. With an `Idempotency-Key` header, the key is claimed in
 * the same transaction as the create: a concurrent retry waits on the key's row and then answers
 * with the first result; a retry after success replays it; a failed create leaves no key behind.
 * Reusing a key for a different request is refused.
 */
export async function createOnce<T>(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  create: (tx: Tx) => Promise<Created<T>>,
): Promise<T> {
  const key = request.headers['idempotency-key'];
  const result = key === undefined ? await inTransaction(ctx, create) : await inTransaction(ctx, (tx) => claimOrReplay(tx, request, String(key), create));
  void reply.status(result.status).headers(result.headers ?? {});
  return result.body;
}

async function claimOrReplay<T>(tx: Tx, request: FastifyRequest, key: string, create: (tx: Tx) => Promise<Created<T>>): Promise<Created<T>> {
  if (key.length < 1 || key.length > 200) throw problems.invalid('header.idempotency-key', 'must be 1 to 200 characters');
  const principal = `user:${principalOf(request).userId}`;
  const digest = createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url} ${canonicalJson(request.params)} ${canonicalJson(request.body)}`)
    .digest('hex');
  const claimed = await sql`insert into idempotency_key (principal, key, request_digest) values (${principal}, ${key}, ${digest})
    on conflict do nothing returning key`.execute(tx);
  if (claimed.rows.length === 0) {
    const first = await tx.selectFrom('idempotency_key').selectAll().where('principal', '=', principal).where('key', '=', key).executeTakeFirstOrThrow();
    if (first.request_digest !== digest) throw problems.unprocessable('header.idempotency-key', 'was already used for a different request');
    const stored = first.body as { body: T; headers?: Record<string, string> };
    return { status: first.status ?? 200, body: stored.body, headers: { ...stored.headers, 'idempotent-replayed': 'true' } };
  }
  const result = await create(tx);
  await tx
    .updateTable('idempotency_key')
    .set({ status: result.status, body: JSON.stringify({ body: result.body, headers: result.headers }) })
    .where('principal', '=', principal)
    .where('key', '=', key)
    .execute();
  return result;
}
