// The baseline: the same statements as n3sp's organisations module, sent straight through the
// driver (pg to the same PostgreSQL server, or PGlite in this process), from a closed loop of
// the same concurrency, in a process of its own so that its resident memory can be compared.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { runLoad, type LoadOptions } from '../lib/load.ts';
import { serveWorker } from '../lib/worker.ts';
import { baselineWrite, INSERT_JOURNAL, INSERT_ORGANISATION, LIST_LIMIT, LIST_ORGANISATIONS, READ_ORGANISATION, readCode } from './workload.ts';

interface Session {
  query(text: string, params: unknown[]): Promise<{ rows: unknown[] }>;
}
let driver: { query: Session['query']; transaction<T>(work: (s: Session) => Promise<T>): Promise<T>; close(): Promise<void> } | undefined;
let codes: string[] = [];
let auditKey = '';
const ACTOR = { id: 1, name: 'bench' };

serveWorker({
  open: async (options: { databaseUrl?: string; dataDir?: string; poolSize: number; codes: string[]; auditKey: string }) => {
    codes = options.codes;
    auditKey = options.auditKey;
    if (options.databaseUrl) {
      const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize });
      driver = {
        query: (text, params) => pool.query(text, params),
        transaction: async (work) => {
          const client = await pool.connect();
          try {
            await client.query('begin');
            const result = await work(client);
            await client.query('commit');
            return result;
          } catch (error) {
            await client.query('rollback');
            throw error;
          } finally {
            client.release();
          }
        },
        close: () => pool.end(),
      };
    } else {
      const pglite = await PGlite.create(options.dataDir!);
      driver = {
        query: (text, params) => pglite.query(text, params),
        transaction: (work) => pglite.transaction((tx) => work(tx)),
        close: () => pglite.close(),
      };
    }
  },
  /** One measured slice of a phase: write, read or list. */
  phase: async (kind: 'write' | 'read' | 'list', load: LoadOptions) => {
    const d = driver!;
    const ops = {
      write: async (seq: number) => {
        const { organisation, journal } = baselineWrite(seq, auditKey, ACTOR);
        await d.transaction(async (tx) => {
          const { rows } = await tx.query(INSERT_ORGANISATION, organisation);
          await tx.query(INSERT_JOURNAL, journal((rows[0] as { id: number }).id));
        });
      },
      read: async (seq: number) => {
        const { rows } = await d.query(READ_ORGANISATION, [readCode(codes, seq)]);
        if (rows.length !== 1) throw new Error(`no organisation ${readCode(codes, seq)}`);
      },
      list: async () => {
        const { rows } = await d.query(LIST_ORGANISATIONS, [LIST_LIMIT + 1]);
        if (rows.length !== LIST_LIMIT + 1) throw new Error('short page');
      },
    };
    return runLoad(load, ops[kind]);
  },
  close: async () => driver?.close(),
});
