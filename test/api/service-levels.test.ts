import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { isolatedDatabase, testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, SYSTEM, uniqueCode } from '../helpers/factories.ts';
import { makeProduct, makeServiceClass, makeSupplier } from '../helpers/network-fixtures.ts';
import { makeTeam } from '../helpers/incident-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { inTransaction } from '../../src/core/context.ts';
import { openRuntime, type Runtime } from '../../src/core/runtime.ts';
import { JobWorker } from '../../src/core/jobs/worker.ts';
import { jobTables } from '../../src/core/jobs/queue.ts';
import { createOrganisation } from '../../src/modules/organisations/service.ts';
import {
  clockAlarms, clocksOf, recordClockEvent, startClocks, subjectChanged, type ClockAlarm, type ClockSubject, type ClockSummary, type ClockView, type RecordEvent,
} from '../../src/modules/service-levels/clocks.ts';
import { updateCalendar } from '../../src/modules/service-levels/service.ts';
import { breachKey, warningKey } from '../../src/modules/service-levels/engine.ts';

/**
 * The persisted service level engine: calendars and definitions through the API, clocks driven
 * through the contract functions the incident and request modules call, with fixed instants, and
 * the warning and breach jobs run by a worker told what time it is.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const at = (iso: string) => new Date(iso);

let env: TestEnv;
let admin: ApiClient;
let worker: JobWorker;
let org: { id: number; ods_code: string };
const heard: ClockAlarm[] = [];

before(async () => {
  env = await testEnv();
  // The runtime's own worker runs jobs due by the real clock; these tests give the time themselves.
  await env.rt.jobs?.stop();
  worker = new JobWorker(env.rt, { pollMs: 3_600_000 });
  admin = (await clientAs(env, { roles: ['administrator'] })).api;
  org = await makeOrganisation(env);
  const owner = clockAlarms.listenerFor('incident');
  clockAlarms.listen('incident', async (tx, ctx, alarm) => {
    heard.push(alarm);
    await owner?.(tx, ctx, alarm);
  });
});
after(() => env.close());

let nextRecord = 50_000_000;
function subject(overrides: Partial<ClockSubject> = {}): ClockSubject {
  const recordId = nextRecord++;
  return { recordType: 'incident', recordId, recordNumber: `INC${recordId}`, priority: 'P2', organisationId: org.id, teamId: null, supplierId: null, ...overrides };
}

const start = (s: ClockSubject, when: Date) => inTransaction(env.rt, (tx) => startClocks(tx, env.rt, s, when));
const signal = (s: ClockSubject, event: RecordEvent, when: Date) => inTransaction(env.rt, (tx) => recordClockEvent(tx, env.rt, s, event, when));
const change = (s: ClockSubject, next: ClockSubject, when: Date) => inTransaction(env.rt, (tx) => subjectChanged(tx, env.rt, s, next, when));

async function clocksAt(s: ClockSubject, when: Date): Promise<ClockView[]> {
  return (await clocksOf(env.rt.db, s.recordType, [s.recordId], when)).get(s.recordId)!;
}
function one(clocks: ClockView[], kind: ClockView['kind'], metric: ClockView['metric'], which: 'first' | 'last' = 'last'): ClockView {
  const found = clocks.filter((c) => c.kind === kind && c.metric === metric);
  assert.ok(found.length > 0, `no ${kind} ${metric} clock in ${JSON.stringify(clocks.map((c) => `${c.kind}/${c.metric}`))}`);
  return which === 'first' ? found[0]! : found[found.length - 1]!;
}
const iso = (d: Date | null) => d?.toISOString() ?? null;

/** The live warning and breach jobs of a clock: their run instants, or null. */
async function timers(clockId: number) {
  const live = async (key: string) => {
    const row = await jobTables(env.rt.db).selectFrom('job').select('run_at').where('dedupe_key', '=', key).where('state', 'in', ['queued', 'running']).executeTakeFirst();
    return row ? row.run_at.toISOString() : null;
  };
  return { warning: await live(warningKey(clockId)), breach: await live(breachKey(clockId)) };
}

async function journalOf(recordId: number, action: string) {
  return env.rt.db.selectFrom('journal').select(['action', 'organisation_id', 'supplier_id', 'summary']).where('entity_type', '=', 'incident').where('entity_id', '=', String(recordId)).where('action', '=', action).execute();
}

const run = (when: string) => worker.drain({ now: at(when) });

// ---- calendars and definitions through the API ---------------------------------------------------

describe('calendars and definitions', () => {
  test('a fresh database has the 24x7 and office-hours calendars and standard SLAs for incidents and requests', async () => {
    const calendars = await admin.get('/api/v1/business-calendars');
    assert.equal(calendars.status, 200);
    const office = calendars.body.items.find((c: { name: string }) => c.name === 'office-hours');
    assert.equal(office.timeZone, 'Europe/London');
    assert.deepEqual(office.hours.monday, [{ opens: '08:00', closes: '18:30' }]);
    assert.deepEqual(office.hours.saturday, []);
    assert.equal(office.bankHolidays, 'england-and-wales');
    assert.deepEqual(office.bankHolidayCoverage, { firstDate: '2024-01-01', lastDate: '2027-12-31' }, 'read from the published file beside the project');
    assert.equal(calendars.body.items.find((c: { name: string }) => c.name === '24x7').hours, '24x7');

    const incidents = await admin.get('/api/v1/sla-definitions/INCIDENT-STANDARD');
    assert.equal(incidents.status, 200);
    assert.equal(incidents.headers.etag, '"1"');
    assert.equal(incidents.body.kind, 'sla');
    assert.deepEqual(incidents.body.targets[0], { priority: 'P1', calendar: '24x7', responseMinutes: 15, resolutionMinutes: 300 });
    assert.deepEqual(incidents.body.targets[4], { priority: 'P5', calendar: 'office-hours', responseMinutes: 480, resolutionMinutes: 7200 });
    const requests = await admin.get('/api/v1/sla-definitions?recordType=service_request');
    assert.deepEqual(requests.body.items.map((d: { code: string }) => d.code), ['REQUEST-STANDARD']);
  });

  test('a calendar is created, read and changed with If-Match; bad calendars are refused naming the field', async () => {
    const name = `desk-${uniqueCode('').toLowerCase()}`;
    const body = { name, description: 'Out of hours desk', hours: { saturday: [{ opens: '09:00', closes: '13:00' }] }, closures: [{ kind: 'dates', from: '2026-12-24', to: '2026-12-31', title: 'Christmas' }] };
    const created = await admin.post('/api/v1/business-calendars', body);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.hours.monday, [], 'a day left out is closed');
    assert.equal(created.body.bankHolidays, null);
    assert.equal((await admin.post('/api/v1/business-calendars', body)).body.errors[0].field, 'name');

    const problems = async (overrides: object) => {
      const response = await admin.post('/api/v1/business-calendars', { name: `x${uniqueCode('').toLowerCase()}`, hours: '24x7', ...overrides });
      assert.ok(response.status >= 400 && response.status < 500, JSON.stringify(response.body));
      return [...new Set(response.body.errors.map((e: { field: string }) => e.field))];
    };
    assert.deepEqual(await problems({ timeZone: 'Europe/Atlantis' }), ['timeZone']);
    assert.deepEqual(await problems({ hours: { monday: [{ opens: '08:00', closes: '12:00' }, { opens: '11:00', closes: '13:00' }] } }), ['hours.monday[1]']);
    assert.deepEqual(await problems({ hours: { tuesday: [{ opens: '18:00', closes: '08:00' }] } }), ['hours.tuesday[0]']);
    assert.deepEqual(await problems({ hours: {} }), ['hours']);
    assert.deepEqual(await problems({ closures: [{ kind: 'dates', from: '2026-05-04', to: '2026-05-01', title: 'Backwards' }] }), ['closures[0]']);
    assert.deepEqual(await problems({ bankHolidays: 'wales' }), ['bankHolidays']);
    assert.deepEqual(await problems({ closures: [{ kind: 'period', start: '2020-01-01T00:00:00Z', end: '2099-01-01T00:00:00Z', title: 'Shut for good' }] }), ['closures']);
    assert.ok((await problems({ name: 'Office Hours' })).includes('name'));

    const url = `/api/v1/business-calendars/${name}`;
    assert.equal((await admin.patch(url, { description: 'x' })).status, 428);
    assert.equal((await admin.patch(url, { description: 'x' }, { 'if-match': '"7"' })).status, 412);
    const changed = await admin.patch(url, { bankHolidays: 'scotland', timeZone: 'Europe/London' }, { 'if-match': '"1"' });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.bankHolidays, 'scotland');
    assert.equal(changed.headers.etag, '"2"');
    const journal = await env.rt.db.selectFrom('journal').select('action').where('entity_type', '=', 'business_calendar').where('summary', 'like', '%bankHolidays%').execute();
    assert.equal(journal.length, 1);
  });

  test('calendars are staff configuration: a customer is refused them, a service desk agent reads but does not write', async () => {
    const customer = (await clientAs(env, { roles: ['customer'], organisations: [org.ods_code] })).api;
    assert.equal((await customer.get('/api/v1/business-calendars')).status, 403);
    assert.equal((await customer.get('/api/v1/business-calendars/office-hours')).status, 403);
    const agent = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
    assert.equal((await agent.get('/api/v1/business-calendars/office-hours')).status, 200);
    assert.equal((await agent.post('/api/v1/business-calendars', { name: 'mine', hours: '24x7' })).status, 403);
    const manager = (await clientAs(env, { roles: ['service_manager'] })).api;
    assert.equal((await manager.post('/api/v1/business-calendars', { name: `m${uniqueCode('').toLowerCase()}`, hours: '24x7' })).status, 201);
  });

  test('an auditor reads who changed a calendar, a definition and the incident settings, when, and from what to what; a customer does not', async () => {
    const { api: manager, user: managerUser } = await clientAs(env, { roles: ['service_manager'] });
    const auditor = (await clientAs(env, { roles: ['auditor'] })).api;
    const customer = (await clientAs(env, { roles: ['customer'], organisations: [org.ods_code] })).api;
    const name = `audit-${uniqueCode('').toLowerCase()}`;
    assert.equal((await manager.post('/api/v1/business-calendars', { name, hours: '24x7' })).status, 201);
    assert.equal((await manager.patch(`/api/v1/business-calendars/${name}`, { bankHolidays: 'scotland' }, { 'if-match': '"1"' })).status, 200);
    const calendar = await auditor.get(`/api/v1/business-calendars/${name}/journal`);
    assert.equal(calendar.status, 200, JSON.stringify(calendar.body));
    assert.deepEqual(calendar.body.items.map((e: { action: string; actor: string }) => [e.action, e.actor]), [['updated', managerUser.display_name], ['created', managerUser.display_name]]);
    assert.deepEqual(calendar.body.items[0].changes.find((c: { field: string }) => c.field === 'bankHolidays'), { field: 'bankHolidays', before: null, after: 'scotland' });

    const code = uniqueCode('AUD');
    const elsewhere = await makeOrganisation(env);
    const definition = { code, name: 'Audited SLA', kind: 'sla', recordType: 'incident', organisationOdsCode: elsewhere.ods_code, calendar: '24x7', targets: targets([60, 120, 240, 480, 960]) };
    assert.equal((await manager.post('/api/v1/sla-definitions', definition)).status, 201);
    assert.equal((await manager.patch(`/api/v1/sla-definitions/${code}`, { warningFraction: 0.5 }, { 'if-match': '"1"' })).status, 200);
    const terms = await auditor.get(`/api/v1/sla-definitions/${code}/journal`);
    assert.equal(terms.status, 200, JSON.stringify(terms.body));
    assert.deepEqual(terms.body.items.map((e: { action: string }) => e.action), ['updated', 'created']);
    assert.ok(terms.body.items[0].changes.some((c: { field: string; after: unknown }) => c.field === 'warningFraction' && Number(c.after) === 0.5), JSON.stringify(terms.body.items[0].changes));

    const settings = await manager.get('/api/v1/incident-settings');
    const saved = await manager.request('PUT', '/api/v1/incident-settings', { ...settings.body, reopenWindowHours: 72 }, { 'if-match': String(settings.headers.etag) });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const desk = await auditor.get('/api/v1/incident-settings/journal');
    assert.equal(desk.status, 200, JSON.stringify(desk.body));
    assert.deepEqual(desk.body.items[0].changes.find((c: { field: string }) => c.field === 'reopenWindowHours'), { field: 'reopenWindowHours', before: settings.body.reopenWindowHours, after: 72 });
    await manager.request('PUT', '/api/v1/incident-settings', settings.body, { 'if-match': String(saved.headers.etag) });

    assert.equal((await customer.get(`/api/v1/business-calendars/${name}/journal`)).status, 403);
    assert.equal((await customer.get(`/api/v1/sla-definitions/${code}/journal`)).status, 403);
    assert.equal((await customer.get('/api/v1/incident-settings/journal')).status, 403);
  });

  const targets = (resolutionMinutes: number[], calendar?: string) =>
    ['P1', 'P2', 'P3', 'P4', 'P5'].map((priority, i) => ({ priority, responseMinutes: 15, resolutionMinutes: resolutionMinutes[i]!, ...(calendar ? { calendar } : {}) }));

  test('definitions are refused naming the field: unknown calendar, missing priority, inverted targets, limits that do not fit the kind, unknown references, a tie', async () => {
    const gold = await makeOrganisation(env);
    const base = { code: uniqueCode('D'), name: 'Gold', kind: 'sla', recordType: 'incident', organisationOdsCode: gold.ods_code, calendar: 'office-hours', targets: targets([240, 480, 960, 1440, 2880]) };
    const refused = async (overrides: object, status = 400) => {
      const response = await admin.post('/api/v1/sla-definitions', { ...base, code: uniqueCode('D'), ...overrides });
      assert.equal(response.status, status, JSON.stringify(response.body));
      return [...new Set(response.body.errors.map((e: { field: string }) => e.field))];
    };
    assert.deepEqual(await refused({ calendar: 'weekends' }), ['calendar']);
    assert.deepEqual(await refused({ targets: targets([240, 480, 960, 1440, 2880]).slice(1) }), ['targets.P1']);
    assert.deepEqual(await refused({ targets: targets([240, 480, 960, 1440, 2880]).map((t, i) => (i === 2 ? { ...t, calendar: 'nights' } : t)) }), ['targets[2].calendar']);
    assert.deepEqual(await refused({ targets: targets([240, 480, 960, 1440, 10]) }), ['targets[4].resolutionMinutes']);
    assert.deepEqual(await refused({ targets: targets([480, 240, 960, 1440, 2880]) }), ['targets.P2.resolutionMinutes']);
    assert.deepEqual(await refused({ teamCode: (await makeTeam(env)).code }), ['teamCode']);
    assert.deepEqual(await refused({ organisationOdsCode: 'ZZZ999' }, 422), ['organisationOdsCode']);
    assert.deepEqual(await refused({ kind: 'ola', teamCode: 'no-such-team' }, 422), ['teamCode']);
    assert.deepEqual(await refused({ warningFraction: 1.5 }), ['warningFraction']);

    const created = await admin.post('/api/v1/sla-definitions', base);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.organisation, { odsCode: gold.ods_code, name: gold.name });
    assert.equal(created.body.warningFraction, 0.75);
    assert.deepEqual(await refused({}, 409), ['active'], 'a second active definition with the same limits would tie');
    assert.deepEqual(await refused({ code: base.code, active: false }, 409), ['code']);
    const retired = await admin.patch(`/api/v1/sla-definitions/${base.code}`, { active: false }, { 'if-match': '"1"' });
    assert.equal(retired.status, 200);
    assert.equal(retired.body.active, false);
  });

  test('a customer sees the SLAs that may apply to their organisations, not another organisation’s nor the desk’s OLAs; a supplier sees its contracts', async () => {
    const mine = await makeOrganisation(env);
    const theirs = await makeOrganisation(env);
    const supplier = await makeSupplier(env, { regions: [] });
    const team = await makeTeam(env);
    const make = async (extra: object) => {
      const code = uniqueCode('V');
      const response = await admin.post('/api/v1/sla-definitions', { code, name: `Visible ${code}`, recordType: 'incident', calendar: '24x7', targets: targets([300, 480, 960, 1440, 2880]), ...extra });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      return code;
    };
    const mineCode = await make({ kind: 'sla', organisationOdsCode: mine.ods_code });
    const theirsCode = await make({ kind: 'sla', organisationOdsCode: theirs.ods_code });
    const olaCode = await make({ kind: 'ola', teamCode: team.code });
    const ucCode = await make({ kind: 'underpinning', supplierCode: supplier.code });
    const codesFor = async (api: ApiClient) => (await api.get('/api/v1/sla-definitions?limit=200')).body.items.map((d: { code: string }) => d.code);
    const customer = (await clientAs(env, { roles: ['customer'], organisations: [mine.ods_code] })).api;
    const seen = await codesFor(customer);
    assert.ok(seen.includes(mineCode) && seen.includes('INCIDENT-STANDARD'));
    assert.ok(!seen.includes(theirsCode) && !seen.includes(olaCode) && !seen.includes(ucCode));
    assert.equal((await customer.get(`/api/v1/sla-definitions/${theirsCode}`)).status, 404);
    const engineer = (await clientAs(env, { roles: ['supplier'], supplierId: supplier.id })).api;
    assert.deepEqual(await codesFor(engineer), [ucCode]);
  });
});

// ---- clocks through the contract, with fixed instants ----------------------------------------------

describe('clocks on a record', () => {
  test('a P2 incident on office hours: response in 30 minutes, resolution in 8 hours, the next due time copied for the queue', async () => {
    const s = subject();
    const summary = await start(s, at('2026-06-08T08:00Z')); // Monday 09:00 BST
    assert.equal(iso(summary.nextDueAt), '2026-06-08T08:30:00.000Z', 'the response falls due first');
    const clocks = await clocksAt(s, at('2026-06-08T11:00Z'));
    assert.equal(clocks.length, 2);
    const response = one(clocks, 'sla', 'response');
    assert.equal(response.dueAt, '2026-06-08T08:30:00.000Z');
    assert.equal(response.state, 'breached', 'not responded by 09:30');
    const resolution = one(clocks, 'sla', 'resolution');
    assert.deepEqual(
      { state: resolution.state, elapsed: resolution.elapsedBusinessMs, due: resolution.dueAt, warn: resolution.warnAt, calendar: resolution.calendar, code: resolution.definition.code },
      { state: 'running', elapsed: 3 * HOUR, due: '2026-06-08T16:00:00.000Z', warn: '2026-06-08T14:00:00.000Z', calendar: 'office-hours', code: 'INCIDENT-STANDARD' },
    );
    assert.deepEqual(await timers(resolution.id), { warning: '2026-06-08T14:00:00.000Z', breach: '2026-06-08T16:00:00.001Z' });
    const again = await start(s, at('2026-06-08T08:05Z'));
    assert.equal(iso(again.nextDueAt), '2026-06-08T08:30:00.000Z');
    assert.equal((await clocksAt(s, at('2026-06-08T11:00Z'))).length, 2, 'starting again adds no clocks');
    const answered = await signal(s, 'responded', at('2026-06-08T11:00Z'));
    assert.equal(iso(answered.nextDueAt), '2026-06-08T16:00:00.000Z', 'answered (late), the resolution falls due next');
  });

  test('pending customer over a weekend: paused Friday 17:00 to Monday 09:00, due Monday 14:00 rather than 11:30', async () => {
    const s = subject();
    await start(s, at('2026-06-12T13:00Z')); // Friday 14:00 BST
    await signal(s, 'responded', at('2026-06-12T13:05Z'));
    const paused = await signal(s, 'paused', at('2026-06-12T16:00Z'));
    assert.equal(paused.nextDueAt, null, 'no due time while waiting on the customer');
    const saturday = one(await clocksAt(s, at('2026-06-13T12:00Z')), 'sla', 'resolution');
    assert.deepEqual([saturday.state, saturday.elapsedBusinessMs, saturday.dueAt], ['paused', 3 * HOUR, null]);
    assert.deepEqual(await timers(saturday.id), { warning: null, breach: null }, 'a paused clock needs no timer');
    const resumed = await signal(s, 'resumed', at('2026-06-15T08:00Z'));
    assert.equal(iso(resumed.nextDueAt), '2026-06-15T13:00:00.000Z');
    const monday = one(await clocksAt(s, at('2026-06-15T09:00Z')), 'sla', 'resolution');
    assert.deepEqual([monday.state, monday.elapsedBusinessMs, monday.pausedMs], ['running', 4 * HOUR, 64 * HOUR]);
    assert.deepEqual(await timers(monday.id), { warning: '2026-06-15T11:00:00.000Z', breach: '2026-06-15T13:00:00.001Z' });
    assert.equal(one(await clocksAt(s, at('2026-06-15T09:00Z')), 'sla', 'response').state, 'met');
  });

  test('the next due time is the earliest running SLA target: not a team’s OLA, and none while paused, even past a breached response', async () => {
    const team = await makeTeam(env);
    const created = await admin.post('/api/v1/sla-definitions', {
      code: uniqueCode('OLA'), name: `OLA for ${team.code}`, kind: 'ola', recordType: 'incident', teamCode: team.code, calendar: 'office-hours',
      targets: ['P1', 'P2', 'P3', 'P4', 'P5'].map((priority) => ({ priority, responseMinutes: 5, resolutionMinutes: 60 })),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const s = subject({ teamId: team.id });
    const started = await start(s, at('2026-06-08T08:00Z')); // Monday 09:00 BST, P2
    assert.equal(iso(started.nextDueAt), '2026-06-08T08:30:00.000Z', 'the SLA response, not the team’s own 5-minute response');
    const paused = await signal(s, 'paused', at('2026-06-08T09:00Z'));
    assert.equal(one(await clocksAt(s, at('2026-06-08T09:00Z')), 'sla', 'response').state, 'breached');
    assert.equal(paused.nextDueAt, null, 'waiting on the customer, even with its response breached');
    const resumed = await signal(s, 'resumed', at('2026-06-08T10:00Z'));
    assert.equal(iso(resumed.nextDueAt), '2026-06-08T08:30:00.000Z', 'running again: the breached response, in the past, is still first');
  });

  test('bank holidays: 8 hours from Thursday 2 April 2026 17:00 BST skip Good Friday, the weekend and Easter Monday', async () => {
    const s = subject();
    const summary = await start(s, at('2026-04-02T16:00Z'));
    assert.equal(iso(summary.nextDueAt), '2026-04-02T16:30:00.000Z', 'the response first: Thursday 17:30 BST');
    const answered = await signal(s, 'responded', at('2026-04-02T16:10Z'));
    assert.equal(iso(answered.nextDueAt), '2026-04-07T13:30:00.000Z', 'then the resolution: Tuesday 14:30 BST');
  });

  test('the spring change: a P1 raised 23:00 GMT on Saturday 28 March 2026 is due at 05:00 BST, five hours later', async () => {
    const s = subject({ priority: 'P1' });
    const summary = await start(s, at('2026-03-28T23:00Z'));
    assert.equal(iso(summary.nextDueAt), '2026-03-28T23:15:00.000Z', 'the 15-minute response falls due first');
    const clocks = await clocksAt(s, at('2026-03-29T03:00Z'));
    assert.equal(one(clocks, 'sla', 'resolution').dueAt, '2026-03-29T04:00:00.000Z');
    assert.equal(one(clocks, 'sla', 'resolution').calendar, '24x7');
    assert.equal(one(clocks, 'sla', 'resolution').elapsedBusinessMs, 4 * HOUR);
    assert.equal(one(clocks, 'sla', 'response').dueAt, '2026-03-28T23:15:00.000Z');
  });

  test('a priority change retargets the clock keeping its elapsed time, and moves it to the new priority’s calendar', async () => {
    const p3 = subject({ priority: 'P3' });
    await start(p3, at('2026-06-08T08:00Z'));
    await signal(p3, 'responded', at('2026-06-08T08:30Z'));
    const p2 = { ...p3, priority: 'P2' };
    const second = await change(p3, p2, at('2026-06-08T10:00Z'));
    assert.equal(iso(second.nextDueAt), '2026-06-08T16:00:00.000Z', '2 of 8 hours used: due at 17:00 BST');
    const p1 = { ...p3, priority: 'P1' };
    const third = await change(p2, p1, at('2026-06-08T11:00Z'));
    assert.equal(iso(third.nextDueAt), '2026-06-08T13:00:00.000Z', '3 of 5 hours used, then round the clock');
    const clocks = await clocksAt(p3, at('2026-06-08T12:00Z'));
    const resolution = one(clocks, 'sla', 'resolution');
    assert.equal(clocks.length, 2, 'retargeted, not replaced');
    assert.deepEqual([resolution.priority, resolution.targetMs, resolution.elapsedBusinessMs, resolution.calendar], ['P1', 5 * HOUR, 4 * HOUR, '24x7']);
    assert.deepEqual(resolution.events!.map((e) => e.type + (e.calendar ? `:${e.calendar}` : '')), ['started', 'calendarChanged:24x7']);
    const response = one(clocks, 'sla', 'response');
    assert.deepEqual([response.state, response.priority], ['met', 'P3'], 'a stopped clock keeps the terms it was met under');
    assert.deepEqual(await timers(resolution.id), { warning: '2026-06-08T11:45:00.000Z', breach: '2026-06-08T13:00:00.001Z' }, 'the warning at 3¾ of 5 hours');
  });

  test('raised to a priority whose target has already passed, the clock is breached at once and its breach job is due', async () => {
    const p4 = subject({ priority: 'P4' });
    await start(p4, at('2026-06-08T08:00Z'));
    await signal(p4, 'responded', at('2026-06-08T08:10Z'));
    await change(p4, { ...p4, priority: 'P2' }, at('2026-06-09T08:00Z'));
    const resolution = one(await clocksAt(p4, at('2026-06-09T08:00Z')), 'sla', 'resolution');
    assert.deepEqual([resolution.state, resolution.dueAt], ['breached', '2026-06-08T16:00:00.000Z']);
    assert.deepEqual(await timers(resolution.id), { warning: null, breach: '2026-06-08T16:00:00.001Z' });
    await run('2026-06-09T08:00Z');
    const breaches = await journalOf(p4.recordId, 'sla_breached');
    assert.equal(breaches.length, 1);
    assert.match(breaches[0]!.summary!, /SLA resolution target \(P2, 8 h, INCIDENT-STANDARD\) breached at Mon 8 Jun 2026, 17:00$/);
  });

  test('a team change stops the old team’s OLA — met within its target, breached past it, a response it never gave cancelled — and starts the new team’s', async () => {
    const [a, b] = [await makeTeam(env), await makeTeam(env)];
    const ola = async (team: { code: string }, resolutionMinutes: number) => {
      const code = uniqueCode('OLA');
      const response = await admin.post('/api/v1/sla-definitions', {
        code, name: `OLA for ${team.code}`, kind: 'ola', recordType: 'incident', teamCode: team.code, calendar: 'office-hours',
        targets: ['P1', 'P2', 'P3', 'P4', 'P5'].map((priority) => ({ priority, responseMinutes: 15, resolutionMinutes })),
      });
      assert.equal(response.status, 201, JSON.stringify(response.body));
      return code;
    };
    const olaA = await ola(a, 240);
    const olaB = await ola(b, 120);
    const s = subject({ priority: 'P3', teamId: a.id });
    await start(s, at('2026-06-08T08:00Z'));
    let clocks = await clocksAt(s, at('2026-06-08T08:00Z'));
    assert.equal(one(clocks, 'ola', 'resolution').definition.code, olaA);
    await signal(s, 'responded', at('2026-06-08T08:10Z'));
    const toB = { ...s, teamId: b.id };
    await change(s, toB, at('2026-06-08T10:00Z'));
    const toA = { ...s, teamId: a.id };
    await change(toB, toA, at('2026-06-08T13:00Z'));
    clocks = await clocksAt(s, at('2026-06-08T14:00Z'));
    const olas = clocks.filter((c) => c.kind === 'ola' && c.metric === 'resolution');
    assert.deepEqual(olas.map((c) => [c.definition.code, c.state, c.elapsedBusinessMs]), [
      [olaA, 'met', 2 * HOUR],
      [olaB, 'breached', 3 * HOUR],
      [olaA, 'running', 1 * HOUR],
    ]);
    assert.deepEqual(clocks.filter((c) => c.kind === 'ola' && c.metric === 'response').map((c) => c.state), ['met'], 'responded before team B took it: no response clock for B');
    // Team B's breach happened while it held the record; its job still records it once.
    await run('2026-06-08T14:00Z');
    assert.equal(one(await clocksAt(s, at('2026-06-08T14:00Z')), 'ola', 'resolution', 'first').breachedAt, null);
    assert.equal((await clocksAt(s, at('2026-06-08T14:00Z'))).filter((c) => c.kind === 'ola')[2]!.breachedAt, '2026-06-08T12:00:00.000Z');
    const tellB = await journalOf(s.recordId, 'ola_breached');
    assert.ok(tellB.some((j) => j.summary!.includes(`OLA resolution target (P3, 2 h, ${olaB})`)), JSON.stringify(tellB));

    const quick = subject({ priority: 'P3', teamId: a.id });
    await start(quick, at('2026-06-08T08:00Z'));
    await change(quick, { ...quick, teamId: b.id }, at('2026-06-08T08:05Z'));
    const responses = (await clocksAt(quick, at('2026-06-08T08:06Z'))).filter((c) => c.kind === 'ola' && c.metric === 'response');
    assert.deepEqual(responses.map((c) => [c.definition.code, c.state]), [[olaA, 'cancelled'], [olaB, 'running']]);
  });

  test('a hand-off starts the supplier’s underpinning clock and shows the record’s SLA clocks to the supplier; the hand-back stops it', async () => {
    const supplier = await makeSupplier(env, { regions: [] });
    const other = await makeSupplier(env, { regions: [] });
    const code = uniqueCode('UC');
    const created = await admin.post('/api/v1/sla-definitions', {
      code, name: 'Fibre repair contract', kind: 'underpinning', recordType: 'incident', supplierCode: supplier.code, calendar: '24x7',
      targets: ['P1', 'P2', 'P3', 'P4', 'P5'].map((priority) => ({ priority, resolutionMinutes: 360 })),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const s = subject();
    await start(s, at('2026-06-08T08:00Z'));
    await signal(s, 'responded', at('2026-06-08T08:05Z'));
    const handed = { ...s, supplierId: supplier.id };
    await change(s, handed, at('2026-06-08T09:00Z'));
    const uc = one(await clocksAt(s, at('2026-06-08T10:00Z')), 'underpinning', 'resolution');
    assert.deepEqual([uc.definition.code, uc.dueAt, uc.calendar], [code, '2026-06-08T15:00:00.000Z', '24x7']);
    assert.equal(((await clocksAt(s, at('2026-06-08T10:00Z'))).filter((c) => c.kind === 'underpinning')).length, 1, 'no underpinning response target: no response clock');

    const engineer = (await clientAs(env, { roles: ['supplier'], supplierId: supplier.id })).api;
    const outsider = (await clientAs(env, { roles: ['supplier'], supplierId: other.id })).api;
    const seenBy = async (api: ApiClient) => (await api.get(`/api/v1/sla-clocks?recordType=incident&recordId=${s.recordId}`)).body.items.map((c: ClockView) => `${c.kind}/${c.metric}`).sort();
    assert.deepEqual(await seenBy(engineer), ['sla/resolution', 'sla/response', 'underpinning/resolution']);
    assert.deepEqual(await seenBy(outsider), []);

    await change(handed, s, at('2026-06-08T12:00Z'));
    const back = one(await clocksAt(s, at('2026-06-08T13:00Z')), 'underpinning', 'resolution');
    assert.deepEqual([back.state, back.elapsedBusinessMs, back.stoppedAt], ['met', 3 * HOUR, '2026-06-08T12:00:00.000Z']);
    assert.equal(back.events!.at(-1)!.reason, 'handed_back');
    assert.deepEqual(await seenBy(engineer), ['underpinning/resolution'], 'handed back: the supplier keeps its own contract’s clock only');
  });

  test('a reopened incident’s resolution clock runs on from where it stopped; the response stays met', async () => {
    const s = subject();
    await start(s, at('2026-06-08T08:00Z'));
    await signal(s, 'responded', at('2026-06-08T08:05Z'));
    const resolved = await signal(s, 'resolved', at('2026-06-08T11:00Z'));
    assert.equal(resolved.nextDueAt, null);
    const met = one(await clocksAt(s, at('2026-06-08T12:00Z')), 'sla', 'resolution');
    assert.deepEqual([met.state, met.elapsedBusinessMs], ['met', 3 * HOUR]);
    assert.deepEqual(await timers(met.id), { warning: null, breach: null });
    const reopened = await signal(s, 'reopened', at('2026-06-09T08:00Z'));
    assert.equal(iso(reopened.nextDueAt), '2026-06-09T13:00:00.000Z', '5 hours left from Tuesday 09:00 BST');
    const clocks = await clocksAt(s, at('2026-06-09T09:00Z'));
    assert.equal(clocks.length, 2, 'the same clock runs again, no new one');
    const running = one(clocks, 'sla', 'resolution');
    assert.deepEqual([running.state, running.elapsedBusinessMs, running.pausedMs, running.stoppedAt], ['running', 4 * HOUR, 0, null]);
    assert.deepEqual(running.events!.map((e) => `${e.type}${e.reason ? `:${e.reason}` : ''}`), ['started', 'paused:resolved', 'resumed:reopened']);
    assert.equal(one(clocks, 'sla', 'response').state, 'met');
    await signal(s, 'resolved', at('2026-06-09T10:00Z'));
    assert.equal(one(await clocksAt(s, at('2026-06-09T11:00Z')), 'sla', 'resolution').state, 'met');
  });

  test('a service class SLA applies to records whose product is of that class', async () => {
    const serviceClass = await makeServiceClass(env);
    const product = await makeProduct(env, serviceClass.code);
    const code = uniqueCode('GOLD');
    const response = await admin.post('/api/v1/sla-definitions', {
      code, name: 'Gold class', kind: 'sla', recordType: 'incident', serviceClassCode: serviceClass.code, calendar: '24x7',
      targets: ['P1', 'P2', 'P3', 'P4', 'P5'].map((priority) => ({ priority, responseMinutes: 10, resolutionMinutes: 240 })),
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    const productId = (await env.rt.db.selectFrom('product').select('id').where('code', '=', product.code).executeTakeFirstOrThrow()).id;
    const gold = subject({ productId });
    const summary = await start(gold, at('2026-06-13T10:00Z'));
    assert.equal(iso(summary.nextDueAt), '2026-06-13T10:10:00.000Z', 'its 10-minute response');
    const resolution = one(await clocksAt(gold, at('2026-06-13T10:00Z')), 'sla', 'resolution');
    assert.deepEqual([resolution.definition.code, resolution.dueAt], [code, '2026-06-13T14:00:00.000Z'], 'four hours round the clock, on a Saturday');
    const plain = subject();
    await start(plain, at('2026-06-13T10:00Z'));
    assert.equal(one(await clocksAt(plain, at('2026-06-13T10:00Z')), 'sla', 'resolution').definition.code, 'INCIDENT-STANDARD');
  });

  test('a calendar edited while a clock runs: from that instant the clock counts in the new hours and its jobs move', async () => {
    const name = `short-${uniqueCode('').toLowerCase()}`;
    const weekdays = (opens: string, closes: string) => Object.fromEntries(['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((d) => [d, [{ opens, closes }]]));
    assert.equal((await admin.post('/api/v1/business-calendars', { name, hours: weekdays('09:00', '17:00') })).status, 201);
    const customerOrg = await makeOrganisation(env);
    const code = uniqueCode('ORG');
    const created = await admin.post('/api/v1/sla-definitions', {
      code, name: 'Practice hours', kind: 'sla', recordType: 'incident', organisationOdsCode: customerOrg.ods_code, calendar: name,
      targets: ['P1', 'P2', 'P3', 'P4', 'P5'].map((priority) => ({ priority, responseMinutes: 30, resolutionMinutes: 480 })),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const s = subject({ organisationId: customerOrg.id });
    assert.equal(iso((await start(s, at('2026-06-08T08:00Z'))).nextDueAt), '2026-06-08T08:30:00.000Z', 'the response first');
    const answered = await signal(s, 'responded', at('2026-06-08T08:10Z'));
    assert.equal(iso(answered.nextDueAt), '2026-06-08T16:00:00.000Z', '09:00 to 17:00 BST');
    const before = one(await clocksAt(s, at('2026-06-08T10:00Z')), 'sla', 'resolution');
    assert.equal(before.definition.code, code);

    await updateCalendar(env.rt, SYSTEM, name, 1, { hours: weekdays('09:00', '13:00') }, at('2026-06-08T10:00Z'));
    const after = one(await clocksAt(s, at('2026-06-08T10:00Z')), 'sla', 'resolution');
    assert.equal(after.elapsedBusinessMs, 2 * HOUR);
    assert.equal(after.dueAt, '2026-06-09T12:00:00.000Z', '2 hours on Monday until 13:00, then 4 on Tuesday');
    assert.deepEqual(after.events!.map((e) => e.type), ['started', 'calendarChanged']);
    assert.deepEqual(await timers(after.id), { warning: '2026-06-09T10:00:00.000Z', breach: '2026-06-09T12:00:00.001Z' });
    const recalculated = await env.rt.db.selectFrom('journal').select(['summary', 'changes']).where('action', '=', 'sla_clocks_recalculated').where('entity_type', '=', 'business_calendar').execute();
    const entry = recalculated.find((j) => j.summary === `1 running service level clock counts in version 2 of ${name} from Mon 8 Jun 2026, 11:00, on 1 record`);
    assert.ok(entry, JSON.stringify(recalculated));
    assert.deepEqual(entry.changes, [{ field: 'records', before: null, after: s.recordNumber }], 'the record whose clock moved, by its number');
  });

  test('a cancelled record’s clocks stop as neither met nor breached, and their jobs go', async () => {
    const s = subject();
    await start(s, at('2026-06-08T08:00Z'));
    const summary = await signal(s, 'cancelled', at('2026-06-08T09:00Z'));
    assert.equal(summary.nextDueAt, null);
    const clocks = await clocksAt(s, at('2026-06-08T20:00Z'));
    assert.deepEqual(clocks.map((c) => c.state), ['cancelled', 'cancelled']);
    for (const clock of clocks) assert.deepEqual(await timers(clock.id), { warning: null, breach: null });
    await run('2026-06-08T20:00Z');
    assert.equal((await journalOf(s.recordId, 'sla_breached')).length, 0);
  });
});

// ---- warnings and breaches ------------------------------------------------------------------------

describe('warning and breach jobs', () => {
  test('each fires exactly once at its instant, is journalled on the record and told to the record’s owner', async () => {
    const s = subject();
    await start(s, at('2026-06-08T08:00Z'));
    await signal(s, 'responded', at('2026-06-08T08:10Z'));
    const count = async (action: string) => (await journalOf(s.recordId, action)).length;
    const alarmsHeard = () => heard.filter((a) => a.recordId === s.recordId).map((a) => `${a.alarm}:${a.clock.metric}`);

    await run('2026-06-08T13:59:59Z');
    assert.equal(await count('sla_warning'), 0, 'not before the warning instant');
    await run('2026-06-08T14:00Z');
    assert.equal(await count('sla_warning'), 1);
    const [warning] = await journalOf(s.recordId, 'sla_warning');
    assert.equal(warning!.organisation_id, org.id);
    assert.match(warning!.summary!, new RegExp(`^INC${s.recordId}: SLA resolution target \\(P2, 8 h, INCIDENT-STANDARD\\) reached its warning at Mon 8 Jun 2026, 15:00; due Mon 8 Jun 2026, 17:00$`), 'London wall time (BST)');
    await run('2026-06-08T15:00Z');
    assert.equal(await count('sla_warning'), 1, 'once only');
    await run('2026-06-08T16:00Z');
    assert.equal(await count('sla_breached'), 0, 'due at 17:00 BST, not late until after it');
    await run('2026-06-08T16:00:00.001Z');
    await run('2026-06-08T18:00Z');
    assert.equal(await count('sla_breached'), 1);
    assert.deepEqual(alarmsHeard(), ['warning:resolution', 'breach:resolution']);
    const clock = one(await clocksAt(s, at('2026-06-08T18:00Z')), 'sla', 'resolution');
    assert.deepEqual([clock.state, clock.warnedAt, clock.breachedAt], ['breached', '2026-06-08T14:00:00.000Z', '2026-06-08T16:00:00.000Z']);
    // Resolved late, it stays breached: no second breach, no met.
    await signal(s, 'resolved', at('2026-06-08T18:00Z'));
    await run('2026-06-08T19:00Z');
    assert.equal(await count('sla_breached'), 1);
    assert.equal(one(await clocksAt(s, at('2026-06-08T19:00Z')), 'sla', 'resolution').state, 'breached');
  });

  test('a pause moves the jobs: nothing fires while waiting on the customer, and the breach comes later by the pause', async () => {
    const s = subject();
    await start(s, at('2026-06-08T08:00Z'));
    await signal(s, 'responded', at('2026-06-08T08:10Z'));
    await signal(s, 'paused', at('2026-06-08T10:00Z'));
    await run('2026-06-08T17:00Z');
    assert.equal((await journalOf(s.recordId, 'sla_warning')).length, 0);
    await signal(s, 'resumed', at('2026-06-09T08:00Z')); // 6 of 8 hours left from Tuesday 09:00 BST
    await run('2026-06-09T13:59Z');
    assert.equal((await journalOf(s.recordId, 'sla_breached')).length, 0);
    await run('2026-06-09T14:00:00.001Z');
    const breaches = await journalOf(s.recordId, 'sla_breached');
    assert.equal(breaches.length, 1);
    assert.match(breaches[0]!.summary!, /breached at Tue 9 Jun 2026, 15:00$/);
  });

  test('a clock resolved before its warning fires nothing, and its jobs are gone', async () => {
    const s = subject();
    await start(s, at('2026-06-08T08:00Z'));
    await signal(s, 'resolved', at('2026-06-08T08:20Z'));
    const clocks = await clocksAt(s, at('2026-06-08T20:00Z'));
    assert.deepEqual(clocks.map((c) => c.state), ['met', 'met']);
    await run('2026-06-09T20:00Z');
    assert.equal((await journalOf(s.recordId, 'sla_warning')).length + (await journalOf(s.recordId, 'sla_breached')).length, 0);
  });

  test('a restart in between loses no timer: the warning fires in one runtime, the breach in the next, each once', async () => {
    const database = await isolatedDatabase();
    const dir = database.config.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'n3sp-sla-'));
    const open = (first: boolean) =>
      openRuntime(database.config, { dataDir: dir, ...(first ? { loadDataDir: database.loadDataDir } : {}), jobs: false, chainer: false });
    const actions = async (rt: Runtime) =>
      (await rt.db.selectFrom('journal').select('action').where('entity_type', '=', 'incident').where('entity_id', '=', '7').orderBy('id').execute()).map((e) => e.action);
    try {
      let rt = await open(true);
      const organisation = await inTransaction(rt, (tx) => createOrganisation(tx, rt, SYSTEM, { odsCode: uniqueCode(), name: 'Restart Practice', kind: 'gp_practice' }));
      const s: ClockSubject = { recordType: 'incident', recordId: 7, recordNumber: 'INC0000007', priority: 'P1', organisationId: organisation.id, teamId: null, supplierId: null };
      const started: ClockSummary = await inTransaction(rt, async (tx) => {
        await startClocks(tx, rt, s, at('2026-06-13T10:00Z'));
        return recordClockEvent(tx, rt, s, 'responded', at('2026-06-13T10:05Z'));
      });
      assert.equal(iso(started.nextDueAt), '2026-06-13T15:00:00.000Z', 'P1: 5 hours round the clock');
      await new JobWorker(rt, { pollMs: 3_600_000 }).drain({ now: at('2026-06-13T13:45Z') });
      assert.deepEqual(await actions(rt), ['sla_warning']);
      await rt.close();

      rt = await open(false);
      const next = new JobWorker(rt, { pollMs: 3_600_000 });
      await next.drain({ now: at('2026-06-13T15:00:00.001Z') });
      await next.drain({ now: at('2026-06-13T16:00Z') });
      assert.deepEqual(await actions(rt), ['sla_warning', 'sla_breached'], 'the breach timer survived the restart; the warning did not fire again');
      const row = await sql<{ warned_at: Date; breached_at: Date }>`select warned_at, breached_at from sla_clock where record_id = 7 and metric = 'resolution'`.execute(rt.db);
      assert.deepEqual([iso(row.rows[0]!.warned_at), iso(row.rows[0]!.breached_at)], ['2026-06-13T13:45:00.000Z', '2026-06-13T15:00:00.000Z']);
      await rt.close();
    } finally {
      await database.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---- clocks and compliance through the API ------------------------------------------------------

describe('clocks and compliance through the API', () => {
  test('a customer reads the SLA clocks of their own organisation’s records, not OLAs and not another organisation’s', async () => {
    const team = await makeTeam(env);
    await admin.post('/api/v1/sla-definitions', {
      code: uniqueCode('OLA'), name: 'Internal', kind: 'ola', recordType: 'incident', teamCode: team.code, calendar: 'office-hours',
      targets: ['P1', 'P2', 'P3', 'P4', 'P5'].map((priority) => ({ priority, resolutionMinutes: 600 })),
    });
    const mine = await makeOrganisation(env);
    const s = subject({ organisationId: mine.id, teamId: team.id });
    await start(s, at('2026-06-08T08:00Z'));
    const customer = (await clientAs(env, { roles: ['customer'], organisations: [mine.ods_code] })).api;
    const stranger = (await clientAs(env, { roles: ['customer'], organisations: [org.ods_code] })).api;
    const seen = await customer.get(`/api/v1/sla-clocks?recordType=incident&recordId=${s.recordId}`);
    assert.equal(seen.status, 200);
    assert.deepEqual(seen.body.items.map((c: ClockView) => `${c.kind}/${c.metric}`), ['sla/response', 'sla/resolution']);
    assert.equal(seen.body.items[1].definition.code, 'INCIDENT-STANDARD');
    assert.equal((await stranger.get(`/api/v1/sla-clocks?recordType=incident&recordId=${s.recordId}`)).body.items.length, 0);
    const staff = await admin.get(`/api/v1/sla-clocks?recordType=incident&recordId=${s.recordId}`);
    assert.deepEqual(staff.body.items.map((c: ClockView) => c.kind).sort(), ['ola', 'sla', 'sla']);
    assert.equal((await admin.get('/api/v1/sla-clocks?recordType=castle')).status, 400);
  });

  test('compliance: met against breached per priority or definition in a period, counted in SQL, within the caller’s scope', async () => {
    const practice = await makeOrganisation(env);
    const onTime = subject({ organisationId: practice.id });
    const late = subject({ organisationId: practice.id });
    const dropped = subject({ organisationId: practice.id, priority: 'P1' });
    for (const s of [onTime, late, dropped]) {
      await start(s, at('2026-06-08T08:00Z'));
      await signal(s, 'responded', at('2026-06-08T08:10Z'));
    }
    await signal(onTime, 'resolved', at('2026-06-08T12:00Z'));
    await signal(dropped, 'cancelled', at('2026-06-08T09:00Z'));
    await run('2026-06-08T17:00Z'); // late breaches at 17:00 BST
    await signal(late, 'resolved', at('2026-06-08T17:00Z'));

    const customer = (await clientAs(env, { roles: ['customer'], organisations: [practice.ods_code] })).api;
    const june = 'from=2026-06-01T00:00:00Z&to=2026-07-01T00:00:00Z';
    const byPriority = await customer.get(`/api/v1/sla-compliance?${june}&groupBy=priority&metric=resolution`);
    assert.equal(byPriority.status, 200, JSON.stringify(byPriority.body));
    assert.deepEqual(byPriority.body.groups, [{ key: 'P2', name: 'P2', met: 1, breached: 1, total: 2, compliancePercent: 50 }], 'the cancelled P1 counts as neither');
    const byDefinition = await customer.get(`/api/v1/sla-compliance?${june}&groupBy=definition`);
    assert.deepEqual(byDefinition.body.groups.map((g: { key: string; met: number; breached: number }) => [g.key, g.met, g.breached]), [['INCIDENT-STANDARD', 4, 1]]);
    assert.deepEqual(byDefinition.body.totals, { met: 4, breached: 1, total: 5, compliancePercent: 80 });
    const july = await customer.get('/api/v1/sla-compliance?from=2026-07-01T00:00:00Z&to=2026-08-01T00:00:00Z');
    assert.deepEqual(july.body.totals, { met: 0, breached: 0, total: 0, compliancePercent: null });
    const backwards = await customer.get('/api/v1/sla-compliance?from=2026-08-01T00:00:00Z&to=2026-07-01T00:00:00Z');
    assert.equal(backwards.status, 400);
    assert.equal(backwards.body.errors[0].field, 'query.from');
    assert.equal((await customer.get('/api/v1/sla-compliance?groupBy=colour')).status, 400);
    const staff = await admin.get(`/api/v1/sla-compliance?${june}&metric=resolution`);
    assert.ok(staff.body.totals.total > 2, 'staff count every organisation');
  });
});
