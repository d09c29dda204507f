import { AsyncLocalStorage } from 'node:async_hooks';
import type { Config } from './config.ts';
import type { Db, Engine } from './db/database.ts';
import type { Journal, Tx } from './journal/journal.ts';
import type { JournalChainer } from './journal/chain.ts';
import type { PrincipalCache } from './auth/principal-cache.ts';

/** What every module's service needs, passed explicitly rather than reached for. */
export interface AppContext {
  db: Db;
  engine: Engine;
  config: Config;
  journal: Journal;
  chainer: JournalChainer;
  principals: PrincipalCache;
}

const transactionInProgress = new AsyncLocalStorage<boolean>();

/**
 * Runs `work` in one transaction: the record, its journal entry and any idempotency record
 * commit together or not at all. Afterwards the chainer is told there is something to link.
 */
export async function inTransaction<T>(ctx: AppContext, work: (tx: Tx) => Promise<T>): Promise<T> {
  // A transaction opened inside another would run on a second connection: not atomic with the
  // first on a server, and waiting forever on PGlite's single connection. Refuse it at once.
  if (transactionInProgress.getStore()) throw new Error('inTransaction was called inside a transaction: pass the transaction down instead');
  const result = await transactionInProgress.run(true, () => ctx.db.transaction().execute(work));
  ctx.chainer.poke();
  return result;
}
