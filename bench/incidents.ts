// incidents: incidents logged and read through n3sp's HTTP API with an API token (validation,
// journal, audit chain, SLA clocks), beside the same incident row inserted and read straight
// through the driver. See docs/performance.md.
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { Benchmark, BenchContext, BenchResult, Figure } from './lib/benchmark.ts';
import { scratchDatabase } from './lib/databases.ts';
import { forkWorker, type Worker } from './lib/worker.ts';
import { httpClient } from './lib/http.ts';
import { runLoad, summarizeSamples, type LoadOptions, type Sample } from './lib/load.ts';
import type { PhaseSummary } from './lib/stats.ts';
import { drainChain, logPhase, memoryFigures, memoryOf, phaseFigures, runAbba, slicingOf, verifyAfterRun, type Side } from './lib/abba.ts';
import { openDatabase } from '../src/core/db/database.ts';
import { migrate } from '../src/core/db/migrate.ts';
import { seedNetwork, type SeedSite } from './incidents/seed.ts';
import { newIncident, readId } from './incidents/workload.ts';

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

  const idle = await memoryOf(server, baseline);
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

  const slicing = slicingOf(ctx);
  const results: Record<string, Record<string, PhaseSummary>> = {};
  const chain = { maxUnchained: 0, drainMs: 0 };
  for (const phase of PHASES) {
    const sides: Record<string, Side> = {
      baseline: (load) => baseline.call<Sample>('phase', phase.kind, load),
      // The same rows by hand: incidents the read phase does not read.
      ...(phase.kind === 'write' ? { rows: (load: LoadOptions) => baseline.call<Sample>('phase', 'write-rows', { ...load, firstSeq: 1_000_000 + load.firstSeq }) } : {}),
      n3sp: async (load) => {
        const sample = await runLoad(load, api[phase.kind]);
        if (phase.kind === 'write') chain.maxUnchained = Math.max(chain.maxUnchained, await server.call<number>('unchained'));
        return sample;
      },
    };
    results[phase.kind] = await runAbba(ctx, slicing, phase.maxOps, sides);
    if (phase.kind === 'write') chain.drainMs = await drainChain(server);
    logPhase(ctx, phase.kind, results[phase.kind]!);
  }
  // What HTTP and the token cost alone: an authenticated request that does nothing, as the
  // budget below needs it.
  const nothing = summarizeSamples([await runLoad({ concurrency: ctx.concurrency, durationMs: slicing.durationMs / slicing.slices, maxOps: 1_000_000, warmupMs: 1000, firstSeq: 0 }, () => client.expect(200, 'GET', '/api/v1/session').then(() => undefined))]);
  ctx.log(`nothing: n3sp     ${nothing.throughput.toFixed(0)}/s, machine CPU ${nothing.machineCpuMsPerOp.toFixed(3)} ms/op`);
  client.close();
  const peak = await memoryOf(server, baseline);
  const verify = await verifyAfterRun(server);
  const { n3sp: created, baseline: oneRow, rows } = results.write!;
  const figures: Figure[] = [
    ...PHASES.flatMap((phase) => phaseFigures(phase.label, results[phase.kind]!.n3sp!, results[phase.kind]!.baseline!)),
    { label: 'log incident against the same rows by hand: throughput', unit: 'req/s', value: created!.throughput, baseline: rows!.throughput, better: 'higher' },
    { label: 'log incident against the same rows by hand: p50', unit: 'ms', value: created!.p50, baseline: rows!.p50, better: 'lower' },
    { label: 'the same rows by hand against one row: throughput', unit: 'req/s', value: rows!.throughput, baseline: oneRow!.throughput, better: 'higher' },
    { label: 'log incident: machine CPU per incident', unit: 'ms', value: created!.machineCpuMsPerOp, baseline: oneRow!.machineCpuMsPerOp, better: 'lower' },
    { label: 'the same rows by hand: machine CPU per incident', unit: 'ms', value: rows!.machineCpuMsPerOp, baseline: oneRow!.machineCpuMsPerOp, better: 'lower' },
    { label: 'an authenticated request that does nothing: machine CPU', unit: 'ms', value: nothing.machineCpuMsPerOp, baseline: oneRow!.machineCpuMsPerOp, better: 'lower' },
    { label: 'read incident: machine CPU per read', unit: 'ms', value: results.read!.n3sp!.machineCpuMsPerOp, baseline: results.read!.baseline!.machineCpuMsPerOp, better: 'lower' },
    ...memoryFigures(idle, peak),
  ];
  const engineWord = ctx.engine === 'postgres' ? `pg (a pool of ${ctx.concurrency}) to a second scratch database on the same PostgreSQL server` : 'PGlite (its own data folder, same seed)';
  return {
    baseline: `one INSERT of the same incident row (committed on its own; no journal, clocks or audit); the same rows as n3sp writes, by hand (the incident, its clock subject, two clocks and four timers in one statement, then the sealed journal entry, in one transaction); and the record page's read as n3sp sends it (one SELECT of an incident with the names shown beside it and its CIs, children and clocks as jsonb) of the incidents written with their rows, sent straight through ${engineWord}, from a process of its own at the same concurrency${ctx.engine === 'postgres' ? ', each as a named prepared statement (planned once per connection, as n3sp sends its hot statements)' : ''}. Memory is each process's RSS.`,
    figures,
    notes: [
      `Data: ${source}. Each write logs an incident at the next site (staff API token: priority from impact × urgency, response and resolution clocks started with their jobs, journal entry sealed); reads take the incidents each side wrote with their clocks (the baseline: those of the same rows by hand), by a fixed stride.`,
      `Audit chain: at most ${chain.maxUnchained.toLocaleString('en-GB')} journal entries waited to be chained at the end of a slice of writes; the last linked ${chain.drainMs.toFixed(0)} ms after the writes stopped; \`audit verify\` after the run: ok, ${verify.checked.toLocaleString('en-GB')} entries in ${(verify.ms / 1000).toFixed(1)} s.`,
      budgetNote(oneRow!, nothing),
      `n3sp's pool: ${ctx.engine === 'postgres' ? `${ctx.concurrency} connections, as the baseline's` : 'the one PGlite connection'}; request logging at info level to /dev/null. The HTTP client runs in the runner's process on the same machine; its CPU counts against n3sp's side only.`,
    ],
    details: { source, concurrency: ctx.concurrency, ...slicing, phases: results, memory: { idle, peak }, chain, verify },
  };
}

/**
 * What issue 4's create target leaves a create to spend. At half the one-row rate, with every core
 * busy, a create may use cores ÷ (0.5 × that rate) of machine CPU; the equivalent row's INSERT and
 * an authenticated request that does nothing are the parts no create can do without.
 */
function budgetNote(oneRow: PhaseSummary, nothing: PhaseSummary): string {
  const cores = availableParallelism();
  const budget = (cores * 1000) / (0.5 * oneRow.throughput);
  const floor = oneRow.machineCpuMsPerOp + nothing.machineCpuMsPerOp;
  const ms = (v: number) => `${v.toFixed(3)} ms`;
  return `Machine CPU (all processes, from /proc/stat) per operation: at 0.5× of the one-row rate on ${cores} cores, a create may use at most ${ms(budget)}; the equivalent row's INSERT alone uses ${ms(oneRow.machineCpuMsPerOp)} and an authenticated HTTP request that does nothing (\`GET /api/v1/session\`) ${ms(nothing.machineCpuMsPerOp)}: ${ms(floor)} (${((100 * floor) / budget).toFixed(0)} % of the budget) before the clocks, their timers, the journal entry, validation and the answer.`;
}

const benchmark: Benchmark = {
  name: 'incidents',
  description: 'POST and GET /api/v1/incidents over HTTP with an API token (journal, audit, SLA clocks), against one INSERT and one SELECT of the same row straight to the database',
  run,
};
export default benchmark;
