import { jobHandlers } from '../../core/jobs/registry.ts';
import { clockAlarms } from '../service-levels/clocks.ts';
import { emailReplies } from '../notifications/notify.ts';
import { AUTO_CLOSE_JOB, autoClose, noteFromEmail, tellClockAlarm } from './service.ts';

/**
 * What incidents do without a request: close resolved incidents when their reopen window ends,
 * tell the resolver when a clock warns or breaches, and take e-mail replies as notes.
 * Registered once per process, when the module is loaded.
 */
jobHandlers.register<{ incidentId: number }>(AUTO_CLOSE_JOB, (tx, job, ctx) => autoClose(tx, ctx, job.payload.incidentId, job.now ?? new Date()));

clockAlarms.listen('incident', (tx, ctx, alarm) => tellClockAlarm(tx, ctx, alarm.recordId, alarm.alarm, alarm.clock));

emailReplies.handle('incident', (tx, ctx, reply) => noteFromEmail(tx, ctx, reply.recordId, { userId: reply.fromUserId, address: reply.from }, reply.text));
