import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { AppContext } from '../context.ts';
import { asOf } from '../clock.ts';
import { jobTables, type Job } from './queue.ts';
import { jobHandlers, type JobRegistry } from './registry.ts';

export interface JobWorkerOptions {
  registry?: JobRegistry;
  /** How often to look for due jobs (ms). */
  pollMs?: number;
  /** Jobs run at once by this worker; also the size of a claimed batch. */
  concurrency?: number;
  /** How long a claim holds a job before another worker may take it over (ms). */
  leaseMs?: number;
  /** Wait before attempt `attempt + 1` after attempt `attempt` failed (ms). */
  backoffMs?: (attempt: number) => number;
  /** Finished and cancelled jobs older than this are deleted (ms); failed ones are kept. */
  keepFinishedMs?: number;
  /** Names this worker in `locked_by` (a random suffix keeps two workers apart). */
  name?: string;
}

/** 1 s, 2 s, 4 s … up to 10 minutes. */
export const defaultBackoff = (attempt: number) => Math.min(1000 * 2 ** (attempt - 1), 600_000);

interface Claimed {
  id: number;
  kind: string;
  payload: unknown;
  run_at: Date;
  attempts: number;
  max_attempts: number;
  dedupe_key: string | null;
}

/**
 * Runs due jobs. A claim marks a batch `running` under this worker's name with a lease, taken
 * with FOR UPDATE SKIP LOCKED so that workers in any number of processes never claim the same
 * job. Each job then runs in a transaction of its own that first locks its row and checks the
 * claim is still this worker's, runs the handler, and marks the job done: the handler's writes
 * and the completion commit together. A crashed worker's claims lapse with their lease and are
 * claimed again; a row locked by a running handler is skipped however long it takes.
 */
export class JobWorker {
  readonly name: string;
  private readonly registry: JobRegistry;
  private readonly pollMs: number;
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly backoffMs: (attempt: number) => number;
  private readonly keepFinishedMs: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private started = false;
  private stopping = false;
  private held = 0;
  private lastPrune = 0;
  private readonly claimAtFree: number;

  constructor(private readonly ctx: AppContext, options: JobWorkerOptions = {}) {
    this.registry = options.registry ?? jobHandlers;
    this.pollMs = options.pollMs ?? 1000;
    this.concurrency = options.concurrency ?? 4;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.backoffMs = options.backoffMs ?? defaultBackoff;
    this.keepFinishedMs = options.keepFinishedMs ?? 7 * 24 * 3600_000;
    this.claimAtFree = Math.max(1, Math.floor(this.concurrency / 4));
    this.name = `${options.name ?? `${hostname()}:${process.pid}`}:${randomBytes(4).toString('hex')}`;
  }

  start(): void {
    this.started = true;
    this.poke();
    this.timer = setInterval(() => this.poke(), this.pollMs);
    this.timer.unref();
  }

  /** Looks for due jobs now rather than at the next tick. */
  poke(): void {
    if (!this.started || this.stopping || this.held > 0) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .then(() => undefined, () => undefined) // the database is away: the next tick tries again
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.poke();
        }
      });
  }

  /**
   * Runs `work` while this worker claims nothing (what it is running finishes first), then looks
   * for due jobs again. The demonstration writes days of history this way: a timer that falls
   * due within that history must not fire, on the real time, before the steps that stop or move
   * it have been written; the demonstration fires it itself, as of when it fell due (`catchUp`).
   * A `drain` or `catchUp` called meanwhile still runs.
   */
  async holding<T>(work: () => Promise<T>): Promise<T> {
    this.held++;
    try {
      await this.running;
      return await work();
    } finally {
      this.held--;
      this.poke();
    }
  }

  /** Stops claiming and waits for the jobs already claimed to finish. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /**
   * Runs due jobs until none is left, keeping up to `concurrency` running: a free slot is filled
   * by claiming again rather than waiting for the whole batch. Returns the number of jobs run.
   * `now` runs the jobs due by that instant instead of by the database's clock, and hands it to
   * the handlers as `job.now`: tests drive timers with fixed instants this way.
   */
  async drain(options: { now?: Date } = {}): Promise<number> {
    let total = 0;
    const inFlight = new Set<Promise<void>>();
    let dry = false;
    while (!this.stopping) {
      const free = this.concurrency - inFlight.size;
      // Claim once a quarter of the slots are free (or all are), not per freed slot: a claim is
      // a commit, and shared by several jobs it costs each of them less.
      if (free > 0 && !dry && (free >= this.claimAtFree || inFlight.size === 0)) {
        const batch = await this.claim(free, options.now);
        dry = batch.length < free;
        for (const job of batch) {
          const running: Promise<void> = this.runOne(job, options.now).finally(() => inFlight.delete(running));
          inFlight.add(running);
        }
        total += batch.length;
        if (batch.length > 0) continue;
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight);
      dry = false;
    }
    await Promise.all(inFlight);
    if (Date.now() - this.lastPrune > 3600_000) {
      this.lastPrune = Date.now();
      await this.prune();
    }
    return total;
  }

  /**
   * Runs the jobs due by `upTo` one at a time, in the order they fell due, each as of its due time
   * (`clock.asOf`, and handed it as `job.now`), including those the jobs run schedule in turn
   * within that time. The demonstration writes its history with it, between one step and the
   * next: a warning or breach that fell due between them is written when it fell due, before the
   * steps after it. `upTo` is a past instant; the worker is meant to be held meanwhile.
   */
  async catchUp(upTo: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const [job] = await this.claim(1, upTo);
      if (!job) return total;
      // A lapsed claim is taken whenever it was due: it runs as of `upTo` at the latest.
      const at = new Date(Math.min(job.run_at.getTime(), upTo.getTime()));
      await asOf(at, () => this.runOne(job, at));
      total++;
    }
  }

  private async claim(limit: number, now?: Date): Promise<Claimed[]> {
    const kinds = this.registry.kinds();
    if (kinds.length === 0) return [];
    const dueBy = now ? sql`${now.toISOString()}::timestamptz` : sql`now()`;
    const result = await sql<Claimed>`update job
        set state = 'running', locked_by = ${this.name}, attempts = attempts + 1,
            locked_until = now() + make_interval(secs => ${this.leaseMs / 1000})
      where id in (
        select id from job
         where kind = any(${kinds}::text[])
           and ((state = 'queued' and run_at <= ${dueBy}) or (state = 'running' and locked_until <= now()))
         order by run_at, id
         limit ${limit}
           for update skip locked)
      returning id, kind, payload, run_at, attempts, max_attempts, dedupe_key`.execute(this.ctx.db);
    return result.rows;
  }

  private async runOne(claimed: Claimed, now?: Date): Promise<void> {
    const handler = this.registry.handlerFor(claimed.kind)!;
    const job: Job = {
      id: claimed.id,
      kind: claimed.kind,
      payload: claimed.payload,
      runAt: claimed.run_at,
      attempt: claimed.attempts,
      maxAttempts: claimed.max_attempts,
      dedupeKey: claimed.dedupe_key,
      // Due by the database's clock; a process whose own clock lags still never runs it early.
      now: now ?? new Date(Math.max(Date.now(), claimed.run_at.getTime())),
    };
    try {
      await this.ctx.db.transaction().execute(async (tx) => {
        // Lock the row and confirm the claim is still ours: cancelled, rescheduled or taken over
        // after a lapsed lease, it is not ours to run.
        const mine = await jobTables(tx)
          .selectFrom('job')
          .select('id')
          .where('id', '=', job.id)
          .where('state', '=', 'running')
          .where('locked_by', '=', this.name)
          .forUpdate()
          .executeTakeFirst();
        if (!mine) return;
        if (job.attempt > job.maxAttempts) {
          // Claimed again after lapsed leases more often than it may run: its process keeps dying.
          await this.finish(tx, job.id, 'failed', 'no attempts left: the process running it stopped before it finished');
          return;
        }
        await handler(tx, job, this.ctx);
        // A handler may have rescheduled its own job (a repeating timer): then it is not done.
        await this.finish(tx, job.id, 'done', null);
      });
      this.ctx.chainer.poke();
    } catch (error) {
      await this.recordFailure(job, error).catch(() => undefined); // else the lease lapses and it runs again
    }
  }

  private async finish(tx: Parameters<typeof jobTables>[0], id: number, state: 'done' | 'failed', error: string | null) {
    await jobTables(tx)
      .updateTable('job')
      .set({ state, finished_at: sql<Date>`now()`, locked_by: null, locked_until: null, ...(error ? { last_error: error } : {}) })
      .where('id', '=', id)
      .where('state', '=', 'running')
      .where('locked_by', '=', this.name)
      .execute();
  }

  /** Back to the queue after a backoff, or failed for good with its error once out of attempts. */
  private async recordFailure(job: Job, error: unknown): Promise<void> {
    const message = error instanceof Error ? error.stack ?? error.message : String(error);
    const delayS = this.backoffMs(job.attempt) / 1000;
    await sql`update job set
        state = case when attempts >= max_attempts then 'failed' else 'queued' end,
        run_at = case when attempts >= max_attempts then run_at else now() + make_interval(secs => ${delayS}) end,
        finished_at = case when attempts >= max_attempts then now() end,
        last_error = ${message.slice(0, 4000)}, locked_by = null, locked_until = null
      where id = ${job.id} and state = 'running' and locked_by = ${this.name}`.execute(this.ctx.db);
  }

  private async prune(): Promise<void> {
    await sql`delete from job where state in ('done', 'cancelled')
      and finished_at < now() - make_interval(secs => ${this.keepFinishedMs / 1000})`.execute(this.ctx.db);
  }
}
