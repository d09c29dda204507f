import { jobHandlers } from '../../core/jobs/registry.ts';
import { BREACH_JOB, runAlarmJob, WARNING_JOB } from './engine.ts';

/**
 * The service level timers, registered with the runtime's job worker when the module is loaded
 * (the server loads it with its routes, src/modules/index.ts). Each job carries its clock's id;
 * the handler re-reads the clock when it runs (engine.ts, runAlarmJob).
 */
jobHandlers.register<{ clockId: number }>(WARNING_JOB, (tx, job, ctx) => runAlarmJob(tx, ctx, job, 'warning'));
jobHandlers.register<{ clockId: number }>(BREACH_JOB, (tx, job, ctx) => runAlarmJob(tx, ctx, job, 'breach'));
