// api-records: authenticated record writes and reads through n3sp's HTTP API, beside the same
// statements sent straight to the same database. See docs/performance.md.
import { randomBytes } from 'node:crypto';
import type { Benchmark, BenchContext, BenchResult, Figure } from './lib/benchmark.ts';
import { scratchDatabase, type ScratchDatabase } from './lib/databases.ts';
import { forkWorker, type Worker } from './lib/worker.ts';
import { httpClient } from './lib/http.ts';
import { runLoad, type LoadOptions, type Sample } from './lib/load.ts';
import type { PhaseSummary } from './lib/stats.ts';
import { drainChain, logPhase, memoryFigures, memoryOf, phaseFigures, runAbba, slicingOf, verifyAfterRun, type Side } from './lib/abba.ts';
import { openDatabase } from '../src/core/db/database.ts';
import { migrate } from '../src/core/db/migrate.ts';
import { seed, seedOrganisations } from './api-records/seed.ts';
import { LIST_LIMIT, newOrganisation, readCode } from './api-records/workload.ts';

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

  const idle = await memoryOf(server, baseline);
  const client = httpClient(started.url, ctx.concurrency, { authorization: `Bearer ${started.token}` });
  const api = {
    write: (seq: number) => client.expect(201, 'POST', '/api/v1/organisations', newOrganisation(seq)).then(() => undefined),
    read: (seq: number) => client.expect(200, 'GET', `/api/v1/organisations/${readCode(codes, seq)}`).then(() => undefined),
    list: () => client.expect(200, 'GET', `/api/v1/organisations?limit=${LIST_LIMIT}`).then(() => undefined),
  };

  const slicing = slicingOf(ctx);
  const results: Record<string, { n3sp: PhaseSummary; baseline: PhaseSummary }> = {};
  const chain = { unchainedAtSliceEnd: 0, maxUnchained: 0, drainMs: 0 };
  for (const phase of PHASES) {
    const n3sp = async (load: LoadOptions) => {
      // While writes run, watch how far the audit chain falls behind them.
      let watching = phase.kind === 'write';
      const watcher = (async () => {
        while (watching) {
          await new Promise((r) => setTimeout(r, 1000));
          if (watching) chain.maxUnchained = Math.max(chain.maxUnchained, await server.call<number>('unchained'));
        }
      })();
      const sample = await runLoad(load, api[phase.kind]);
      watching = false;
      await watcher;
      if (phase.kind === 'write') {
        const unchained = await server.call<number>('unchained');
        chain.unchainedAtSliceEnd = Math.max(chain.unchainedAtSliceEnd, unchained);
        chain.maxUnchained = Math.max(chain.maxUnchained, unchained);
      }
      return sample;
    };
    const sides = await runAbba(ctx, slicing, phase.maxOps, { baseline: (load) => baseline.call<Sample>('phase', phase.kind, load), n3sp });
    if (phase.kind === 'write') chain.drainMs = await drainChain(server);
    results[phase.kind] = { n3sp: sides.n3sp!, baseline: sides.baseline! };
    logPhase(ctx, phase.kind, sides);
  }
  client.close();
  const peak = await memoryOf(server, baseline);
  const verify = await verifyAfterRun(server);
  const figures: Figure[] = [...PHASES.flatMap((phase) => phaseFigures(phase.label, results[phase.kind]!.n3sp, results[phase.kind]!.baseline)), ...memoryFigures(idle, peak)];
  const engineWord = ctx.engine === 'postgres' ? `pg (a pool of ${ctx.concurrency}) to a second scratch database on the same PostgreSQL server` : 'PGlite (its own data folder, same seed)';
  const writes = results.write!.n3sp.ops;
  return {
    baseline: `the same INSERTs (organisation + sealed journal row, one transaction) and SELECTs, sent straight through ${engineWord}, from a process of its own at the same concurrency. Memory is each process's RSS: the n3sp server's against the baseline process's.`,
    figures,
    notes: [
      `Data: ${source}, loaded into both databases; reads pick seeded organisations by a fixed stride, the same on both sides.`,
      `Audit chain: at most ${chain.maxUnchained.toLocaleString('en-GB')} journal entries waited to be chained during ${writes.toLocaleString('en-GB')} writes; at most ${chain.unchainedAtSliceEnd.toLocaleString('en-GB')} when a slice of writes ended; the last linked ${chain.drainMs.toFixed(0)} ms after the writes stopped. Start-up catch-up: ${started.chained.toLocaleString('en-GB')} entries in ${started.chainMs.toFixed(0)} ms. \`audit verify\` after the run: ok, ${verify.checked.toLocaleString('en-GB')} entries in ${(verify.ms / 1000).toFixed(1)} s.`,
      `n3sp's pool: ${ctx.engine === 'postgres' ? `${ctx.concurrency} connections, as the baseline's` : 'the one PGlite connection'}; the server logs each request at info level (one line), as \`n3sp serve\` does, to /dev/null. The load generator (HTTP client) runs in the runner's process on the same machine and its CPU time counts against n3sp's side only.`,
    ],
    details: { source, concurrency: ctx.concurrency, ...slicing, phases: results, memory: { idle, peak }, chain, startupChain: { entries: started.chained, ms: started.chainMs }, verify },
  };
}

const benchmark: Benchmark = {
  name: 'api-records',
  description: 'POST, GET and list /api/v1/organisations over HTTP with an API token, against the same SQL sent straight to the database',
  run,
};
export default benchmark;
