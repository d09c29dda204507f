// jobs: background jobs completed per second by the job worker (claim with SKIP LOCKED, run the
// handler and mark the job done in one transaction), beside the same work done directly — the
// handler's row inserted and a row updated to done in one transaction per item, at the same
// concurrency — alternating phases on the same database. See docs/jobs.md.
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Benchmark, BenchContext, BenchResult } from './lib/benchmark.ts';
import { scratchDatabase } from './lib/databases.ts';
import { loadConfig } from '../src/core/config.ts';
import { openRuntime, type Runtime } from '../src/core/runtime.ts';
import { JobRegistry } from '../src/core/jobs/registry.ts';
import { JobWorker } from '../src/core/jobs/worker.ts';

const KIND = 'bench.effect';

async function doneCount(rt: Runtime, batch: number): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from bench_effect where batch = ${batch}`.execute(rt.db);
  return rows[0]!.n;
}

/** Queues `n` due jobs, lets the worker run them all, and answers jobs completed per second. */
async function jobsPhase(rt: Runtime, worker: JobWorker, batch: number, n: number): Promise<number> {
  await sql`insert into job (kind, payload, run_at) select ${KIND}, jsonb_build_object('batch', ${batch}::int, 'i', g), now() from generate_series(1, ${n}) g`.execute(rt.db);
  const t0 = performance.now();
  worker.poke();
  while ((await doneCount(rt, batch)) < n) await new Promise((r) => setTimeout(r, 20));
  return n / ((performance.now() - t0) / 1000);
}

/** The baseline: the same insert and update per item, one transaction each, no queue. */
async function directPhase(rt: Runtime, batch: number, n: number, concurrency: number): Promise<number> {
  await sql`insert into bench_item (batch, i, state) select ${batch}, g, 'queued' from generate_series(1, ${n}) g`.execute(rt.db);
  let next = 0;
  const t0 = performance.now();
  const lane = async () => {
    for (let i = ++next; i <= n; i = ++next) {
      await rt.db.transaction().execute(async (tx) => {
        await sql`insert into bench_effect (job_id, batch) values (${batch * 10_000_000 + i}, ${batch})`.execute(tx);
        await sql`update bench_item set state = 'done', finished_at = now() where batch = ${batch} and i = ${i}`.execute(tx);
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return n / ((performance.now() - t0) / 1000);
}

async function run(ctx: BenchContext): Promise<BenchResult> {
  const scratch = await scratchDatabase(ctx.engine, ctx.postgresUrl, 'jobs');
  ctx.onCleanup(scratch.drop);
  const config = { ...loadConfig({ ...process.env, N3SP_AUDIT_KEY: randomBytes(16).toString('hex') }), databaseUrl: scratch.databaseUrl, dataDir: scratch.dataDir ?? 'memory://' };
  const rt = await openRuntime(config, { chainer: false, jobs: false, poolSize: ctx.concurrency + 2 });
  ctx.onCleanup(() => rt.close());
  await sql`create table bench_effect (job_id bigint primary key, batch int not null)`.execute(rt.db);
  await sql`create table bench_item (batch int not null, i int not null, state text not null, finished_at timestamptz, primary key (batch, i))`.execute(rt.db);

  const registry = new JobRegistry().register<{ batch: number }>(KIND, async (tx, job) => {
    await sql`insert into bench_effect (job_id, batch) values (${job.id}, ${job.payload.batch})`.execute(tx);
  });
  const worker = new JobWorker(rt, { registry, concurrency: ctx.concurrency, pollMs: 50 });
  worker.start();
  ctx.onCleanup(() => worker.stop());

  // Warm up both, and size each phase to last about --duration seconds.
  const warmJobs = await jobsPhase(rt, worker, 1, 200);
  const warmDirect = await directPhase(rt, 2, 200, ctx.concurrency);
  const n = Math.max(200, Math.round(Math.min(warmJobs, warmDirect) * ctx.durationS));
  ctx.log(`warm-up: ${warmJobs.toFixed(0)} jobs/s, ${warmDirect.toFixed(0)} direct/s; ${n} items per phase`);

  const jobs: number[] = [];
  const direct: number[] = [];
  for (let round = 0; round < 2; round++) {
    direct.push(await directPhase(rt, 10 + round * 2, n, ctx.concurrency));
    jobs.push(await jobsPhase(rt, worker, 11 + round * 2, n));
    ctx.log(`round ${round + 1}: ${jobs[round]!.toFixed(0)} jobs/s, ${direct[round]!.toFixed(0)} direct/s`);
  }
  await worker.stop();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const { rows } = await sql<{ bad: number }>`select count(*)::int as bad from job where state <> 'done' or attempts <> 1`.execute(rt.db);
  return {
    baseline: `the same row inserted and another updated to done in one transaction per item, ${ctx.concurrency} at a time, no queue`,
    figures: [{ label: `jobs completed (${n} per phase)`, unit: 'per s', value: mean(jobs), baseline: mean(direct), better: 'higher' }],
    notes: [
      'A job costs two commits: its share of a batch claim (concurrency jobs per claim) and the handler transaction that also marks it done.',
      `Jobs not done once or retried at the end: ${rows[0]!.bad}.`,
    ],
    details: { n, jobs, direct, warmJobs, warmDirect },
  };
}

const benchmark: Benchmark = {
  name: 'jobs',
  description: 'background jobs completed per second, beside the same writes done directly',
  run,
};
export default benchmark;
