import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation } from '../helpers/factories.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { JobWorker } from '../../src/core/jobs/worker.ts';

/**
 * The request list marks each request whose customer-facing (SLA) targets are past their warning
 * point or breached, and says when its response falls due while it is unanswered, as the incident
 * queue does (the service level module reads both alike). The warning and breach jobs run by a
 * worker told the time.
 */

const BASE = '/api/v1/service-requests';

let env: TestEnv;
let worker: JobWorker;
let desk: ApiClient;
let elm: ApiClient;
let oak: ApiClient;
let elmOds: string;

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
interface Clock {
  kind: string;
  metric: string;
  state: string;
  dueAt: string | null;
  warnAt: string | null;
  warnedAt: string | null;
  breachedAt: string | null;
}

before(async () => {
  env = await testEnv();
  // The runtime's own worker runs jobs due by the real clock; these tests give the time themselves.
  await env.rt.jobs?.stop();
  worker = new JobWorker(env.rt, { pollMs: 3_600_000 });
  desk = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  const a = await makeOrganisation(env, { name: 'Elm Tree Surgery' });
  const b = await makeOrganisation(env, { name: 'Oak Lane Practice' });
  elmOds = a.ods_code;
  elm = (await clientAs(env, { roles: ['customer'], organisations: [a.ods_code] })).api;
  oak = (await clientAs(env, { roles: ['customer'], organisations: [b.ods_code] })).api;
});
after(() => env.close());

async function rowOf(api: ApiClient, number: string): Promise<Row | undefined> {
  const page = await api.get(`${BASE}?limit=200&q=${number}`);
  assert.equal(page.status, 200, JSON.stringify(page.body));
  return (page.body.items as Row[]).find((r) => r.number === number);
}

const clocksOf = async (id: number): Promise<Clock[]> => (await desk.get(`${BASE}/${id}`)).body.clocks;
const slaResponse = (clocks: Clock[]) => clocks.find((c) => c.kind === 'sla' && c.metric === 'response')!;
const firstSla = (clocks: Clock[]) =>
  clocks.filter((c) => c.kind === 'sla' && c.dueAt !== null && c.warnAt !== null).sort((x, y) => Date.parse(x.dueAt!) - Date.parse(y.dueAt!))[0]!;

test('a request past its warning point, then past its due time, is marked so in the list, for its own organisation only', async () => {
  const raised = await elm.post(BASE, { kind: 'access', organisationOdsCode: elmOds, access: { name: 'Dr Nia Evans', to: 'the portal' } });
  assert.equal(raised.status, 201, JSON.stringify(raised.body));
  const { id, number } = raised.body as { id: number; number: string };
  const clock = firstSla(await clocksOf(id));
  assert.ok(clock, 'an SLA clock runs towards a due time');

  const fresh = (await rowOf(desk, number))!;
  assert.deepEqual([fresh.slaWarning, fresh.slaBreached], [false, false], 'not yet at its warning point');
  assert.deepEqual([fresh.slaWarningTargets, fresh.slaBreachedTargets], [[], []]);

  await worker.drain({ now: new Date(Date.parse(clock.warnAt!) + 1_000) });
  assert.ok((await clocksOf(id)).some((c) => c.kind === 'sla' && c.warnedAt !== null), 'the warning job recorded the warning');
  const warned = (await rowOf(desk, number))!;
  assert.deepEqual([warned.slaWarning, warned.slaBreached], [true, false]);
  assert.deepEqual([warned.slaWarningTargets, warned.slaBreachedTargets], [[clock.metric], []], 'the warning names its target');
  const theirs = (await rowOf(elm, number))!;
  assert.deepEqual([theirs.slaWarning, theirs.slaBreached], [true, false], 'the customer sees the warning on their own request');
  assert.equal(await rowOf(oak, number), undefined, 'another organisation does not see the request');

  await worker.drain({ now: new Date(Date.parse(clock.dueAt!) + 1_000) });
  assert.ok((await clocksOf(id)).some((c) => c.kind === 'sla' && c.breachedAt !== null), 'the breach job recorded the breach');
  const late = (await rowOf(desk, number))!;
  assert.deepEqual([late.slaWarning, late.slaBreached], [false, true]);
  assert.deepEqual([late.slaWarningTargets, late.slaBreachedTargets], [[], [clock.metric]], 'the breach names its target');
  assert.equal(late.responseDueAt, slaResponse(await clocksOf(id)).dueAt, 'still unanswered: its response is still due, and late');
  const theirsLate = (await rowOf(elm, number))!;
  assert.deepEqual([theirsLate.slaWarning, theirsLate.slaBreached], [false, true]);
});

test('a request whose clocks are far from their warning points is marked neither', async () => {
  const raised = await elm.post(BASE, { kind: 'access', organisationOdsCode: elmOds, access: { name: 'Locum', to: 'the portal' } });
  assert.equal(raised.status, 201, JSON.stringify(raised.body));
  const row = (await rowOf(desk, raised.body.number))!;
  assert.deepEqual([row.slaWarning, row.slaBreached], [false, false]);
});

test('an unanswered request says when its response falls due; answered, it no longer does', async () => {
  const raised = await elm.post(BASE, { kind: 'access', organisationOdsCode: elmOds, access: { name: 'Practice manager', to: 'the portal' } });
  assert.equal(raised.status, 201, JSON.stringify(raised.body));
  const { id, number } = raised.body as { id: number; number: string };
  const clocks = await clocksOf(id);
  const response = slaResponse(clocks);
  const fulfilment = clocks.find((c) => c.kind === 'sla' && c.metric === 'resolution')!;
  assert.ok(response.dueAt && fulfilment.dueAt && Date.parse(response.dueAt) < Date.parse(fulfilment.dueAt), 'its response falls due before its fulfilment');

  const fresh = (await rowOf(desk, number))!;
  assert.deepEqual([fresh.responseDueAt, fresh.slaDueAt], [response.dueAt, response.dueAt], 'its response is the next target due');
  assert.equal((await rowOf(elm, number))!.responseDueAt, response.dueAt, 'the customer sees it too');

  // Access awaits approval; the approval answers it: the response clock stops, met.
  const approver = (await clientAs(env, { roles: ['change_approver'] })).api;
  const approved = await approver.post(`${BASE}/${id}/approve`, {});
  assert.equal(approved.status, 200, JSON.stringify(approved.body));
  assert.equal(slaResponse(await clocksOf(id)).state, 'met');
  const answered = (await rowOf(desk, number))!;
  assert.deepEqual([answered.responseDueAt, answered.slaDueAt, answered.slaBreached], [null, fulfilment.dueAt, false], 'its fulfilment is now the next target due');
});

test('a request answered late whose fulfilment is past its warning point names each target: the response breached, the fulfilment warned', async () => {
  const raised = await elm.post(BASE, { kind: 'access', organisationOdsCode: elmOds, access: { name: 'Dr Ola Ade', to: 'the portal' } });
  assert.equal(raised.status, 201, JSON.stringify(raised.body));
  const { id, number } = raised.body as { id: number; number: string };
  const clocks = await clocksOf(id);
  await worker.drain({ now: new Date(Date.parse(slaResponse(clocks).dueAt!) + 1_000) });
  const approver = (await clientAs(env, { roles: ['change_approver'] })).api;
  assert.equal((await approver.post(`${BASE}/${id}/approve`, {})).status, 200);
  const fulfilment = clocks.find((c) => c.kind === 'sla' && c.metric === 'resolution')!;
  await worker.drain({ now: new Date(Date.parse(fulfilment.warnAt!) + 1_000) });
  const row = (await rowOf(desk, number))!;
  assert.deepEqual([row.slaBreached, row.slaWarning, row.responseDueAt], [true, true, null]);
  assert.deepEqual([row.slaBreachedTargets, row.slaWarningTargets], [['response'], ['resolution']], 'its response is late; its fulfilment (the resolution target) only warned');
});
