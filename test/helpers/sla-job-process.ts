// A separate n3sp process working the job queue with every module loaded as `n3sp serve` loads them,
// so the service level warning and breach handlers are registered the way the server registers
// them; for test/api/service-levels-processes.test.ts. Its incident listener records each alarm it
// is told in sla_alarm_effect. Prints "ready" once its worker has started; SIGTERM stops it.
import { sql } from 'kysely';
import { loadConfig } from '../../src/core/config.ts';
import { openRuntime } from '../../src/core/runtime.ts';
import { jobHandlers } from '../../src/core/jobs/registry.ts';
import '../../src/modules/index.ts';
import { clockAlarms } from '../../src/modules/service-levels/clocks.ts';

const name = process.env.JOB_WORKER_NAME ?? 'child';
if (!jobHandlers.kinds().includes('sla.warning') || !jobHandlers.kinds().includes('sla.breach')) {
  throw new Error('loading the modules did not register the service level jobs');
}
clockAlarms.listen('incident', async (tx, _ctx, alarm) => {
  await sql`insert into sla_alarm_effect (clock_id, alarm, worker) values (${alarm.clock.id}, ${alarm.alarm}, ${name})`.execute(tx);
});
const rt = await openRuntime(loadConfig(), { chainer: false, migrate: false, jobs: { name, pollMs: 20, concurrency: 8 } });
process.once('SIGTERM', () => {
  void rt.close().then(() => process.exit(0));
});
console.log('ready');
