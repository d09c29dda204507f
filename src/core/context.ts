import type { Config } from './config.ts';
import type { Db, Engine } from './db/database.ts';
import type { Journal, Tx } from './journal/journal.ts';
import type { JournalChainer } from './journal/chain.ts';

/** What every module's service needs, passed explicitly rather than reached for. */
export interface AppContext {
  db: Db;
  engine: Engine;
  config: Config;
  journal: Journal;
  chainer: JournalChainer;
}

/**
 * Runs `work` in one transaction: the record, its journal entry and any idempotency record
 * commit together or not at all. Afterwards the chainer is told there is something to link.
 */
export async function inTransaction<T>(ctx: AppContext, work: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await ctx.db.transaction().execute(work);
  ctx.chainer.poke();
  return result;
}
