import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The wall clock n3sp stamps its records and journal with (not a service level clock: those are
 * in modules/service-levels). It reads the real time, except inside an `asOf` scope, where it
 * reads the instant the scope set: the demonstration network is written that way, each step of
 * its history through the real services as of when it happened, so that every record, clock and
 * journal entry of a step agree on its time (docs/decisions/0096-as-of-clock.md). Nothing else
 * opens a scope; the job worker and every request run on the real time.
 */

const scope = new AsyncLocalStorage<number>();

/** The current instant: the `asOf` scope's, else the real time. A new Date each call. */
export function now(): Date {
  const at = scope.getStore();
  return new Date(at ?? Date.now());
}

/** Today's date (YYYY-MM-DD, UTC) at `now()`. */
export function today(): string {
  return now().toISOString().slice(0, 10);
}

/**
 * Runs `work` as of `at`: `now()` reads `at` throughout it, in everything it awaits, however
 * deep; an inner scope sets its own instant until it ends. History only: an instant later than
 * the real time is refused, so nothing is ever stamped as having happened in the future.
 */
export function asOf<T>(at: Date, work: () => Promise<T>): Promise<T> {
  const instant = at.getTime();
  if (!Number.isFinite(instant)) throw new RangeError('asOf needs a valid instant');
  if (instant > Date.now()) throw new RangeError(`asOf ${at.toISOString()} is in the future: only what has happened is written as of its time`);
  return scope.run(instant, work);
}
