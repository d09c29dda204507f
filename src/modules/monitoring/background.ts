import { jobHandlers } from '../../core/jobs/registry.ts';
import type { Job } from '../../core/jobs/queue.ts';
import { autoResolve, correlatePending } from './correlation.ts';
import { AUTO_RESOLVE_JOB, CORRELATE_JOB } from './scheduling.ts';

/** The instant a job runs at: the worker's (or a test's) time, never before it was due. */
const runsAt = (job: Job<unknown>) => (job as { now?: Date }).now ?? new Date(Math.max(Date.now(), job.runAt.getTime()));

/**
 * What monitoring does without a request: correlate what the intake stored, after the settle
 * window, and resolve what it opened once the alerts have stayed clear. Registered once per
 * process, when the module is loaded.
 */
jobHandlers.register(CORRELATE_JOB, async (tx, job, ctx) => {
  await correlatePending(tx, ctx, runsAt(job));
});

jobHandlers.register<{ groupId: number }>(AUTO_RESOLVE_JOB, (tx, job, ctx) => autoResolve(tx, ctx, job.payload.groupId, runsAt(job)));
