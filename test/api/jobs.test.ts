import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { sql } from 'kysely';
import { isolatedDatabase, onPostgres } from '../helpers/harness.ts';
import { openRuntime, type Runtime } from '../../src/core/runtime.ts';
import { cancel, jobTables, reschedule, schedule } from '../../src/core/jobs/queue.ts';
import { JobRegistry, type JobHandler } from '../../src/core/jobs/registry.ts';
import { JobWorker, type JobWorkerOptions } from '../../src/core/jobs/worker.ts';
import type { Config } from '../../src/core/config.ts';
import { SYSTEM_ACTOR } from '../../src/core/access/principal.ts';

/**
 * The durable job queue: a job exists iff the transaction that scheduled it committed, runs once
 * when due, commits together with its handler's writes, retries with backoff and keeps its error;
 * on PostgreSQL, several processes working one queue run every job exactly once, a killed one's
 * jobs included. Each handler records its run in job_effect, whose primary key is the job id.
 */
let rt: Runtime;
let config: Config;
let drop: () => Promise<void>;
let kindSeq = 0;

before(async () => {
  const database = await isolatedDatabase();
  config = database.config;
  drop = database.drop;
  rt = await openRuntime(config, { loadDataDir: database.loadDataDir, dataDir: config.databaseUrl ? undefined : 'memory://', jobs: false });
  await sql`create table job_effect (job_id bigint primary key, worker text not null, note text)`.execute(rt.db);
});
after(async () => {
  await rt.close();
  await drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A worker of its own for one test, knowing only that test's kind. */
function workerFor(handler: JobHandler, options: JobWorkerOptions = {}, on: Runtime = rt) {
  const kind = `test.kind${++kindSeq}`;
  const worker = new JobWorker(on, { registry: new JobRegistry().register(kind, handler), pollMs: 20, ...options });
  return { kind, worker };
}

const recordEffect: JobHandler = async (tx, job) => {
  await sql`insert into job_effect (job_id, worker, note) values (${job.id}, 'test', ${JSON.stringify(job.payload)})`.execute(tx);
};

const jobRow = (id: number) => jobTables(rt.db).selectFrom('job').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const effectsOf = async (id: number) => (await sql<{ n: number }>`select count(*)::int as n from job_effect where job_id = ${id}`.execute(rt.db)).rows[0]!.n;

test('a due job runs once, and its handler’s write commits with its completion', async () => {
  const { kind, worker } = workerFor(recordEffect);
  const { id } = await rt.db.transaction().execute((tx) => schedule(tx, { kind, runAt: new Date(Date.now() - 1000), payload: { incident: 42 } }));
  assert.equal(await worker.drain(), 1);
  assert.equal(await worker.drain(), 0, 'a done job does not run again');
  const row = await jobRow(id);
  assert.equal(row.state, 'done');
  assert.equal(row.attempts, 1);
  assert.ok(row.finished_at);
  assert.equal(row.locked_by, null);
  const effect = await sql<{ note: string }>`select note from job_effect where job_id = ${id}`.execute(rt.db);
  assert.deepEqual(JSON.parse(effect.rows[0]!.note), { incident: 42 });
});

test('a job due in the future does not run early', async () => {
  const { kind, worker } = workerFor(recordEffect);
  const { id } = await schedule(rt.db, { kind, runAt: new Date(Date.now() + 3600_000) });
  assert.equal(await worker.drain(), 0);
  assert.equal((await jobRow(id)).state, 'queued');
  assert.equal(await effectsOf(id), 0);
});

test('a failing handler is retried with backoff, its writes rolled back each time, and ends failed with its error', async () => {
  let calls = 0;
  const { kind, worker } = workerFor(
    async (tx, job) => {
      calls += 1;
      await recordEffect(tx, job, rt); // written, then thrown away with the failure
      throw new Error(`supplier portal refused the hand-off (attempt ${job.attempt})`);
    },
    { backoffMs: (attempt) => 60_000 * attempt },
  );
  const { id } = await schedule(rt.db, { kind, runAt: new Date(), maxAttempts: 3 });
  /** Seconds until the job is due again, by the database's clock. */
  const dueIn = async () => (await sql<{ s: number }>`select extract(epoch from run_at - now())::float8 as s from job where id = ${id}`.execute(rt.db)).rows[0]!.s;
  const timePasses = () => sql`update job set run_at = now() where id = ${id}`.execute(rt.db);
  assert.equal(await worker.drain(), 1);
  let row = await jobRow(id);
  assert.equal(row.state, 'queued');
  assert.equal(row.attempts, 1);
  assert.match(row.last_error!, /attempt 1/);
  let wait = await dueIn();
  assert.ok(wait > 45 && wait <= 60, `backoff after attempt 1 is 60 s, was ${wait}`);
  assert.equal(await worker.drain(), 0, 'not retried before its backoff');
  await timePasses();
  assert.equal(await worker.drain(), 1);
  wait = await dueIn();
  assert.ok(wait > 105 && wait <= 120, `backoff after attempt 2 is 120 s, was ${wait}`);
  await timePasses();
  assert.equal(await worker.drain(), 1);
  row = await jobRow(id);
  assert.equal(row.state, 'failed');
  assert.equal(row.attempts, 3);
  assert.equal(calls, 3);
  assert.match(row.last_error!, /supplier portal refused the hand-off \(attempt 3\)/);
  assert.ok(row.finished_at);
  assert.equal(await effectsOf(id), 0, 'no failed attempt left a write behind');
  assert.equal(await worker.drain(), 0, 'a failed job is not run again');
});

test('a handler that fails once and then succeeds is done, its write made once', async () => {
  const { kind, worker } = workerFor(
    async (tx, job) => {
      if (job.attempt === 1) throw new Error('transient');
      await recordEffect(tx, job, rt);
    },
    { backoffMs: () => 0 },
  );
  const { id } = await schedule(rt.db, { kind, runAt: new Date() });
  await worker.drain();
  await worker.drain();
  const row = await jobRow(id);
  assert.equal(row.state, 'done');
  assert.equal(row.attempts, 2);
  assert.equal(await effectsOf(id), 1);
});

test('a dedupe key makes a second schedule a no-op; reschedule moves the job; once done the key is free', async () => {
  const { kind, worker } = workerFor(recordEffect);
  const key = `sla-warning:incident:${kindSeq}`;
  const first = await schedule(rt.db, { kind, runAt: new Date(Date.now() + 3600_000), dedupeKey: key });
  const second = await schedule(rt.db, { kind, runAt: new Date(), dedupeKey: key });
  assert.equal(first.scheduled, true);
  assert.deepEqual(second, { id: first.id, scheduled: false });
  const count = await jobTables(rt.db).selectFrom('job').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', kind).executeTakeFirstOrThrow();
  assert.equal(Number(count.n), 1);
  assert.equal(await worker.drain(), 0, 'the first schedule’s time stands');

  assert.equal(await reschedule(rt.db, key, new Date(Date.now() - 1)), true);
  assert.equal(await worker.drain(), 1);
  assert.equal(await effectsOf(first.id), 1);

  assert.equal(await reschedule(rt.db, key, new Date()), false, 'no live job holds the key any more');
  const third = await schedule(rt.db, { kind, runAt: new Date(Date.now() + 3600_000), dedupeKey: key });
  assert.equal(third.scheduled, true);
  assert.notEqual(third.id, first.id);
});

test('a cancelled job never runs', async () => {
  const { kind, worker } = workerFor(recordEffect);
  const key = `sla-breach:incident:${kindSeq}`;
  const { id } = await schedule(rt.db, { kind, runAt: new Date(), dedupeKey: key });
  assert.equal(await cancel(rt.db, key), true);
  assert.equal(await cancel(rt.db, key), false);
  assert.equal(await worker.drain(), 0);
  const row = await jobRow(id);
  assert.equal(row.state, 'cancelled');
  assert.ok(row.finished_at);
  assert.equal(await effectsOf(id), 0);
});

test('a job scheduled in a transaction that rolls back does not exist and never runs', async () => {
  const { kind, worker } = workerFor(recordEffect);
  await assert.rejects(
    rt.db.transaction().execute(async (tx) => {
      await schedule(tx, { kind, runAt: new Date() });
      throw new Error('the incident could not be saved');
    }),
    /could not be saved/,
  );
  assert.equal(await worker.drain(), 0);
  const rows = await jobTables(rt.db).selectFrom('job').select('id').where('kind', '=', kind).execute();
  assert.equal(rows.length, 0);
});

test('a handler can journal what it changes through ctx.journal, in the job’s transaction', async () => {
  const { kind, worker } = workerFor(async (tx, job, ctx) => {
    await ctx.journal.record(tx, SYSTEM_ACTOR, { action: 'test.job_ran', entityType: 'job', entityId: job.id, changes: [] });
  });
  const { id } = await schedule(rt.db, { kind, runAt: new Date() });
  await worker.drain();
  const entry = await rt.db.selectFrom('journal').select('action').where('entity_type', '=', 'job').where('entity_id', '=', String(id)).executeTakeFirst();
  assert.equal(entry?.action, 'test.job_ran');
});

test('the running worker picks due jobs up by itself, and stop waits for the job it is running', async () => {
  let release!: () => void;
  const started = new Promise<void>((resolve) => (release = resolve));
  const { kind, worker } = workerFor(async (tx, job) => {
    release();
    await sleep(300);
    await recordEffect(tx, job, rt);
  });
  const { id } = await schedule(rt.db, { kind, runAt: new Date() });
  worker.start();
  await started;
  await worker.stop();
  assert.equal((await jobRow(id)).state, 'done', 'the job finished before stop returned');
  assert.equal(await effectsOf(id), 1);
});

test('a claim whose lease has lapsed (its process died) is taken over; a live lease is not', async () => {
  const { kind, worker } = workerFor(recordEffect);
  const lapsed = await schedule(rt.db, { kind, runAt: new Date() });
  const live = await schedule(rt.db, { kind, runAt: new Date() });
  const claimBy = (id: number, until: string) =>
    sql`update job set state = 'running', attempts = 1, locked_by = 'dead:1:x', locked_until = now() + ${until}::interval where id = ${id}`.execute(rt.db);
  await claimBy(lapsed.id, '-1 second');
  await claimBy(live.id, '1 hour');
  assert.equal(await worker.drain(), 1);
  const taken = await jobRow(lapsed.id);
  assert.equal(taken.state, 'done');
  assert.equal(taken.attempts, 2);
  assert.equal(await effectsOf(lapsed.id), 1);
  assert.equal((await jobRow(live.id)).state, 'running', 'a claim still within its lease is left alone');
  assert.equal(await effectsOf(live.id), 0);
});

test('a job whose process keeps dying fails once it is out of attempts, without running again', async () => {
  const { kind, worker } = workerFor(recordEffect);
  const { id } = await schedule(rt.db, { kind, runAt: new Date(), maxAttempts: 2 });
  await sql`update job set state = 'running', attempts = 2, locked_by = 'dead:1:x', locked_until = now() - interval '1 second' where id = ${id}`.execute(rt.db);
  await worker.drain();
  const row = await jobRow(id);
  assert.equal(row.state, 'failed');
  assert.match(row.last_error!, /stopped before it finished/);
  assert.equal(await effectsOf(id), 0);
});

// ---- several processes: PostgreSQL only (PGlite serves one process) -----------------------------

const needsServer = { skip: !onPostgres() && 'needs a PostgreSQL server' } as const;

async function scheduleMany(kind: string, n: number): Promise<number[]> {
  return rt.db.transaction().execute(async (tx) => {
    const ids: number[] = [];
    for (let i = 0; i < n; i++) ids.push((await schedule(tx, { kind, runAt: new Date(), payload: { i } })).id);
    return ids;
  });
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

/** Every job ran exactly once: one committed effect each, one attempt each unless `retried`. */
async function assertExactlyOnce(ids: number[], retried: Set<number> = new Set()) {
  const jobs = await jobTables(rt.db).selectFrom('job').select(['id', 'state', 'attempts', 'last_error']).where('id', 'in', ids).execute();
  assert.equal(jobs.length, ids.length);
  for (const job of jobs) {
    assert.equal(job.state, 'done', `job ${job.id}`);
    assert.equal(job.last_error, null, `job ${job.id} failed on the way: ${job.last_error}`);
    if (!retried.has(job.id)) assert.equal(job.attempts, 1, `job ${job.id} ran more than once`);
  }
  const effects = await sql<{ job_id: number; n: number }>`select job_id, count(*)::int as n from job_effect where job_id = any(${ids}::bigint[]) group by job_id`.execute(rt.db);
  assert.equal(effects.rows.length, ids.length, 'every job has its effect');
}

const doneCount = async (ids: number[]) =>
  Number((await jobTables(rt.db).selectFrom('job').select((eb) => eb.fn.countAll<number>().as('n')).where('id', 'in', ids).where('state', '=', 'done').executeTakeFirstOrThrow()).n);

test('two runtimes (two pools, as two processes) working one queue of 500 due jobs run each exactly once', needsServer, async () => {
  const other = await openRuntime(config, { migrate: false, chainer: false, jobs: false });
  const byWorker = new Map<string, number>();
  const handler: JobHandler = async (tx, job) => {
    await sql`insert into job_effect (job_id, worker) values (${job.id}, 'pool')`.execute(tx);
  };
  const registry = new JobRegistry().register('test.pools', async (tx, job, ctx) => {
    byWorker.set(ctx === rt ? 'a' : 'b', (byWorker.get(ctx === rt ? 'a' : 'b') ?? 0) + 1);
    await handler(tx, job, ctx);
  });
  const a = new JobWorker(rt, { registry, pollMs: 10, concurrency: 8 });
  const b = new JobWorker(other, { registry, pollMs: 10, concurrency: 8 });
  try {
    const ids = await scheduleMany('test.pools', 500);
    a.start();
    b.start();
    await waitUntil('all 500 are done', async () => (await doneCount(ids)) === 500);
    await assertExactlyOnce(ids);
    assert.ok((byWorker.get('a') ?? 0) > 0 && (byWorker.get('b') ?? 0) > 0, `both worked: ${JSON.stringify([...byWorker])}`);
  } finally {
    await a.stop();
    await b.stop();
    await other.close();
  }
});

function startProcess(name: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/job-process.ts'], {
    env: { ...process.env, DATABASE_URL: config.databaseUrl!, N3SP_AUDIT_KEY: config.auditKey, JOB_WORKER_NAME: name, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it was ready`)));
  });
}

async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  await once(child, 'exit');
}

test('two n3sp processes working one queue of 500 due jobs run each exactly once', needsServer, async () => {
  const children = await Promise.all([startProcess('one', {}), startProcess('two', {})]);
  try {
    const ids = await scheduleMany('test.effect', 500);
    await waitUntil('all 500 are done', async () => (await doneCount(ids)) === 500);
    await assertExactlyOnce(ids);
    const byWorker = await sql<{ worker: string; n: number }>`select worker, count(*)::int as n from job_effect where job_id = any(${ids}::bigint[]) group by worker`.execute(rt.db);
    assert.equal(byWorker.rows.length, 2, `both processes worked: ${JSON.stringify(byWorker.rows)}`);
  } finally {
    await Promise.all(children.map((c) => stopProcess(c)));
  }
});

test('a process killed while holding jobs: after the lease another process completes them, still exactly once', needsServer, async () => {
  // The first process holds each job 60 s inside its transaction, so it is killed holding them.
  const doomed = await startProcess('doomed', { JOB_HOLD_MS: '60000', JOB_LEASE_MS: '1500' });
  let survivor: ChildProcess | undefined;
  try {
    const ids = await scheduleMany('test.effect', 20);
    const held = async () => jobTables(rt.db).selectFrom('job').select('id').where('id', 'in', ids).where('state', '=', 'running').where('locked_by', 'like', 'doomed:%').execute();
    await waitUntil('the first process holds jobs', async () => (await held()).length > 0);
    const heldIds = new Set((await held()).map((r) => r.id));
    await stopProcess(doomed, 'SIGKILL');
    const killedAt = Date.now();
    survivor = await startProcess('survivor', { JOB_LEASE_MS: '1500' });
    await waitUntil('all 20 are done', async () => (await doneCount(ids)) === 20);
    await assertExactlyOnce(ids, heldIds);
    const rows = await jobTables(rt.db).selectFrom('job').select(['id', 'attempts', 'finished_at']).where('id', 'in', [...heldIds]).execute();
    for (const row of rows) {
      assert.equal(row.attempts, 2, `job ${row.id} was claimed by the killed process, then once more`);
      assert.ok(row.finished_at!.getTime() >= killedAt, 'completed after the kill');
    }
    const workers = await sql<{ worker: string }>`select distinct worker from job_effect where job_id = any(${ids}::bigint[])`.execute(rt.db);
    assert.deepEqual(workers.rows.map((r) => r.worker), ['survivor'], 'nothing the killed process did was committed');
  } finally {
    await stopProcess(doomed, 'SIGKILL');
    if (survivor) await stopProcess(survivor);
  }
});
