import type { Tx } from '../../core/journal/journal.ts';
import { jobTables, schedule } from '../../core/jobs/queue.ts';

export const CORRELATE_JOB = 'monitoring.correlate';
export const AUTO_RESOLVE_JOB = 'monitoring.auto-resolve';

/** Two slots: while one correlation run is under way, the next alerts wait in the other. */
const SLOTS = [CORRELATE_JOB, `${CORRELATE_JOB}:next`];

/**
 * Makes sure a correlation run will read the alerts this transaction is writing. The run is a
 * durable job under a dedupe key, so a storm of deliveries schedules one run, `settle` after the
 * first. A run already queued under the key must not start before this transaction commits (it
 * would miss these alerts): a share lock on its row keeps every worker from claiming or starting
 * it until then (they claim with FOR UPDATE SKIP LOCKED and lock the row to run it). A run whose
 * handler is already going holds its row locked; then the other slot is used. Only when both
 * slots are running at once (two processes) does the delivery wait for the first to finish.
 */
export async function scheduleCorrelation(tx: Tx, runAt: Date): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    for (const key of SLOTS) {
      const { id, scheduled } = await schedule(tx, { kind: CORRELATE_JOB, runAt, dedupeKey: key, maxAttempts: 20 });
      if (scheduled) return;
      const held = await jobTables(tx).selectFrom('job').select('id').where('id', '=', id).where('state', 'in', ['queued', 'running']).forShare().skipLocked().executeTakeFirst();
      if (held) return;
    }
    // Both slots are being run right now: wait for the first run to commit, then its slot is free.
    await jobTables(tx).selectFrom('job').select('id').where('dedupe_key', '=', SLOTS[0]!).where('state', 'in', ['queued', 'running']).forShare().execute();
  }
  throw new Error('could not schedule monitoring correlation');
}
