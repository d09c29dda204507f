import { sql, type ColumnType, type Generated, type Kysely } from 'kysely';
import type { Tables } from '../db/tables.ts';
import type { Tx } from '../journal/journal.ts';

export type JobState = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface JobTable {
  id: Generated<number>;
  kind: string;
  payload: ColumnType<unknown, string, string>;
  run_at: Stamp;
  state: Generated<JobState>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  last_error: string | null;
  locked_by: string | null;
  locked_until: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  dedupe_key: string | null;
  created_at: Generated<Date>;
  finished_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/** A job as a handler sees it. */
export interface Job<P = unknown> {
  id: number;
  kind: string;
  payload: P;
  runAt: Date;
  /** This run's number, from 1. */
  attempt: number;
  maxAttempts: number;
  dedupeKey: string | null;
  /** The instant the job runs at, never before `runAt`: the worker's time, or the one a test gave `drain` (the worker always sets it). */
  now?: Date;
}

/** The job table is the queue's own: kept out of the shared table types and reached through this. */
export function jobTables(tx: Tx) {
  return (tx as Kysely<Tables>).withTables<{ job: JobTable }>();
}

/** Runs before a job is failed for good, unless its schedule says otherwise (the column's default). */
const DEFAULT_MAX_ATTEMPTS = 5;

/** Only a live job (queued, or claimed and running) holds its dedupe key. */
const LIVE = ['queued', 'running'] as const;

export interface ScheduleInput {
  kind: string;
  runAt: Date;
  payload?: unknown;
  /** At most one live job per key: a second schedule with the same key changes nothing. */
  dedupeKey?: string;
  /** Runs before the job is failed for good (default 5). */
  maxAttempts?: number;
}

/**
 * Schedules a job inside the caller's transaction, so the job exists if and only if the change
 * that needs it commits. With a dedupe key already held by a live job nothing is added, and the
 * existing job's id is returned with `scheduled: false`.
 */
export async function schedule(tx: Tx, input: ScheduleInput): Promise<{ id: number; scheduled: boolean }> {
  const db = jobTables(tx);
  const inserted = await db
    .insertInto('job')
    .values({
      kind: input.kind,
      payload: JSON.stringify(input.payload ?? {}),
      run_at: input.runAt,
      dedupe_key: input.dedupeKey ?? null,
      ...(input.maxAttempts !== undefined ? { max_attempts: input.maxAttempts } : {}),
    })
    .onConflict((oc) => oc.column('dedupe_key').where('dedupe_key', 'is not', null).where('state', 'in', LIVE).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, scheduled: true };
  const existing = await db
    .selectFrom('job')
    .select('id')
    .where('dedupe_key', '=', input.dedupeKey!)
    .where('state', 'in', LIVE)
    .executeTakeFirstOrThrow();
  return { id: existing.id, scheduled: false };
}

/**
 * The start of a statement that schedules jobs as part of a larger one (a data-modifying CTE): a
 * select of (kind, payload, run_at, dedupe_key, max_attempts) follows it. For jobs whose keys are
 * new by construction (named after rows the same statement inserts), so no live job holds them.
 */
export const SCHEDULE_SELECTED = 'insert into job (kind, payload, run_at, dedupe_key, max_attempts)';

/**
 * Schedules several jobs in one statement (a new record's timers, say), each as `schedule` would:
 * a job whose dedupe key is already held by a live job is not added.
 */
export async function scheduleAll(tx: Tx, inputs: ScheduleInput[]): Promise<void> {
  if (inputs.length === 0) return;
  await jobTables(tx)
    .insertInto('job')
    .values(
      inputs.map((input) => ({
        kind: input.kind,
        payload: JSON.stringify(input.payload ?? {}),
        run_at: input.runAt,
        dedupe_key: input.dedupeKey ?? null,
        max_attempts: input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      })),
    )
    .onConflict((oc) => oc.column('dedupe_key').where('dedupe_key', 'is not', null).where('state', 'in', LIVE).doNothing())
    .execute();
}

/**
 * Cancels the live job holding the key. A job whose handler is running at that moment is
 * waited for (its row is locked) and, once done, is no longer live: the answer is then false.
 */
export async function cancel(tx: Tx, dedupeKey: string): Promise<boolean> {
  const result = await jobTables(tx)
    .updateTable('job')
    .set({ state: 'cancelled', finished_at: sql<Date>`now()`, locked_by: null, locked_until: null })
    .where('dedupe_key', '=', dedupeKey)
    .where('state', 'in', LIVE)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * Moves the live job holding the key to a new time (a claimed job not yet started goes back to
 * the queue). False when there is no live job under the key — or its handler finished while we
 * waited — and the caller schedules a new one if it still needs it.
 */
export async function reschedule(tx: Tx, dedupeKey: string, runAt: Date): Promise<boolean> {
  const result = await jobTables(tx)
    .updateTable('job')
    .set({ state: 'queued', run_at: runAt, locked_by: null, locked_until: null })
    .where('dedupe_key', '=', dedupeKey)
    .where('state', 'in', LIVE)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
