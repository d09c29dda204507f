import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import { PGlitePool } from './pglite-pool.ts';
import { prepareMarkedStatements } from './prepared.ts';
import type { Tables } from './tables.ts';

export type Db = Kysely<Tables>;
export type Engine = 'pglite' | 'postgres';

export interface Database {
  db: Db;
  engine: Engine;
  /** The embedded instance, when the engine is PGlite (tests dump it to clone databases). */
  pglite?: PGlite;
  close(): Promise<void>;
}

// Both engines return the same JavaScript types: bigint ids as numbers (they stay far below 2^53),
// numeric as strings (money must not round), dates as 'YYYY-MM-DD' strings (a date has no zone).
const INT8 = 20;
const NUMERIC = 1700;
const DATE = 1082;
pg.types.setTypeParser(INT8, (v) => Number(v));
pg.types.setTypeParser(DATE, (v) => v);
const pgliteParsers = {
  [INT8]: (v: string) => Number(v),
  [NUMERIC]: (v: string) => v,
  [DATE]: (v: string) => v,
};

export interface OpenOptions {
  databaseUrl?: string;
  /** PGlite data folder; 'memory://' for a throw-away database. */
  dataDir?: string;
  /** A PGlite dump (from `dumpDataDir`) to start from, used by tests to skip re-migrating. */
  loadDataDir?: Blob | File;
  poolSize?: number;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // A connection the server drops (restart, failover, terminated backend) must fail the
    // request that was using it, never crash the process: pg-pool listens for errors on idle
    // clients only, so checked-out clients get a listener of their own. The pool discards a dead
    // client when it is released, and the request answers 503 so that the caller retries.
    pool.on('error', () => {});
    pool.on('connect', (client) => {
      client.on('error', () => {});
      prepareMarkedStatements(client);
    });
    const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool }) });
    return { db, engine: 'postgres', close: () => db.destroy() };
  }
  const dataDir = options.dataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, {
    parsers: pgliteParsers,
    loadDataDir: options.loadDataDir,
  });
  const pool = new PGlitePool(pglite);
  const db = new Kysely<Tables>({ dialect: new PostgresDialect({ pool: pool as never }) });
  return { db, engine: 'pglite', pglite, close: () => db.destroy() };
}
