import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation } from '../helpers/factories.ts';
import { makeSupplier } from '../helpers/network-fixtures.ts';
import { makeLiveConnection, planWindow, recordOutage, type LiveConnection } from '../helpers/availability-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { inTransaction } from '../../src/core/context.ts';
import { closeOutage, openOutage } from '../../src/modules/availability/outages.ts';

/**
 * Availability through the API, against figures worked out by hand (docs/availability.md):
 * overlapping outages counted once, maintenance overlapping an outage, an outage crossing a
 * month boundary; the target from the product's service class; grouping and drill-down;
 * outages from incidents; the desk's corrections; tenancy.
 */
let env: TestEnv;
let desk: ApiClient;
let manager: ApiClient;
let customer: ApiClient;
let supplierEngineer: ApiClient;
let org: { ods_code: string; name: string };
let a: LiveConnection;
let b: LiveConnection;
let other: LiveConnection;

const HOUR = 3_600_000;
const bst = (local: string) => `${local}+01:00`;

before(async () => {
  env = await testEnv();
  desk = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  manager = (await clientAs(env, { roles: ['service_manager'] })).api;
  org = await makeOrganisation(env, { name: 'Hand-Computed Practice' });
  const elsewhere = await makeOrganisation(env, { name: 'Someone Else Practice' });
  customer = (await clientAs(env, { roles: ['customer'], organisations: [org.ods_code] })).api;
  let supplier = await makeSupplier(env, { name: 'Measured Access Ltd', regions: [] });
  if (supplier.id === 1) supplier = await makeSupplier(env, { name: 'Measured Access Ltd', regions: [] }); // the tenancy test's engineer is supplier 1's
  supplierEngineer = (await clientAs(env, { roles: ['supplier'], supplierId: supplier.id })).api;
  a = await makeLiveConnection(env, org.ods_code, { target: 99.5, resilience: 'resilient', siteName: 'Alpha Surgery', supplier });
  b = await makeLiveConnection(env, org.ods_code, { target: 99.0, siteName: 'Bravo Surgery' });
  other = await makeLiveConnection(env, elsewhere.ods_code, { target: 99.0, siteName: 'Charlie Surgery', supplier });

  // A: an alert outage 10:00–12:00 and another cause's 11:00–13:00 over the same fault: 3 h, once.
  await recordOutage(env, a.id, bst('2026-04-08T10:00:00'), bst('2026-04-08T12:00:00'));
  await recordOutage(env, a.id, bst('2026-04-08T11:00:00'), bst('2026-04-08T13:00:00'));
  // A: maintenance 01:00–05:00 on its CI, the line down 03:00–07:00: 2 h planned, 2 h unplanned.
  await planWindow(env, { title: 'Line card swap', ciIds: [a.ciId], startsAt: bst('2026-04-14T01:00:00'), endsAt: bst('2026-04-14T05:00:00') });
  await recordOutage(env, a.id, bst('2026-04-14T03:00:00'), bst('2026-04-14T07:00:00'));
  // A: down from 31 March 22:00 to 1 April 03:00: 2 h in March, 3 h in April.
  await recordOutage(env, a.id, bst('2026-03-31T22:00:00'), bst('2026-04-01T03:00:00'));
  // B: 5 h in April. The other organisation's connection: 20 h.
  await recordOutage(env, b.id, bst('2026-04-20T09:00:00'), bst('2026-04-20T14:00:00'));
  await recordOutage(env, other.id, bst('2026-04-21T00:00:00'), bst('2026-04-21T20:00:00'));
});
after(() => env.close());

const figuresOf = async (api: ApiClient, query: string) => {
  const r = await api.get(`/api/v1/availability?${query}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
};

describe('availability, hand-computed', () => {
  test('April for connection A: 10 h down, 2 h of it planned; 1 − 8/718; misses 99.5%', async () => {
    const report = await figuresOf(desk, `period=2026-04&connectionId=${a.id}&groupBy=connection`);
    const f = report.items[0].figures;
    assert.deepEqual([f.periodMs, f.downMs, f.plannedMs, f.unplannedMs, f.measuredMs], [720 * HOUR, 10 * HOUR, 2 * HOUR, 8 * HOUR, 718 * HOUR]);
    assert.equal(f.availability, 100 * (1 - 8 / 718));
    assert.deepEqual([f.target, f.met, f.missed], [99.5, 0, 1]);
    assert.equal(report.items[0].key, String(a.id));
    assert.equal(report.items[0].name, 'Alpha Surgery');
    assert.equal(report.period.complete, true);
  });

  test('March for connection A: the 2 hours before midnight on the 31st, in a 743-hour month', async () => {
    const f = (await figuresOf(desk, `period=2026-03&connectionId=${a.id}`)).total;
    assert.deepEqual([f.periodMs, f.unplannedMs], [743 * HOUR, 2 * HOUR]);
    assert.equal(f.availability, 100 * (1 - 2 / 743));
    assert.equal(f.met, 1);
  });

  test('dates across the boundary (30 March to 2 April) see the whole 5-hour outage once', async () => {
    const f = (await figuresOf(desk, `from=2026-03-30&to=2026-04-02&connectionId=${a.id}`)).total;
    assert.equal(f.unplannedMs, 5 * HOUR);
    assert.equal(f.periodMs, 4 * 24 * HOUR);
  });

  test('the organisation in April: sums of both connections, each against its own target', async () => {
    const report = await figuresOf(desk, `period=2026-04&organisation=${org.ods_code}&groupBy=organisation`);
    assert.equal(report.items.length, 1);
    const f = report.items[0].figures;
    assert.deepEqual([f.connections, f.periodMs, f.downMs, f.plannedMs, f.unplannedMs], [2, 1440 * HOUR, 15 * HOUR, 2 * HOUR, 13 * HOUR]);
    assert.equal(f.availability, 100 * (1 - 13 / 1438));
    assert.deepEqual([f.met, f.missed, f.target], [1, 1, null], 'B (99.0%, 5 h) meets its target; the targets differ');
  });

  test('grouped by connection, worst first; the key drills down', async () => {
    const report = await figuresOf(desk, `period=2026-04&organisation=${org.ods_code}&groupBy=connection`);
    assert.deepEqual(report.items.map((g: { key: string }) => g.key), [String(a.id), String(b.id)]);
    const best = await figuresOf(desk, `period=2026-04&organisation=${org.ods_code}&groupBy=connection&sort=-availability&limit=1`);
    assert.equal(best.items[0].key, String(b.id));
    assert.ok(best.nextCursor);
    const next = await figuresOf(desk, `period=2026-04&organisation=${org.ods_code}&groupBy=connection&sort=-availability&limit=1&cursor=${best.nextCursor}`);
    assert.equal(next.items[0].key, String(a.id));
    assert.equal(next.total.connections, 2, 'the total is the whole set on every page');
  });

  test('the missed list names A, with what its target allowed and how far over it went', async () => {
    const r = await desk.get(`/api/v1/availability/missed?period=2026-04&organisation=${org.ods_code}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.items.length, 1);
    const miss = r.body.items[0];
    assert.equal(miss.connection.id, a.id);
    assert.equal(miss.target, 99.5);
    assert.equal(miss.allowedUnplannedMs, Math.floor(0.005 * 718 * HOUR));
    assert.equal(miss.overByMs, 8 * HOUR - Math.floor(0.005 * 718 * HOUR));
  });

  test('month by month: March and April for the organisation', async () => {
    const r = await desk.get(`/api/v1/availability/months?from=2026-03&to=2026-04&organisation=${org.ods_code}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.months.map((m: { month: string }) => m.month), ['2026-03', '2026-04']);
    assert.equal(r.body.months[0].total.unplannedMs, 2 * HOUR);
    assert.equal(r.body.months[1].total.unplannedMs, 13 * HOUR);
    assert.equal(r.body.months[0].total.periodMs, 2 * 743 * HOUR);
  });

  test('a period not yet begun, both kinds of period at once, and a reversed range are refused by name', async () => {
    assert.equal((await desk.get('/api/v1/availability?period=2099-01')).body.errors[0].field, 'period');
    const both = await desk.get('/api/v1/availability?period=2026-04&from=2026-04-01&to=2026-04-02');
    assert.equal(both.status, 400);
    assert.equal(both.body.errors[0].field, 'query.period');
    assert.equal((await desk.get('/api/v1/availability?from=2026-04-10&to=2026-04-01')).body.errors[0].field, 'query.to');
    assert.equal((await desk.get('/api/v1/availability?period=2026-13')).status, 400);
  });
});

describe('tenancy of outages and availability', () => {
  test("a customer sees their organisation's connections and outages only", async () => {
    const report = await figuresOf(customer, 'period=2026-04&groupBy=connection');
    assert.deepEqual(report.items.map((g: { name: string }) => g.name).sort(), ['Alpha Surgery', 'Bravo Surgery']);
    assert.equal(report.total.unplannedMs, 13 * HOUR);
    const outages = await customer.get('/api/v1/outages?limit=200');
    assert.ok(outages.body.items.length > 0);
    assert.ok(outages.body.items.every((o: { organisation: { odsCode: string } }) => o.organisation.odsCode === org.ods_code));
    const theirs = (await desk.get(`/api/v1/outages?connectionId=${other.id}`)).body.items[0];
    assert.equal((await customer.get(`/api/v1/outages/${theirs.id}`)).status, 404);
  });

  test("a supplier's engineer sees the connections ordered from their company, across organisations", async () => {
    const report = await figuresOf(supplierEngineer, 'period=2026-04&groupBy=connection');
    assert.deepEqual(report.items.map((g: { name: string }) => g.name).sort(), ['Alpha Surgery', 'Charlie Surgery']);
    assert.equal((await supplierEngineer.get(`/api/v1/availability/missed?period=2026-04`)).body.items.length, 2, 'A at 98.9% of 99.5, Charlie at 97.2% of 99.0');
  });

  test('customers and suppliers read; they do not correct', async () => {
    const mine = (await customer.get(`/api/v1/outages?connectionId=${b.id}`)).body.items[0];
    assert.equal((await customer.patch(`/api/v1/outages/${mine.id}`, { startedAt: bst('2026-04-20T08:00:00'), reason: 'we say so' }, { 'if-match': `"${mine.version}"` })).status, 403);
  });
});

describe('outages from incidents', () => {
  let conn: LiveConnection;
  before(async () => {
    conn = await makeLiveConnection(env, org.ods_code, { siteName: 'Delta Surgery' });
  });

  async function move(id: number, body: Record<string, unknown>) {
    const read = await desk.get(`/api/v1/incidents/${id}`);
    const r = await desk.post(`/api/v1/incidents/${id}/transitions`, body, { 'if-match': String(read.headers.etag) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  }
  const outagesOf = async (incidentId: number, extra = '') => (await desk.get(`/api/v1/outages?incidentId=${incidentId}&sort=startedAt${extra}`)).body.items;

  test('logging opens an outage from its creation; resolving ends it then; reopening opens another from then', async () => {
    const created = await desk.post('/api/v1/incidents', { title: 'Delta line down', connectionId: conn.id, category: 'connectivity' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const incident = created.body;
    let outages = await outagesOf(incident.id);
    assert.equal(outages.length, 1);
    assert.equal(outages[0].startedAt, incident.createdAt);
    assert.equal(outages[0].endedAt, null);
    assert.equal(outages[0].cause.incident.number, incident.number);
    const resolved = await move(incident.id, { to: 'resolved', resolutionCode: 'fixed_by_supplier', resolutionNotes: 'The supplier replaced the line card.' });
    outages = await outagesOf(incident.id);
    assert.equal(outages[0].endedAt, resolved.resolvedAt);
    await move(incident.id, { to: 'in_progress', note: 'Down again' });
    outages = await outagesOf(incident.id);
    assert.equal(outages.length, 2);
    assert.ok(outages[1].startedAt >= outages[0].endedAt);
    assert.equal(outages[1].endedAt, null);
    await move(incident.id, { to: 'resolved', resolutionCode: 'fixed_by_supplier', resolutionNotes: 'The supplier replaced the line card.' });
    await move(incident.id, { to: 'closed' });
    outages = await outagesOf(incident.id);
    assert.ok(outages.every((o: { endedAt: string | null }) => o.endedAt !== null));
    const journal = (await desk.get(`/api/v1/outages/${outages[0].id}/journal`)).body.items.map((e: { action: string }) => e.action);
    assert.deepEqual(journal, ['closed', 'opened']);
  });

  test('cancelling voids the outage: kept, journalled, counted for nothing', async () => {
    const incident = (await desk.post('/api/v1/incidents', { title: 'Delta blip', connectionId: conn.id })).body;
    assert.equal((await outagesOf(incident.id)).length, 1, 'connectivity is the default category');
    await move(incident.id, { to: 'cancelled', note: 'Logged in error' });
    assert.equal((await outagesOf(incident.id)).length, 0);
    const voided = await outagesOf(incident.id, '&includeVoided=true');
    assert.equal(voided.length, 1);
    assert.match(voided[0].voided.reason, /cancelled/);
  });

  test('an incident on a site, or of another category, records no outage', async () => {
    const slow = (await desk.post('/api/v1/incidents', { title: 'Delta slow', connectionId: conn.id, category: 'performance' })).body;
    assert.equal((await outagesOf(slow.id, '&includeVoided=true')).length, 0);
    const onSite = (await desk.post('/api/v1/incidents', { title: 'Delta printer', siteId: conn.site.id })).body;
    assert.equal((await outagesOf(onSite.id, '&includeVoided=true')).length, 0);
  });
});

describe('opening and closing outages (the contract monitoring calls)', () => {
  test('opening twice from one cause gives one outage; closing ends every open one of that cause', async () => {
    const conn = await makeLiveConnection(env, org.ods_code);
    const cause = { kind: 'alert' as const, alertId: 424242 };
    const [first, second] = await inTransaction(env.rt, async (tx) => [
      await openOutage(tx, env.rt, { connectionId: conn.id, startedAt: new Date(bst('2026-05-01T10:00:00')), cause, planned: false }),
      await openOutage(tx, env.rt, { connectionId: conn.id, startedAt: new Date(bst('2026-05-01T10:05:00')), cause, planned: false }),
    ]);
    assert.equal(first, second);
    assert.equal(await inTransaction(env.rt, (tx) => closeOutage(tx, env.rt, cause, new Date(bst('2026-05-01T11:00:00')))), true);
    assert.equal(await inTransaction(env.rt, (tx) => closeOutage(tx, env.rt, cause, new Date(bst('2026-05-01T12:00:00')))), false);
    // The alert fires again, delivered late, from before the end: the same outage reopens.
    const again = await inTransaction(env.rt, (tx) => openOutage(tx, env.rt, { connectionId: conn.id, startedAt: new Date(bst('2026-05-01T10:50:00')), cause, planned: false }));
    assert.equal(again, first);
    const read = (await desk.get(`/api/v1/outages/${first}`)).body;
    assert.equal(read.endedAt, null);
  });

  test('the database itself refuses two overlapping outages from one cause', async () => {
    const conn = await makeLiveConnection(env, org.ods_code);
    const insert = (from: string) => sql`insert into outage (connection_id, organisation_id, started_at, cause_kind, alert_id)
      select id, organisation_id, ${from}::timestamptz, 'alert', 77 from connection where id = ${conn.id}`.execute(env.rt.db);
    await insert('2026-05-02T10:00:00Z');
    await assert.rejects(insert('2026-05-02T11:00:00Z'), /outage_alert_once/);
  });

  test('an outage opened inside a maintenance window covering the connection is marked planned, with the window', async () => {
    const conn = await makeLiveConnection(env, org.ods_code);
    const window = await planWindow(env, { title: 'Fibre splice', ciIds: [conn.ciId], startsAt: bst('2026-05-03T00:00:00'), endsAt: bst('2026-05-03T04:00:00') });
    const id = await recordOutage(env, conn.id, bst('2026-05-03T01:00:00'), bst('2026-05-03T02:00:00'));
    const read = (await desk.get(`/api/v1/outages/${id}`)).body;
    assert.equal(read.planned, true);
    assert.deepEqual(read.maintenanceWindow, { id: window.id, title: 'Fibre splice' });
    assert.equal((await desk.get(`/api/v1/outages?connectionId=${conn.id}&planned=false`)).body.items.length, 0);
  });
});

describe('the desk corrects an outage', () => {
  test('moving the start back: If-Match and a reason required; journalled; the report follows', async () => {
    const conn = await makeLiveConnection(env, org.ods_code, { target: 99.0 });
    const id = await recordOutage(env, conn.id, bst('2026-06-10T09:00:00'), bst('2026-06-10T10:00:00'));
    const before = await desk.get(`/api/v1/outages/${id}`);
    assert.equal((await desk.patch(`/api/v1/outages/${id}`, { startedAt: bst('2026-06-10T07:00:00'), reason: 'Customer says down since 7' })).status, 428);
    assert.equal((await desk.patch(`/api/v1/outages/${id}`, { startedAt: bst('2026-06-10T07:00:00') }, { 'if-match': String(before.headers.etag) })).status, 400);
    const r = await desk.patch(`/api/v1/outages/${id}`, { startedAt: bst('2026-06-10T07:00:00'), reason: 'Customer says down since 7' }, { 'if-match': String(before.headers.etag) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.startedAt, '2026-06-10T06:00:00.000Z');
    assert.ok(r.body.correctedAt);
    assert.equal((await desk.patch(`/api/v1/outages/${id}`, { endedAt: bst('2026-06-10T10:30:00'), reason: 'stale' }, { 'if-match': String(before.headers.etag) })).status, 412);
    const journal = (await desk.get(`/api/v1/outages/${id}/journal`)).body.items[0];
    assert.equal(journal.action, 'corrected');
    assert.match(journal.summary, /Customer says down since 7/);
    assert.deepEqual(journal.changes.find((c: { field: string }) => c.field === 'startedAt'), { field: 'startedAt', before: '2026-06-10T08:00:00.000Z', after: '2026-06-10T06:00:00.000Z' });
    const f = (await figuresOf(desk, `period=2026-06&connectionId=${conn.id}`)).total;
    assert.equal(f.unplannedMs, 3 * HOUR);
  });

  test('an end before the start, a start in the future, or an overlap with the same cause is refused by name', async () => {
    const conn = await makeLiveConnection(env, org.ods_code);
    const cause = { kind: 'alert' as const, alertId: 515151 };
    const first = await recordOutage(env, conn.id, bst('2026-06-11T09:00:00'), bst('2026-06-11T10:00:00'), cause);
    const second = await recordOutage(env, conn.id, bst('2026-06-11T12:00:00'), bst('2026-06-11T13:00:00'), cause);
    const etag = async (id: number) => ({ 'if-match': String((await desk.get(`/api/v1/outages/${id}`)).headers.etag) });
    const backwards = await desk.patch(`/api/v1/outages/${first}`, { endedAt: bst('2026-06-11T08:00:00'), reason: 'typo' }, await etag(first));
    assert.equal(backwards.status, 422);
    assert.equal(backwards.body.errors[0].field, 'endedAt');
    const future = await desk.patch(`/api/v1/outages/${first}`, { startedAt: '2099-01-01T00:00:00Z', reason: 'typo' }, await etag(first));
    assert.equal(future.body.errors[0].field, 'startedAt');
    const overlap = await desk.patch(`/api/v1/outages/${second}`, { startedAt: bst('2026-06-11T09:30:00'), reason: 'merge' }, await etag(second));
    assert.equal(overlap.status, 409, JSON.stringify(overlap.body));
    assert.equal(overlap.body.errors[0].field, 'startedAt');
  });

  test('voiding an outage recorded in error takes it out of the report', async () => {
    const conn = await makeLiveConnection(env, org.ods_code);
    const id = await recordOutage(env, conn.id, bst('2026-06-12T09:00:00'), bst('2026-06-12T19:00:00'));
    const before = await desk.get(`/api/v1/outages/${id}`);
    const r = await desk.patch(`/api/v1/outages/${id}`, { void: true, reason: 'Monitoring probe was down, not the line' }, { 'if-match': String(before.headers.etag) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.voided.reason, 'Monitoring probe was down, not the line');
    assert.equal((await figuresOf(desk, `period=2026-06&connectionId=${conn.id}`)).total.downMs, 0);
    const again = await desk.patch(`/api/v1/outages/${id}`, { startedAt: bst('2026-06-12T08:00:00'), reason: 'x'.repeat(5) }, { 'if-match': `"${r.body.version}"` });
    assert.equal(again.status, 409);
    void manager;
  });
});
