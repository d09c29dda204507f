// A separate n3sp process working the job queue, for the multi-process tests of test/api/jobs.test.ts:
// its one job kind, `test.effect`, waits JOB_HOLD_MS inside its transaction and then records that it
// ran in job_effect (whose primary key is the job id). Prints "ready" once its worker has started;
// SIGTERM stops it gracefully (running jobs finish first).
import { loadConfig } from '../../src/core/config.ts';
import { openRuntime } from '../../src/core/runtime.ts';
import { JobRegistry } from '../../src/core/jobs/registry.ts';
import { sql } from 'kysely';

const holdMs = Number(process.env.JOB_HOLD_MS ?? 0);
const name = process.env.JOB_WORKER_NAME ?? 'child';
const registry = new JobRegistry().register('test.effect', async (tx, job) => {
  if (holdMs) await new Promise((r) => setTimeout(r, holdMs));
  await sql`insert into job_effect (job_id, worker) values (${job.id}, ${name})`.execute(tx);
});
const rt = await openRuntime(loadConfig(), {
  chainer: false,
  migrate: false,
  jobs: { registry, name, pollMs: 20, concurrency: 8, leaseMs: Number(process.env.JOB_LEASE_MS ?? 60_000) },
});
process.once('SIGTERM', () => {
  void rt.close().then(() => process.exit(0));
});
console.log('ready');
