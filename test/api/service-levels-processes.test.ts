import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { sql } from 'kysely';
import { isolatedDatabase, onPostgres } from '../helpers/harness.ts';
import { SYSTEM, uniqueCode } from '../helpers/factories.ts';
import { inTransaction } from '../../src/core/context.ts';
import { openRuntime, type Runtime } from '../../src/core/runtime.ts';
import { jobTables, schedule } from '../../src/core/jobs/queue.ts';
import type { Config } from '../../src/core/config.ts';
import { createOrganisation } from '../../src/modules/organisations/service.ts';
import { recordClockEvent, startClocks, type ClockSubject } from '../../src/modules/service-levels/clocks.ts';
import { BREACH_JOB, WARNING_JOB } from '../../src/modules/service-levels/engine.ts';

/**
 * Two n3sp processes working one PostgreSQL queue fire every clock's warning and breach exactly
 * once: each job runs once (the queue's guarantee), and a clock whose timer was scheduled twice
 * is still marked, journalled and told once (the handler's guard on warned_at and breached_at).
 * PGlite serves one process, so this runs on a PostgreSQL server only.
 */
const needsServer = { skip: !onPostgres() && 'needs a PostgreSQL server' } as const;
const HOUR = 3_600_000;
let rt: Runtime;
let config: Config;
let drop: () => Promise<void>;

before(async () => {
  if (!onPostgres()) return;
  const database = await isolatedDatabase();
  config = database.config;
  drop = database.drop;
  rt = await openRuntime(config, { jobs: false, chainer: false });
  await sql`create table sla_alarm_effect (id bigint generated always as identity primary key, clock_id bigint not null, alarm text not null, worker text not null)`.execute(rt.db);
});
after(async () => {
  if (!onPostgres()) return;
  await rt.close();
  await drop();
});

function startProcess(name: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/sla-job-process.ts'], {
    env: { ...process.env, DATABASE_URL: config.databaseUrl!, N3SP_AUDIT_KEY: config.auditKey, JOB_WORKER_NAME: name, N3SP_LOG_LEVEL: 'silent' },
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

async function stopProcess(child: ChildProcess) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('two n3sp processes: every due warning and breach fires exactly once, though each timer was scheduled twice', needsServer, async () => {
  const organisation = await inTransaction(rt, (tx) => createOrganisation(tx, rt, SYSTEM, { odsCode: uniqueCode(), name: 'Two Process Practice', kind: 'gp_practice' }));
  const children = await Promise.all([startProcess('one'), startProcess('two')]);
  const now = Date.now();
  const warning: number[] = [];
  const breach: number[] = [];
  try {
    // P1: 5 hours round the clock. Started 4 hours ago: warned 15 minutes ago, due in an hour.
    // Started 6 hours ago: due an hour ago. Responded at once, so only the resolution clocks fire.
    for (let i = 1; i <= 80; i++) {
      const late = i % 2 === 0;
      const s: ClockSubject = { recordType: 'incident', recordId: i, recordNumber: `INC${i}`, priority: 'P1', organisationId: organisation.id, teamId: null, supplierId: null };
      const startedAt = new Date(now - (late ? 6 : 4) * HOUR);
      await inTransaction(rt, async (tx) => {
        await startClocks(tx, rt, s, startedAt);
        await recordClockEvent(tx, rt, s, 'responded', new Date(startedAt.getTime() + 60_000));
        const clock = await tx.selectFrom('sla_clock').select('id').where('record_id', '=', i).where('metric', '=', 'resolution').executeTakeFirstOrThrow();
        (late ? breach : warning).push(clock.id);
        // A second timer of each kind for the same clock, as if scheduled twice: both processes may run them at once.
        for (const kind of [WARNING_JOB, BREACH_JOB]) await schedule(tx, { kind, runAt: new Date(), payload: { clockId: clock.id }, maxAttempts: 20 });
      });
    }
    // Due jobs, and those put back for a moment because the other process held their clock; not
    // the breach timers of the clocks still an hour from due.
    const pending = async () =>
      Number(
        (await jobTables(rt.db).selectFrom('job').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', 'like', 'sla.%').where('state', 'in', ['queued', 'running']).where('run_at', '<=', new Date(Date.now() + 10 * 60_000)).executeTakeFirstOrThrow()).n,
      );
    const deadline = Date.now() + 120_000;
    while ((await pending()) > 0) {
      if (Date.now() > deadline) throw new Error('the due service level jobs did not finish');
      await sleep(100);
    }
  } finally {
    await Promise.all(children.map(stopProcess));
  }

  const failed = await jobTables(rt.db).selectFrom('job').select(['id', 'last_error']).where('kind', 'like', 'sla.%').where('state', '=', 'failed').execute();
  assert.deepEqual(failed, []);
  const effects = await sql<{ clock_id: number; alarm: string; n: number }>`select clock_id, alarm, count(*)::int as n from sla_alarm_effect group by clock_id, alarm order by clock_id`.execute(rt.db);
  const told = new Map(effects.rows.map((r) => [`${r.clock_id}:${r.alarm}`, r.n]));
  for (const id of warning) {
    assert.equal(told.get(`${id}:warning`), 1, `clock ${id} warned once`);
    assert.equal(told.get(`${id}:breach`), undefined, `clock ${id} is not due yet`);
  }
  for (const id of breach) {
    assert.equal(told.get(`${id}:breach`), 1, `clock ${id} breached once`);
    assert.equal(told.get(`${id}:warning`), undefined, `clock ${id} was past due: no stale warning`);
  }
  assert.equal(effects.rows.length, warning.length + breach.length, 'nothing else was told');

  const journal = await sql<{ action: string; n: number }>`select action, count(*)::int as n from journal where entity_type = 'incident' group by action order by action`.execute(rt.db);
  assert.deepEqual(journal.rows, [{ action: 'sla_breached', n: 40 }, { action: 'sla_warning', n: 40 }]);
  const marked = await sql<{ warned: number; breached: number }>`select count(*) filter (where warned_at is not null)::int as warned, count(*) filter (where breached_at is not null)::int as breached
    from sla_clock where metric = 'resolution'`.execute(rt.db);
  assert.deepEqual(marked.rows[0], { warned: 40, breached: 40 });
  const workers = await sql<{ worker: string }>`select distinct worker from sla_alarm_effect order by worker`.execute(rt.db);
  assert.deepEqual(workers.rows.map((r) => r.worker), ['one', 'two'], 'both processes fired alarms');
});
