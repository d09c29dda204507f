// incident-search: full-text search over a million incidents and their notes through n3sp's HTTP
// API (the desk's queue, ?q=…), beside the same tsquery sent straight to the same database.
// N3SP_BENCH_INCIDENTS sets how many incidents are loaded (default 1,000,000). See docs/performance.md.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Benchmark, BenchContext, BenchResult, Figure } from './lib/benchmark.ts';
import { scratchDatabase } from './lib/databases.ts';
import { forkWorker, type Worker } from './lib/worker.ts';
import { httpClient } from './lib/http.ts';
import { runLoad, summarizeSamples, type LoadOptions, type Sample } from './lib/load.ts';
import { MB, type PhaseSummary } from './lib/stats.ts';
import { openDatabase, type Db } from '../src/core/db/database.ts';
import { migrate } from '../src/core/db/migrate.ts';
import { seedNetwork } from './incidents/seed.ts';
import { AFFECTS, FINDINGS, NOTE_LINES, SYMPTOMS } from './incidents/workload.ts';
import { SEARCH_SAMPLE } from '../src/domain/search-shape.ts';

type Memory = { rss: number; peakRss: number };
const CHUNK = 100_000;

/**
 * A million incidents in a few statements: titles, descriptions and notes made from the desk's
 * words and the seeded practices' names, spread over three years, most of them closed. The search
 * indexes are dropped for the load and built again afterwards (as `pg_indexes` had them), which
 * is how a bulk load is done; the rows are the table's own, with their generated tsvectors.
 */
export async function loadIncidents(db: Db, count: number, log: (m: string) => void): Promise<void> {
  const indexes = await sql<{ indexname: string; indexdef: string }>`select i.indexname, i.indexdef from pg_indexes i
    where i.tablename in ('incident', 'incident_note') and i.schemaname = current_schema()
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`.execute(db);
  for (const index of indexes.rows) await sql.raw(`drop index "${index.indexname}"`).execute(db);
  await sql`create temporary table bench_site as select row_number() over (order by id) - 1 as n, id, organisation_id, name from site`.execute(db);
  const sites = Number((await sql<{ n: number }>`select count(*)::int as n from bench_site`.execute(db)).rows[0]!.n);
  const words = { symptoms: [...SYMPTOMS], affects: [...AFFECTS], findings: [...FINDINGS], notes: [...NOTE_LINES] };
  const base = Number((await sql<{ n: number }>`select coalesce(max(id), 0)::bigint as n from incident`.execute(db)).rows[0]!.n);
  const t0 = performance.now();
  for (let lo = 1; lo <= count; lo += CHUNK) {
    const hi = Math.min(count, lo + CHUNK - 1);
    // Ages run from three years ago (g = 1) to today (g = count), so ids ascend with time.
    await sql`insert into incident (title, description, source, caller_name, organisation_id, site_id, category, impact, urgency, priority,
        state, resolution_code, resolution_notes, responded_at, resolved_at, closed_at, created_at, updated_at)
      select w.symptom || ' at ' || s.name,
             w.symptom || ' affecting ' || w.affects || '. ' || w.note || ' ' || initcap(w.finding) || '.',
             (array['agent', 'portal', 'email', 'monitoring'])[1 + g % 4], 'Practice manager', s.organisation_id, s.id,
             (array['connectivity', 'performance', 'hardware', 'dns', 'telephony'])[1 + g % 5],
             (array['high', 'medium', 'low'])[1 + g % 3], (array['high', 'medium', 'low'])[1 + (g / 3) % 3],
             (array['P1', 'P2', 'P3', 'P2', 'P3', 'P4', 'P3', 'P4', 'P5'])[1 + g % 9],
             st.state, case when st.state in ('resolved', 'closed') then 'fixed_by_supplier' end,
             case when st.state in ('resolved', 'closed') then initcap(w.finding) end,
             t.at + interval '20 minutes', case when st.state in ('resolved', 'closed') then t.at + interval '6 hours' end,
             case when st.state = 'closed' then t.at + interval '3 days' end, t.at, t.at
      from generate_series(${lo}::int, ${hi}::int) as g
      cross join lateral (select now() - (interval '3 years') * (1 - g::float8 / ${count}::int) as at) as t
      cross join lateral (select case when g > ${count - Math.ceil(count / 50)}::int then (array['new', 'assigned', 'in_progress', 'pending_customer'])[1 + g % 4]
                                      when g > ${count - Math.ceil(count / 25)}::int then 'resolved' else 'closed' end as state) as st
      cross join lateral (select (${words.symptoms}::text[])[1 + floor(random() * ${words.symptoms.length}::int)::int] as symptom,
                                 (${words.affects}::text[])[1 + floor(random() * ${words.affects.length}::int)::int] as affects,
                                 (${words.findings}::text[])[1 + floor(random() * ${words.findings.length}::int)::int] as finding,
                                 (${words.notes}::text[])[1 + floor(random() * ${words.notes.length}::int)::int] as note, g as seq) as w
      join bench_site s on s.n = (g::bigint * 7919) % ${sites}::int`.execute(db);
    // Notes: none, one or two per incident (a million in all), work notes and customer updates.
    await sql`insert into incident_note (incident_id, kind, customer_visible, body, author_name, source, created_at)
      select i.id, case when k = 1 then 'work_note' else 'comment' end, k <> 1,
             (${words.notes}::text[])[1 + floor(random() * ${words.notes.length}::int)::int] || ' ' ||
             initcap((${words.findings}::text[])[1 + floor(random() * ${words.findings.length}::int)::int]) || '.',
             'Service desk', 'web', i.created_at + interval '1 hour' * k
      from incident i cross join generate_series(1, (i.id % 3)::int) as k
      where i.id > ${base + lo - 1}::bigint and i.id <= ${base + hi}::bigint`.execute(db);
    // The note vectors the incidents module keeps on each incident as notes are added (migration 0013).
    await sql`update incident i set notes_search = x.every_note, public_notes_search = x.customer_notes
      from (select incident_id, to_tsvector('english', string_agg(body, ' ' order by id)) as every_note,
                   to_tsvector('english', coalesce(string_agg(body, ' ' order by id) filter (where customer_visible), '')) as customer_notes
              from incident_note where incident_id > ${base + lo - 1}::bigint and incident_id <= ${base + hi}::bigint group by incident_id) x
      where i.id = x.incident_id`.execute(db);
    log(`${hi.toLocaleString('en-GB')} incidents loaded (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
  const t1 = performance.now();
  await sql`set maintenance_work_mem = '512MB'`.execute(db);
  for (const index of indexes.rows) await sql.raw(index.indexdef).execute(db);
  // The load's update of the note vectors left a dead version of two rows in three: vacuum them
  // as autovacuum would soon after, so that searches read the table a live system has.
  await sql`vacuum analyze incident`.execute(db);
  await sql`analyze incident_note`.execute(db);
  log(`${indexes.rows.length} indexes built again in ${((performance.now() - t1) / 1000).toFixed(0)} s`);
}

/**
 * What people type into the queue's search box: a fault, a fault and a place, a quoted phrase, a
 * cause, an incident number, a word nobody wrote. Built from the same words as the data.
 */
const GENERIC = new Set(['SURGERY', 'SURGERIES', 'MEDICAL', 'CENTRE', 'HEALTH', 'PRACTICE', 'GROUP', 'PARTNERSHIP', 'CLINIC', 'DOCTORS', 'FAMILY', 'ROAD', 'STREET', 'LANE', 'HOUSE', 'THE', 'AND', 'PRIMARY', 'CARE']);

export function searchTerms(siteNames: string[], count: number): string[] {
  const word = (text: string, n: number) => {
    const ws = text.split(/[^A-Za-z0-9-]+/).filter((w) => w.length > 3);
    return ws[n % ws.length] ?? text;
  };
  // A practice is searched by what sets its name apart ("Beech Tree"), not by "surgery".
  const place = (name: string) => name.split(/[^A-Za-z0-9-]+/).filter((w) => w.length > 2 && !GENERIC.has(w.toUpperCase())).slice(0, 2).join(' ') || name;
  const terms: string[] = [];
  for (let i = 0; terms.length < count; i++) {
    const symptom = SYMPTOMS[(i * 7) % SYMPTOMS.length]!;
    const where = place(siteNames[(i * 7919) % siteNames.length]!);
    const finding = FINDINGS[(i * 5) % FINDINGS.length]!;
    switch (i % 8) {
      case 0: terms.push(word(symptom, i)); break;
      case 1: terms.push(`${word(symptom, i)} ${where}`); break;
      case 2: terms.push(`"${symptom.toLowerCase()}"`); break;
      case 3: terms.push(`${word(finding, i)} ${word(symptom, i + 1)}`); break;
      case 4: terms.push(`INC${String(1 + ((i * 104_729) % 1_000_000)).padStart(7, '0')}`); break;
      case 5: terms.push(where); break;
      case 6: terms.push(`${word(symptom, i)} -${word(finding, i)}`); break;
      default: terms.push(`${word(finding, i)} ${where}`);
    }
  }
  return terms;
}

async function startWorker(ctx: BenchContext, file: string, stdout: 'inherit' | 'ignore'): Promise<Worker> {
  const worker = await forkWorker(new URL(file, import.meta.url), { stdout });
  ctx.onCleanup(() => worker.stop());
  return worker;
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const count = Number(process.env.N3SP_BENCH_INCIDENTS ?? 1_000_000);
  const auditKey = randomBytes(32).toString('hex');
  let t0 = performance.now();
  const scratch = await scratchDatabase(ctx.engine, ctx.postgresUrl, 'search');
  ctx.onCleanup(scratch.drop);
  let siteNames: string[];
  let source: string;
  let loadS: number;
  {
    const database = await openDatabase({ databaseUrl: scratch.databaseUrl, dataDir: scratch.dataDir, poolSize: 1 });
    try {
      await migrate(database.db);
      const network = await seedNetwork(database.db, auditKey);
      siteNames = network.sites.map((s) => s.name);
      source = network.source;
      ctx.log(`network seeded (${source}) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      t0 = performance.now();
      await loadIncidents(database.db, count, ctx.log);
      loadS = (performance.now() - t0) / 1000;
    } finally {
      await database.close();
    }
  }
  const sizes = await (async () => {
    const database = await openDatabase({ databaseUrl: scratch.databaseUrl, dataDir: scratch.dataDir, poolSize: 1 });
    try {
      const { rows } = await sql<{ incidents: number; notes: number; bytes: string }>`select (select count(*)::int from incident) as incidents,
        (select count(*)::int from incident_note) as notes, pg_size_pretty(pg_database_size(current_database())) as bytes`.execute(database.db);
      return rows[0]!;
    } finally {
      await database.close();
    }
  })();
  ctx.log(`${sizes.incidents.toLocaleString('en-GB')} incidents and ${sizes.notes.toLocaleString('en-GB')} notes loaded in ${loadS.toFixed(0)} s (database ${sizes.bytes})`);

  // Searches only read: on PostgreSQL the baseline searches the same database (same cache).
  // PGlite serves one process, so there it searches a copy, taken while the database is closed.
  let baseDir = scratch.dataDir;
  if (ctx.engine === 'pglite') {
    const copy = await scratchDatabase(ctx.engine, ctx.postgresUrl, 'searchbase', scratch);
    ctx.onCleanup(copy.drop);
    baseDir = copy.dataDir;
  }
  const server = await startWorker(ctx, './api-records/server-worker.ts', 'ignore');
  const started = await server.call<{ url: string; token: string }>(
    'start',
    { ...(scratch.databaseUrl ? { DATABASE_URL: scratch.databaseUrl } : { N3SP_DATA_DIR: scratch.dataDir! }), N3SP_AUDIT_KEY: auditKey },
    { poolSize: ctx.concurrency },
  );
  const baseline = await startWorker(ctx, './incidents/baseline-worker.ts', 'inherit');
  await baseline.call('open', { databaseUrl: scratch.databaseUrl, dataDir: baseDir, poolSize: ctx.concurrency });

  const terms = searchTerms(siteNames, 400);
  const matches = await baseline.call<number[]>('matches', terms);
  const sorted = [...matches].sort((a, b) => a - b);
  const client = httpClient(started.url, ctx.concurrency, { authorization: `Bearer ${started.token}` });
  const api = (seq: number) => client.expect(200, 'GET', `/api/v1/incidents?q=${encodeURIComponent(terms[seq % terms.length]!)}`).then(() => undefined);

  const durationMs = ctx.durationS * 1000;
  const slices = 2 * Math.max(1, Math.round(ctx.durationS / 4));
  // One search at a time (the latency a person at the desk sees), then the benchmark's concurrency.
  const phases = [
    { label: 'search, one at a time', concurrency: 1 },
    { label: `search, ${ctx.concurrency} concurrent`, concurrency: ctx.concurrency },
  ];
  const results: Array<{ label: string; n3sp: PhaseSummary; baseline: PhaseSummary }> = [];
  for (const phase of phases) {
    const samples = { n3sp: [] as Sample[], baseline: [] as Sample[] };
    const seq = { n3sp: 0, baseline: 0 };
    const load = (slice: number, firstSeq: number): LoadOptions => ({
      concurrency: phase.concurrency,
      durationMs: durationMs / slices,
      maxOps: 1_000_000,
      warmupMs: slice === 0 ? Math.min(3000, Math.max(1000, durationMs / 5)) : 0,
      firstSeq,
    });
    const runBaseline = async (slice: number) => {
      const sample = await baseline.call<Sample>('phase', 'search', load(slice, seq.baseline), terms);
      samples.baseline.push(sample);
      seq.baseline = sample.nextSeq;
    };
    const runN3sp = async (slice: number) => {
      const sample = await runLoad(load(slice, seq.n3sp), api);
      samples.n3sp.push(sample);
      seq.n3sp = sample.nextSeq;
    };
    for (let slice = 0; slice < slices; slice++) {
      if (slice % 2 === 0) {
        await runBaseline(slice);
        await runN3sp(slice);
      } else {
        await runN3sp(slice);
        await runBaseline(slice);
      }
    }
    const result = { label: phase.label, n3sp: summarizeSamples(samples.n3sp), baseline: summarizeSamples(samples.baseline) };
    results.push(result);
    const line = (who: string, p: PhaseSummary) => `${phase.label}: ${who.padEnd(8)} ${p.throughput.toFixed(0)}/s, p50 ${p.p50.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms`;
    ctx.log(line('baseline', result.baseline));
    ctx.log(line('n3sp', result.n3sp));
  }
  client.close();
  const memory = { server: await server.call<Memory>('memory'), baseline: await baseline.call<Memory>('memory') };

  const figures: Figure[] = [];
  for (const r of results) {
    figures.push(
      { label: `${r.label}: throughput`, unit: 'req/s', value: r.n3sp.throughput, baseline: r.baseline.throughput, better: 'higher' },
      { label: `${r.label}: p50`, unit: 'ms', value: r.n3sp.p50, baseline: r.baseline.p50, better: 'lower' },
      { label: `${r.label}: p99`, unit: 'ms', value: r.n3sp.p99, baseline: r.baseline.p99, better: 'lower' },
    );
  }
  figures.push({ label: 'resident memory, peak under load', unit: 'MB', value: memory.server.peakRss / MB, baseline: memory.baseline.peakRss / MB, better: 'lower' });
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    baseline: `the same statements n3sp sends for a search (an incident number looked up; otherwise websearch_to_tsquery tried on the newest ${SEARCH_SAMPLE.toLocaleString('en-GB')} incidents and the sites' names in one statement, then the first page of 50 newest first found by walking the queue's order or from the full-text indexes, as src/domain/search-shape.ts chooses, with the queue's names and SLA standing) sent straight through ${ctx.engine === 'postgres' ? `pg (a pool of ${ctx.concurrency}) to the same database` : 'PGlite, on a copy of the database'}, at the same concurrency, from a process of its own.`,
    figures,
    notes: [
      `Data: ${sizes.incidents.toLocaleString('en-GB')} incidents and ${sizes.notes.toLocaleString('en-GB')} notes over three years at ${siteNames.length.toLocaleString('en-GB')} sites (${source}); titles, descriptions and notes from a vocabulary of ${SYMPTOMS.length} faults, ${AFFECTS.length} affected services, ${FINDINGS.length} causes and ${NOTE_LINES.length} note lines, and the practices' names. Loaded in ${loadS.toFixed(0)} s; database ${sizes.bytes}.`,
      `${terms.length} search terms in turn (a fault word, fault and place, a quoted phrase, cause and fault, an incident number, a place, a fault without a cause): incidents matched per term — median ${at(0.5).toLocaleString('en-GB')}, 90th percentile ${at(0.9).toLocaleString('en-GB')}, most ${sorted.at(-1)!.toLocaleString('en-GB')}; the page holds at most 50.`,
      `Searches are the desk's (staff API token, network scope), through \`GET /api/v1/incidents?q=…\`. n3sp's pool: ${ctx.engine === 'postgres' ? `${ctx.concurrency} connections, as the baseline's` : 'the one PGlite connection'}.`,
    ],
    details: { count, sizes, loadS, terms, matches, phases: results, memory },
  };
}

const benchmark: Benchmark = {
  name: 'incident-search',
  description: 'Full-text search over 1,000,000 incidents through GET /api/v1/incidents?q=, against the same tsquery straight to the database',
  run,
};
export default benchmark;
