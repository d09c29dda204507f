// api-records: authenticated record writes and reads through n3sp's HTTP API, beside the same
// statements sent straight to the same database. See docs/performance.md.
import { randomBytes } from 'node:crypto';
import type { Benchmark, BenchContext, BenchResult, Figure } from './lib/benchmark.ts';
import { scratchDatabase, type ScratchDatabase } from './lib/databases.ts';
import { forkWorker, type Worker } from './lib/worker.ts';
import { httpClient } from './lib/http.ts';
import { runLoad, summarizeSamples, type LoadOptions, type Sample } from './lib/load.ts';
import { MB, type PhaseSummary } from './lib/stats.ts';
import { openDatabase } from '../src/core/db/database.ts';
import { migrate } from '../src/core/db/migrate.ts';
import { seed, seedOrganisations } from './api-records/seed.ts';
import { LIST_LIMIT, newOrganisation, readCode } from './api-records/workload.ts';

type Memory = { rss: number; peakRss: number };
const PHASES = [
  { kind: 'write', label: 'create organisation', maxOps: 200_000 },
  { kind: 'read', label: 'read organisation', maxOps: 1_000_000 },
  { kind: 'list', label: `list page of ${LIST_LIMIT}`, maxOps: 1_000_000 },
] as const;

async function prepare(ctx: BenchContext, label: string, organisations: ReturnType<typeof seedOrganisations>['organisations'], auditKey: string): Promise<ScratchDatabase> {
  const scratch = await scratchDatabase(ctx.engine, ctx.postgresUrl, label);
  ctx.onCleanup(scratch.drop);
  const database = await openDatabase({ databaseUrl: scratch.databaseUrl, dataDir: scratch.dataDir, poolSize: 1 });
  try {
    await migrate(database.db);
    await seed(database.db, organisations, auditKey);
  } finally {
    await database.close();
  }
  return scratch;
}

async function startWorker(ctx: BenchContext, file: string, stdout: 'inherit' | 'ignore'): Promise<Worker> {
  const worker = await forkWorker(new URL(file, import.meta.url), { stdout });
  ctx.onCleanup(() => worker.stop());
  return worker;
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const auditKey = randomBytes(32).toString('hex');
  const { organisations, source } = seedOrganisations();
  const codes = organisations.map((o) => o.odsCode);

  let t0 = performance.now();
  const apiDb = await prepare(ctx, 'api', organisations, auditKey);
  ctx.log(`database migrated and seeded with ${source} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // The baseline's database: a copy of the seeded one, so both start from the same rows.
  const baseDb = await scratchDatabase(ctx.engine, ctx.postgresUrl, 'base', apiDb);
  ctx.onCleanup(baseDb.drop);

  // The server logs as `n3sp serve` does (info, one line per request), to /dev/null.
  const server = await startWorker(ctx, './api-records/server-worker.ts', 'ignore');
  const started = await server.call<{ url: string; token: string; chained: number; chainMs: number }>('start', {
    ...(apiDb.databaseUrl ? { DATABASE_URL: apiDb.databaseUrl } : { N3SP_DATA_DIR: apiDb.dataDir! }),
    N3SP_AUDIT_KEY: auditKey,
  }, { poolSize: ctx.concurrency });
  ctx.log(`n3sp server (pid ${server.pid}) at ${started.url}; chained the ${started.chained} seeded journal entries in ${started.chainMs.toFixed(0)} ms`);
  const baseline = await startWorker(ctx, './api-records/baseline-worker.ts', 'inherit');
  await baseline.call('open', { databaseUrl: baseDb.databaseUrl, dataDir: baseDb.dataDir, poolSize: ctx.concurrency, codes, auditKey });

  const idle = { server: await server.call<Memory>('memory'), baseline: await baseline.call<Memory>('memory') };
  const client = httpClient(started.url, ctx.concurrency, { authorization: `Bearer ${started.token}` });
  const api = {
    write: (seq: number) => client.expect(201, 'POST', '/api/v1/organisations', newOrganisation(seq)).then(() => undefined),
    read: (seq: number) => client.expect(200, 'GET', `/api/v1/organisations/${readCode(codes, seq)}`).then(() => undefined),
    list: () => client.expect(200, 'GET', `/api/v1/organisations?limit=${LIST_LIMIT}`).then(() => undefined),
  };

  // Each phase alternates short slices of baseline and n3sp (ABBA), so that whatever else the
  // machine is doing falls on both sides alike; latencies are pooled over the slices.
  const durationMs = ctx.durationS * 1000;
  const warmupMs = Math.min(3000, Math.max(1000, durationMs / 5));
  const slices = 2 * Math.max(1, Math.round(ctx.durationS / 4));
  const results: Record<string, { n3sp: PhaseSummary; baseline: PhaseSummary }> = {};
  const chain = { unchainedAtSliceEnd: 0, maxUnchained: 0, drainMs: 0 };
  const load = (phase: (typeof PHASES)[number], slice: number, firstSeq: number): LoadOptions => ({
    concurrency: ctx.concurrency,
    durationMs: durationMs / slices,
    maxOps: Math.ceil(phase.maxOps / slices),
    warmupMs: slice === 0 ? warmupMs : 0,
    firstSeq,
  });
  for (const phase of PHASES) {
    const samples = { n3sp: [] as Sample[], baseline: [] as Sample[] };
    const seq = { n3sp: 0, baseline: 0 };
    const runBaseline = async (slice: number) => {
      const sample = await baseline.call<Sample>('phase', phase.kind, load(phase, slice, seq.baseline));
      samples.baseline.push(sample);
      seq.baseline = sample.nextSeq;
    };
    const runN3sp = async (slice: number) => {
      // While writes run, watch how far the audit chain falls behind them.
      let watching = phase.kind === 'write';
      const watcher = (async () => {
        while (watching) {
          await new Promise((r) => setTimeout(r, 1000));
          if (watching) chain.maxUnchained = Math.max(chain.maxUnchained, await server.call<number>('unchained'));
        }
      })();
      const sample = await runLoad(load(phase, slice, seq.n3sp), api[phase.kind]);
      watching = false;
      await watcher;
      samples.n3sp.push(sample);
      seq.n3sp = sample.nextSeq;
      if (phase.kind === 'write') {
        const unchained = await server.call<number>('unchained');
        chain.unchainedAtSliceEnd = Math.max(chain.unchainedAtSliceEnd, unchained);
        chain.maxUnchained = Math.max(chain.maxUnchained, unchained);
      }
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
      // Bounded: a chainer that never catches up is a finding, not a reason to hang.
      t0 = performance.now();
      while ((await server.call<number>('unchained')) > 0 && performance.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 20));
      chain.drainMs = performance.now() - t0;
    }
    results[phase.kind] = { n3sp: summarizeSamples(samples.n3sp), baseline: summarizeSamples(samples.baseline) };
    const line = (who: string, p: PhaseSummary) => `${phase.kind}: ${who.padEnd(8)} ${p.throughput.toFixed(0)}/s, p50 ${p.p50.toFixed(2)} ms, p99 ${p.p99.toFixed(2)} ms`;
    ctx.log(line('baseline', results[phase.kind]!.baseline));
    ctx.log(line('n3sp', results[phase.kind]!.n3sp));
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
  figures.push(
    { label: 'resident memory, idle after start', unit: 'MB', value: idle.server.rss / MB, baseline: idle.baseline.rss / MB, better: 'lower' },
    { label: 'resident memory, peak under load', unit: 'MB', value: peak.server.peakRss / MB, baseline: peak.baseline.peakRss / MB, better: 'lower' },
  );
  const engineWord = ctx.engine === 'postgres' ? `pg (a pool of ${ctx.concurrency}) to a second scratch database on the same PostgreSQL server` : 'PGlite (its own data folder, same seed)';
  const writes = results.write!.n3sp.ops;
  return {
    baseline: `the same INSERTs (organisation + sealed journal row, one transaction) and SELECTs, sent straight through ${engineWord}, from a process of its own at the same concurrency. Memory is each process's RSS: the n3sp server's against the baseline process's.`,
    figures,
    notes: [
      `Data: ${source}, loaded into both databases; reads pick seeded organisations by a fixed stride, the same on both sides.`,
      `Audit chain: at most ${chain.maxUnchained.toLocaleString('en-GB')} journal entries waited to be chained during ${writes.toLocaleString('en-GB')} writes; at most ${chain.unchainedAtSliceEnd.toLocaleString('en-GB')} when a slice of writes ended; the last linked ${chain.drainMs.toFixed(0)} ms after the writes stopped. Start-up catch-up: ${started.chained.toLocaleString('en-GB')} entries in ${started.chainMs.toFixed(0)} ms. \`audit verify\` after the run: ok, ${verdict.checked.toLocaleString('en-GB')} entries in ${(verifyMs / 1000).toFixed(1)} s.`,
      `n3sp's pool: ${ctx.engine === 'postgres' ? `${ctx.concurrency} connections, as the baseline's` : 'the one PGlite connection'}; the server logs each request at info level (one line), as \`n3sp serve\` does, to /dev/null. The load generator (HTTP client) runs in the runner's process on the same machine and its CPU time counts against n3sp's side only.`,
    ],
    details: { source, concurrency: ctx.concurrency, durationMs, warmupMs, slices, phases: results, memory: { idle, peak }, chain, startupChain: { entries: started.chained, ms: started.chainMs }, verify: { ...verdict, ms: verifyMs } },
  };
}

const benchmark: Benchmark = {
  name: 'api-records',
  description: 'POST, GET and list /api/v1/organisations over HTTP with an API token, against the same SQL sent straight to the database',
  run,
};
export default benchmark;
