import type { AppContext } from '../context.ts';
import type { Tx } from '../journal/journal.ts';
import type { Job } from './queue.ts';

/**
 * Does one job's work inside `tx`, the transaction that also marks the job done: its writes and
 * the job's completion commit together, or neither does and the job is tried again. Throwing
 * rolls back the writes and counts a failed attempt. Nothing is journalled for the handler;
 * it journals what it changes through `ctx.journal`, like any service.
 */
export type JobHandler<P = unknown> = (tx: Tx, job: Job<P>, ctx: AppContext) => Promise<void>;

/** Which handler runs each kind of job. A worker claims only the kinds its registry knows. */
export class JobRegistry {
  private readonly handlers = new Map<string, JobHandler>();

  register<P>(kind: string, handler: JobHandler<P>): this {
    if (this.handlers.has(kind)) throw new Error(`a handler for job kind ${kind} is already registered`);
    this.handlers.set(kind, handler as JobHandler);
    return this;
  }

  handlerFor(kind: string): JobHandler | undefined {
    return this.handlers.get(kind);
  }

  kinds(): string[] {
    return [...this.handlers.keys()];
  }
}

/** The registry the runtime's worker uses: modules register their kinds here when loaded. */
export const jobHandlers = new JobRegistry();
