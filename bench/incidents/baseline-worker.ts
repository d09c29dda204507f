// The incident benchmarks' baseline: the same incident row inserted, read and searched straight
// through the driver (pg to the same PostgreSQL server, or PGlite in this process), from a
// closed loop of the same concurrency, in a process of its own so that its memory can be read.
import { createHash } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { runLoad, type LoadOptions } from '../lib/load.ts';
import { serveWorker } from '../lib/worker.ts';
import { SEARCH_SAMPLE, searchShape } from '../../src/domain/search-shape.ts';
import {
  baselineIncident, baselineIncidentRows, CLOCK_TERMS, INSERT_INCIDENT, INSERT_INCIDENT_JOURNAL, INSERT_INCIDENT_ROWS, READ_INCIDENT, readId, SEARCH_INCIDENTS, EXCLUDES_A_WORD,
  type ClockTermsRow,
} from './workload.ts';

type Query = (text: string, params: unknown[]) => Promise<{ rows: unknown[] }>;

// The statements n3sp plans once per connection (src/core/db/prepared.ts) go by hand as named
// prepared statements too, so that neither side plans what the other does not; searches go unnamed
// on both sides.
const PREPARED = new Set([INSERT_INCIDENT, INSERT_INCIDENT_ROWS, INSERT_INCIDENT_JOURNAL, READ_INCIDENT]);
const named = (text: string, values: unknown[]) =>
  PREPARED.has(text) ? { name: `bench_${createHash('sha1').update(text).digest('base64url')}`, text, values } : { text, values };
let driver: { query: Query; transaction<T>(work: (query: Query) => Promise<T>): Promise<T>; close(): Promise<void> } | undefined;
let auditKey = '';
let terms: ClockTermsRow | undefined;
let sites: Array<{ id: number; name: string; organisationId: number }> = [];
/** The incidents this process wrote with their clocks and journal entry, as n3sp writes one: what its read phase reads. */
const written: number[] = [];

const INCIDENT_NUMBER = /^inc\d{7}$/i;

/** The statements n3sp sends for one search, and the choice it makes between them, by hand. */
async function search(query: Query, text: string): Promise<void> {
  if (INCIDENT_NUMBER.test(text.trim())) {
    await query(SEARCH_INCIDENTS.number, [text.trim().toUpperCase()]);
    return;
  }
  const excludes = EXCLUDES_A_WORD.test(text);
  const { rows } = await query(SEARCH_INCIDENTS.sample(excludes), [text, SEARCH_SAMPLE]);
  const { hits, incidents, sites } = rows[0] as { hits: number; incidents: number; sites: string[] };
  const shape = searchShape(hits, SEARCH_SAMPLE, incidents, 51) === 'walk' ? SEARCH_INCIDENTS.walk : SEARCH_INCIDENTS.index;
  const named = sites.map(Number);
  await query(shape(excludes, named.length > 0), named.length > 0 ? [text, named] : [text]);
}

serveWorker({
  open: async (options: { databaseUrl?: string; dataDir?: string; poolSize: number; sites?: typeof sites; auditKey?: string }) => {
    sites = options.sites ?? [];
    auditKey = options.auditKey ?? '';
    if (options.databaseUrl) {
      const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize });
      const transaction = async <T>(work: (query: Query) => Promise<T>) => {
        const client = await pool.connect();
        try {
          await client.query('begin');
          const result = await work((text, params) => client.query(named(text, params)));
          await client.query('commit');
          return result;
        } catch (error) {
          await client.query('rollback').catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      };
      driver = { query: (text, params) => pool.query(named(text, params)), transaction, close: () => pool.end() };
    } else {
      const pglite = await PGlite.create(options.dataDir!);
      const transaction = <T>(work: (query: Query) => Promise<T>) => pglite.transaction((tx) => work((text, params) => tx.query(text, params)));
      driver = { query: (text, params) => pglite.query(text, params), transaction, close: () => pglite.close() };
    }
    terms = (await driver.query(CLOCK_TERMS, [])).rows[0] as ClockTermsRow | undefined;
  },
  /** One measured slice: write (one INSERT, committed on its own), read (one SELECT by id) or search. */
  phase: async (kind: 'write' | 'write-rows' | 'read' | 'search', load: LoadOptions, queries: string[] = []) => {
    const d = driver!;
    const ops = {
      write: async (seq: number) => {
        await d.query(INSERT_INCIDENT, baselineIncident(seq, sites[seq % sites.length]!));
      },
      'write-rows': async (seq: number) => {
        const { rows, journal } = baselineIncidentRows(seq, sites[seq % sites.length]!, terms!, auditKey);
        await d.transaction(async (query) => {
          const inserted = (await query(INSERT_INCIDENT_ROWS, rows)).rows[0] as { id: number; number: string };
          await query(INSERT_INCIDENT_JOURNAL, journal(Number(inserted.id), inserted.number));
          written.push(Number(inserted.id));
        });
      },
      read: async (seq: number) => {
        const { rows } = await d.query(READ_INCIDENT, [readId(written, seq)]);
        if (rows.length !== 1) throw new Error(`no incident ${readId(written, seq)}`);
      },
      search: async (seq: number) => {
        await search(d.query, queries[seq % queries.length]!);
      },
    };
    return runLoad(load, ops[kind]);
  },
  /** How many incidents each search query finds (the first page is at most 50), for the notes. */
  matches: async (queries: string[]) => {
    const counts: number[] = [];
    for (const q of queries) {
      const { rows } = INCIDENT_NUMBER.test(q.trim())
        ? await driver!.query('select count(*)::int as n from incident where number = $1', [q.trim().toUpperCase()])
        : await driver!.query(`select count(*)::int as n from incident where search @@ websearch_to_tsquery('english', $1)
            or notes_search @@ websearch_to_tsquery('english', $1)`, [q]);
      counts.push((rows[0] as { n: number }).n);
    }
    return counts;
  },
  close: async () => driver?.close(),
});
