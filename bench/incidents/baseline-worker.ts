// The incident benchmarks' baseline: the same incident row inserted, read and searched straight
// through the driver (pg to the same PostgreSQL server, or PGlite in this process), from a
// closed loop of the same concurrency, in a process of its own so that its memory can be read.
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { runLoad, type LoadOptions } from '../lib/load.ts';
import { serveWorker } from '../lib/worker.ts';
import { baselineIncident, INSERT_INCIDENT, READ_INCIDENT, readId, SEARCH_INCIDENTS } from './workload.ts';

type Query = (text: string, params: unknown[]) => Promise<{ rows: unknown[] }>;
let driver: { query: Query; close(): Promise<void> } | undefined;
let sites: Array<{ id: number; name: string; organisationId: number }> = [];
/** The incidents this process inserted: what its read phase reads. */
const written: number[] = [];

serveWorker({
  open: async (options: { databaseUrl?: string; dataDir?: string; poolSize: number; sites?: typeof sites }) => {
    sites = options.sites ?? [];
    if (options.databaseUrl) {
      const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize });
      driver = { query: (text, params) => pool.query(text, params), close: () => pool.end() };
    } else {
      const pglite = await PGlite.create(options.dataDir!);
      driver = { query: (text, params) => pglite.query(text, params), close: () => pglite.close() };
    }
  },
  /** One measured slice: write (one INSERT, committed on its own), read (one SELECT by id) or search. */
  phase: async (kind: 'write' | 'read' | 'search', load: LoadOptions, queries: string[] = []) => {
    const d = driver!;
    const ops = {
      write: async (seq: number) => {
        const { rows } = await d.query(INSERT_INCIDENT, baselineIncident(seq, sites[seq % sites.length]!));
        written.push((rows[0] as { id: number }).id);
      },
      read: async (seq: number) => {
        const { rows } = await d.query(READ_INCIDENT, [readId(written, seq)]);
        if (rows.length !== 1) throw new Error(`no incident ${readId(written, seq)}`);
      },
      search: async (seq: number) => {
        await d.query(SEARCH_INCIDENTS, [queries[seq % queries.length]]);
      },
    };
    return runLoad(load, ops[kind]);
  },
  /** How many rows each search query finds (the first page is at most 50), for the notes. */
  matches: async (queries: string[]) => {
    const counts: number[] = [];
    for (const q of queries) {
      const { rows } = await driver!.query(
        `select count(*)::int as n from (select id from incident where search @@ websearch_to_tsquery('english', $1)
           union select incident_id from incident_note where search @@ websearch_to_tsquery('english', $1)) m`,
        [q],
      );
      counts.push((rows[0] as { n: number }).n);
    }
    return counts;
  },
  close: async () => driver?.close(),
});
