// incidents: incidents logged and read through n3sp's HTTP API with an API token (validation,
// journal, audit chain, SLA clocks), beside the same incident row inserted and read straight
// through the driver. See docs/performance.md.
import { randomBytes } from 'node:crypto';
import type { Benchmark, BenchContext, BenchResult, Figure } from './lib/benchmark.ts';
import { scratchDatabase } from './lib/databases.ts';
import { forkWorker, type Worker } from './lib/worker.ts';
import { httpClient } from './lib/http.ts';
import { runLoad, summarizeSamples, type LoadOptions, type Sample } from './lib/load.ts';
import { MB, type PhaseSummary } from './lib/stats.ts';
import { openDatabase } from '../src/core/db/database.ts';
import { migrate } from '../src/core/db/migrate.ts';
import { seedNetwork, type SeedSite } from './incidents/seed.ts';
import { newIncident, readId } from './incidents/workload.ts';

type Memory = { rss: number; peakRss: number };
const PHASES = [
  { kind: 'write', label: 'log incident', maxOps: 200_000 },
  { kind: 'read', label: 'read incident', maxOps: 1_000_000 },
] as const;

async function startWorker(ctx: BenchContext, file: string, stdout: 'inherit' | 'ignore'): Promise<Worker> {
  const worker = await forkWorker(new URL(file, import.meta.url), { stdout });
  ctx.onCleanup(() => worker.stop());
  return worker;
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const auditKey = randomBytes(32).toString('hex');
  let t0 = performance.now();
  const apiDb = await scratchDatabase(ctx.engine, ctx.postgresUrl, 'inc');
  ctx.onCleanup(apiDb.drop);
  let sites: SeedSite[];
  let source: string;
  {
    const database = await openDatabase({ databaseUrl: apiDb.databaseUrl, dataDir: apiDb.dataDir, poolSize: 1 });
    try {
      await migrate(database.db);
      ({ sites, source } = await seedNetwork(database.db, auditKey));
    } finally {
      await database.close();
    }
  }
  ctx.log(`database migrated and seeded with ${source} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const baseDb = await scratchDatabase(ctx.engine, ctx.postgresUrl, 'incbase', apiDb);
  ctx.onCleanup(baseDb.drop);

  // The server logs as `n3sp serve` does (info, one line per request), to /dev/null.
  const server = await startWorker(ctx, './api-records/server-worker.ts', 'ignore');
  const started = await server.call<{ url: string; token: string; chained: number; chainMs: number }>(
    'start',
    { ...(apiDb.databaseUrl ? { DATABASE_URL: apiDb.databaseUrl } : { N3SP_DATA_DIR: apiDb.dataDir! }), N3SP_AUDIT_KEY: auditKey },
    { poolSize: ctx.concurrency },
  );
  ctx.log(`n3sp server (pid ${server.pid}) at ${started.url}`);
  const baseline = await startWorker(ctx, './incidents/baseline-worker.ts', 'inherit');
  await baseline.call('open', { databaseUrl: baseDb.databaseUrl, dataDir: baseDb.dataDir, poolSize: ctx.concurrency, sites, auditKey });

  const idle = { server: await server.call<Memory>('memory'), baseline: await baseline.call<Memory>('memory') };
  const client = httpClient(started.url, ctx.concurrency, { authorization: `Bearer ${started.token}` });
  // The incidents n3sp logged: what its read phase reads (the baseline keeps its own).
  const logged: number[] = [];
  const api = {
    write: async (seq: number) => {
      const res = await client.expect(201, 'POST', '/api/v1/incidents', newIncident(seq, sites[seq % sites.length]!));
      logged.push(Number(/"id":(\d+)/.exec(res.body)![1]));
    },
    read: (seq: number) => client.expect(200, 'GET', `/api/v1/incidents/${readId(logged, seq)}`).then(() => undefined),
  };

  // ABBA slices, as in api-records: whatever else the machine does falls on both sides alike.
  const durationMs = ctx.durationS * 1000;
  const warmupMs = Math.min(3000, Math.max(1000, durationMs / 5));
  const slices = 2 * Math.max(1, Math.round(ctx.durationS / 4));
  const results: Record<string, { n3sp: PhaseSummary; baseline: PhaseSummary; rows?: PhaseSummary }> = {};
  const chain = { maxUnchained: 0, drainMs: 0 };
  const load = (phase: (typeof PHASES)[number], slice: number, firstSeq: number): LoadOptions => ({
    concurrency: ctx.concurrency,
    durationMs: durationMs / slices,
    maxOps: Math.ceil(phase.maxOps / slices),
    warmupMs: slice === 0 ? warmupMs : 0,
    firstSeq,
  });
  for (const phase of PHASES) {
    const samples = { n3sp: [] as Sample[], baseline: [] as Sample[], rows: [] as Sample[] };
    const seq = { n3sp: 0, baseline: 0 };
    // A write slice of the baseline is the one row and then the same rows by hand, each on a
    // sequence of its own (the rows side writes incidents the read phase does not read).
    const runBaseline = async (slice: number) => {
      const sample = await baseline.call<Sample>('phase', phase.kind, load(phase, slice, seq.baseline));
      samples.baseline.push(sample);
      seq.baseline = sample.nextSeq;
      if (phase.kind === 'write') samples.rows.push(await baseline.call<Sample>('phase', 'write-rows', load(phase, slice, 1_000_000 + slice * 100_000)));
    };
    const runN3sp = async (slice: number) => {
      const sample = await runLoad(load(phase, slice, seq.n3sp), api[phase.kind]);
      samples.n3sp.push(sample);
      seq.n3sp = sample.nextSeq;
      if (phase.kind === 'write') chain.maxUnchained = Math.max(chain.maxUnchained, await server.call<number>('unchained'));
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
    if (phase.kind === 'write') {
      t0 = performance.now();
      while ((await server.call<number>('unchained')) > 0 && performance.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
      chain.drainMs = performance.now() - t0;
    }
    results[phase.kind] = {
      n3sp: summarizeSamples(samples.n3sp),
      baseline: summarizeSamples(samples.baseline),
      ...(samples.rows.length > 0 ? { rows: summarizeSamples(samples.rows) } : {}),
    };
    const line = (who: string, p: PhaseSummary) => `${phase.kind}: ${who.padEnd(8)} ${p.throughput.toFixed(0)}/s, p50 ${p.p50.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms`;
    ctx.log(line('baseline', results[phase.kind]!.baseline));
    ctx.log(line('n3sp', results[phase.kind]!.n3sp));
    if (results[phase.kind]!.rows) ctx.log(line('rows', results[phase.kind]!.rows!));
  }
  client.close();
  const peak = { server: await server.call<Memory>('memory'), baseline: await baseline.call<Memory>('memory') };
  t0 = performance.now();
  const verdict = await server.call<{ ok: boolean; checked: number; unchained: number; firstBreak?: unknown }>('verify');
  const verifyMs = performance.now() - t0;
  if (!verdict.ok) throw new Error(`the audit chain does not verify after the run: ${JSON.stringify(verdict.firstBreak)}`);

  const figures: Figure[] = [];
  for (const phase of PHASES) {
    const { n3sp, baseline: base } = results[phase.kind]!;
    figures.push(
      { label: `${phase.label}: throughput`, unit: 'req/s', value: n3sp.throughput, baseline: base.throughput, better: 'higher' },
      { label: `${phase.label}: p50`, unit: 'ms', value: n3sp.p50, baseline: base.p50, better: 'lower' },
      { label: `${phase.label}: p99`, unit: 'ms', value: n3sp.p99, baseline: base.p99, better: 'lower' },
    );
  }
  const rows = results.write!.rows!;
  figures.push(
    { label: 'log incident against the same rows by hand: throughput', unit: 'req/s', value: results.write!.n3sp.throughput, baseline: rows.throughput, better: 'higher' },
    { label: 'log incident against the same rows by hand: p50', unit: 'ms', value: results.write!.n3sp.p50, baseline: rows.p50, better: 'lower' },
    { label: 'the same rows by hand against one row: throughput', unit: 'req/s', value: rows.throughput, baseline: results.write!.baseline.throughput, better: 'higher' },
    { label: 'resident memory, idle after start', unit: 'MB', value: idle.server.rss / MB, baseline: idle.baseline.rss / MB, better: 'lower' },
    { label: 'resident memory, peak under load', unit: 'MB', value: peak.server.peakRss / MB, baseline: peak.baseline.peakRss / MB, better: 'lower' },
  );
  const engineWord = ctx.engine === 'postgres' ? `pg (a pool of ${ctx.concurrency}) to a second scratch database on the same PostgreSQL server` : 'PGlite (its own data folder, same seed)';
  return {
    baseline: `one INSERT of the same incident row (committed on its own; no journal, clocks or audit); the same rows as n3sp writes, by hand (the incident, its clock subject, two clocks and four timers in one statement, then the sealed journal entry, in one transaction); and one SELECT of an incident with the names shown beside it, sent straight through ${engineWord}, from a process of its own at the same concurrency. Memory is each process's RSS.`,
    figures,
    notes: [
      `Data: ${source}. Each write logs an incident at the next site (staff API token: priority from impact × urgency, response and resolution clocks started with their jobs, journal entry sealed); reads take the incidents each side wrote, by a fixed stride.`,
      `Audit chain: at most ${chain.maxUnchained.toLocaleString('en-GB')} journal entries waited to be chained at the end of a slice of writes; the last linked ${chain.drainMs.toFixed(0)} ms after the writes stopped; \`audit verify\` after the run: ok, ${verdict.checked.toLocaleString('en-GB')} entries in ${(verifyMs / 1000).toFixed(1)} s.`,
      `n3sp's pool: ${ctx.engine === 'postgres' ? `${ctx.concurrency} connections, as the baseline's` : 'the one PGlite connection'}; request logging at info level to /dev/null. The HTTP client runs in the runner's process on the same machine; its CPU counts against n3sp's side only.`,
    ],
    details: { source, concurrency: ctx.concurrency, durationMs, warmupMs, slices, phases: results, memory: { idle, peak }, chain, verify: { ...verdict, ms: verifyMs } },
  };
}

const benchmark: Benchmark = {
  name: 'incidents',
  description: 'POST and GET /api/v1/incidents over HTTP with an API token (journal, audit, SLA clocks), against one INSERT and one SELECT of the same row straight to the database',
  run,
};
export default benchmark;
