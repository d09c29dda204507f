import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, makeUser } from '../helpers/factories.ts';
import { makeSite } from '../helpers/network-fixtures.ts';
import { makeTeam } from '../helpers/incident-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { JobWorker } from '../../src/core/jobs/worker.ts';

/**
 * The queue shows every breach of a customer-facing (SLA) target, response as well as resolution:
 * `?breached=` filters on them, each row says whether one is breached and, while the incident is
 * unanswered, when its response falls due. The breach jobs run by a worker told the time.
 */

const MINUTE = 60_000;

let env: TestEnv;
let worker: JobWorker;
let desk: ApiClient;
let riverside: ApiClient;
let hilltop: ApiClient;
let riversideSite: { id: number };
let hilltopSite: { id: number };

before(async () => {
  env = await testEnv();
  // The runtime's own worker runs jobs due by the real clock; these tests give the time themselves.
  await env.rt.jobs?.stop();
  worker = new JobWorker(env.rt, { pollMs: 3_600_000 });
  desk = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  const a = await makeOrganisation(env, { name: 'Riverside Surgery' });
  const b = await makeOrganisation(env, { name: 'Hilltop Practice' });
  riversideSite = await makeSite(env, a.ods_code);
  hilltopSite = await makeSite(env, b.ods_code);
  riverside = (await clientAs(env, { roles: ['customer'], organisations: [a.ods_code] })).api;
  hilltop = (await clientAs(env, { roles: ['customer'], organisations: [b.ods_code] })).api;
});
after(() => env.close());

interface Row {
  id: number;
  number: string;
  slaDueAt: string | null;
  slaBreached: boolean;
  slaWarning: boolean;
  slaBreachedTargets: string[];
  slaWarningTargets: string[];
  responseDueAt: string | null;
}

async function log(siteId: number, impact: string, urgency: string, extra: Record<string, unknown> = {}) {
  const created = await desk.post('/api/v1/incidents', { title: 'Connection down at reception', siteId, impact, urgency, ...extra });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  return created.body as { id: number; number: string; version: number; priority: string; clocks: Array<{ kind: string; metric: string; dueAt: string | null; warnAt: string | null }> };
}

async function queue(api: ApiClient, query: string): Promise<Row[]> {
  const page = await api.get(`/api/v1/incidents?limit=200&${query}`);
  assert.equal(page.status, 200, JSON.stringify(page.body));
  return page.body.items;
}
const numbers = (rows: Row[]) => rows.map((r) => r.number).sort();
const rowOf = async (api: ApiClient, number: string) => (await queue(api, `number=${number}`))[0]!;

/** Runs the warning and breach jobs due `minutes` from now. */
const minutesLater = (minutes: number) => worker.drain({ now: new Date(Date.now() + minutes * MINUTE) });

describe('breaches in the queue', () => {
  let p1: Awaited<ReturnType<typeof log>>;
  let quiet: Awaited<ReturnType<typeof log>>;
  let theirs: Awaited<ReturnType<typeof log>>;

  before(async () => {
    p1 = await log(riversideSite.id, 'high', 'high');
    quiet = await log(riversideSite.id, 'low', 'low');
    theirs = await log(hilltopSite.id, 'high', 'high');
    assert.deepEqual([p1.priority, theirs.priority], ['P1', 'P1']);
  });

  test('unanswered, a row shows its response due time, the SLA target it is due against first, and no breach yet', async () => {
    const row = await rowOf(desk, p1.number);
    const response = p1.clocks.find((c) => c.kind === 'sla' && c.metric === 'response')!;
    const resolution = p1.clocks.find((c) => c.kind === 'sla' && c.metric === 'resolution')!;
    assert.deepEqual([row.responseDueAt, row.slaDueAt, row.slaBreached], [response.dueAt, response.dueAt, false]);
    assert.equal(Date.parse(resolution.dueAt!) - Date.parse(row.responseDueAt!), (5 * 60 - 15) * MINUTE, 'a P1 is answered within 15 minutes, resolved within 5 hours');
    assert.ok(!numbers(await queue(desk, 'breached=true')).includes(p1.number));
  });

  test('a P1 left unanswered past its 15-minute response target is breached, in ?breached=true and marked on its row', async () => {
    await minutesLater(20);
    const breached = numbers(await queue(desk, 'breached=true'));
    assert.ok(breached.includes(p1.number) && breached.includes(theirs.number), breached.join());
    assert.ok(!breached.includes(quiet.number), 'neither of its targets is breached');
    const notBreached = numbers(await queue(desk, 'breached=false'));
    assert.ok(notBreached.includes(quiet.number) && !notBreached.includes(p1.number), notBreached.join());

    const row = await rowOf(desk, p1.number);
    assert.equal(row.slaBreached, true);
    assert.equal(row.slaWarning, false, 'its breached response is a breach, not a warning; its resolution is not yet at its warning point');
    assert.deepEqual([row.slaBreachedTargets, row.slaWarningTargets], [['response'], []], 'the breach is its response’s');
    assert.equal(row.responseDueAt, p1.clocks.find((c) => c.kind === 'sla' && c.metric === 'response')!.dueAt, 'still unanswered: its response is still due, and late');
    assert.equal((await rowOf(desk, quiet.number)).slaBreached, false);
  });

  test('the breach filter combines with search and the other filters', async () => {
    assert.deepEqual(numbers(await queue(desk, `breached=true&q=${p1.number}`)), [p1.number]);
    assert.deepEqual(numbers(await queue(desk, `breached=true&priority=P5&number=${quiet.number}`)), []);
    const soonest = await queue(desk, 'breached=true&state=open&sort=slaDueAt');
    assert.ok(soonest.every((r) => r.slaBreached));
  });

  test('a customer sees the breaches of their own organisations only', async () => {
    assert.deepEqual(numbers(await queue(riverside, 'breached=true')), [p1.number]);
    assert.deepEqual(numbers(await queue(hilltop, 'breached=true')), [theirs.number]);
    assert.deepEqual(numbers(await queue(hilltop, 'breached=false')), []);
    assert.equal((await rowOf(riverside, p1.number)).slaBreached, true);
    assert.equal((await queue(riverside, `number=${theirs.number}`)).length, 0);
  });

  test('answered late, the response is no longer due, and the breach stays on the row', async () => {
    const team = await makeTeam(env);
    const current = await desk.get(`/api/v1/incidents/${p1.id}`);
    const assigned = await desk.post(`/api/v1/incidents/${p1.id}/assignment`, { teamId: team.id }, { 'if-match': `"${current.body.version}"` });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    const row = await rowOf(desk, p1.number);
    assert.deepEqual([row.responseDueAt, row.slaBreached], [null, true]);
    assert.equal(row.slaDueAt, p1.clocks.find((c) => c.kind === 'sla' && c.metric === 'resolution')!.dueAt, 'its resolution is still due, and next');
    assert.ok(numbers(await queue(desk, 'breached=true')).includes(p1.number));
  });

  test('its response breached and stopped, its resolution past its warning point: the row names each target', async () => {
    const resolution = p1.clocks.find((c) => c.kind === 'sla' && c.metric === 'resolution')!;
    await worker.drain({ now: new Date(Date.parse(resolution.warnAt!) + 1_000) });
    const record = await desk.get(`/api/v1/incidents/${p1.id}`);
    const resolutionNow = record.body.clocks.find((c: { kind: string; metric: string }) => c.kind === 'sla' && c.metric === 'resolution');
    assert.ok(resolutionNow.warnedAt !== null && resolutionNow.breachedAt === null, 'the resolution’s warning job recorded its warning');
    const row = await rowOf(desk, p1.number);
    assert.deepEqual([row.slaBreached, row.slaWarning], [true, true], 'the marks are the record’s: one target breached, one warned');
    assert.deepEqual([row.slaBreachedTargets, row.slaWarningTargets], [['response'], ['resolution']], 'the response is late; the resolution only warned');
    assert.deepEqual([(await rowOf(riverside, p1.number)).slaBreachedTargets, (await rowOf(riverside, p1.number)).slaWarningTargets], [['response'], ['resolution']], 'the customer reads the same');
  });
});

test('a breach of an internal (OLA) target alone is not a breach of the customer’s SLA', async () => {
  const manager = (await clientAs(env, { roles: ['service_manager'] })).api;
  const member = await makeUser(env, { roles: ['service_desk_agent'] });
  const team = await makeTeam(env, { memberIds: [member.id] });
  const targets = ['P1', 'P2', 'P3', 'P4', 'P5'].map((priority) => ({ priority, responseMinutes: 5, resolutionMinutes: 30 }));
  const ola = await manager.post('/api/v1/sla-definitions', { code: `OLA-${team.id}`, name: `${team.code} OLA`, kind: 'ola', recordType: 'incident', teamCode: team.code, calendar: '24x7', targets });
  assert.equal(ola.status, 201, JSON.stringify(ola.body));
  // Logged to the team, it is answered at once; the team's 30-minute resolution target is its own.
  const held = await log(riversideSite.id, 'low', 'low', { teamId: team.id });
  await minutesLater(40);
  const record = await desk.get(`/api/v1/incidents/${held.id}`);
  assert.equal(record.body.clocks.find((c: { kind: string; metric: string }) => c.kind === 'ola' && c.metric === 'resolution').breachedAt !== null, true, 'the OLA is breached');
  const row = await rowOf(desk, held.number);
  assert.deepEqual([row.slaBreached, row.responseDueAt, row.slaBreachedTargets], [false, null, []]);
  assert.ok(!numbers(await queue(desk, 'breached=true')).includes(held.number));
  assert.ok(numbers(await queue(desk, 'breached=false')).includes(held.number));
});

test('a clock past its warning point marks its row as warned, not breached, and only for those who see the incident', async () => {
  const warned = await log(riversideSite.id, 'high', 'high');
  const response = warned.clocks.find((c) => c.kind === 'sla' && c.metric === 'response') as { warnAt: string | null; dueAt: string | null } | undefined;
  assert.ok(response?.warnAt && response.dueAt, JSON.stringify(warned.clocks));
  assert.deepEqual([(await rowOf(desk, warned.number)).slaWarning, (await rowOf(desk, warned.number)).slaBreached], [false, false], 'not yet at its warning point');

  // Its warning job runs a second after the warning point, well short of the due time.
  await worker.drain({ now: new Date(Date.parse(response.warnAt) + 1_000) });
  // By the real clock its warning point is still ahead: the row is marked by the warning the job recorded.
  const row = await rowOf(desk, warned.number);
  assert.deepEqual([row.slaWarning, row.slaBreached], [true, false]);
  assert.deepEqual([row.slaWarningTargets, row.slaBreachedTargets], [['response'], []], 'the warning is its response’s');
  assert.ok(!numbers(await queue(desk, 'breached=true')).includes(warned.number), 'a warning is not a breach');

  assert.deepEqual([(await rowOf(riverside, warned.number)).slaWarning], [true], 'the customer sees the warning on their own incident');
  assert.equal((await queue(hilltop, `number=${warned.number}`)).length, 0, 'another organisation does not see the incident at all');

  // Past its due time its breach job runs: the row is breached, and no longer only warned.
  await worker.drain({ now: new Date(Date.parse(response.dueAt) + 1_000) });
  const late = await rowOf(desk, warned.number);
  assert.deepEqual([late.slaWarning, late.slaBreached], [false, true]);
});
