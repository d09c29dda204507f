import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation } from '../helpers/factories.ts';
import { makeCi, makeRelation } from '../helpers/cmdb-fixtures.ts';
import { makeLiveConnection, planWindow, type LiveConnection } from '../helpers/availability-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { inTransaction } from '../../src/core/context.ts';
import { coveringWindows } from '../../src/modules/maintenance/windows.ts';

/**
 * Maintenance windows: what a window covers (its CIs and everything that fails with them, under
 * the CMDB's resilience rule), the calendar, the service manager's changes with If-Match, and who
 * sees which window.
 *
 *   PoP ─┬─ conn1 ── router1 (single-homed)
 *        └─ conn2 ─┐
 *   PoP2 ── conn3 ─┴─ router2 (dual-homed: conn2 or conn3)
 */
let env: TestEnv;
let manager: ApiClient;
let agent: ApiClient;
let customer: ApiClient;
let stranger: ApiClient;
let pop: { id: number };
let pop2: { id: number };
let conn1: LiveConnection;
let conn2: LiveConnection;
let conn3: LiveConnection;
let router1: { id: number };
let router2: { id: number };

const HOUR = 3_600_000;
const later = (hours: number) => new Date(Date.now() + hours * HOUR).toISOString();

before(async () => {
  env = await testEnv();
  manager = (await clientAs(env, { roles: ['service_manager'] })).api;
  agent = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  const org = await makeOrganisation(env, { name: 'Covered Practice' });
  const otherOrg = await makeOrganisation(env, { name: 'Uncovered Practice' });
  customer = (await clientAs(env, { roles: ['customer'], organisations: [org.ods_code] })).api;
  stranger = (await clientAs(env, { roles: ['customer'], organisations: [otherOrg.ods_code] })).api;
  pop = await makeCi(env, { kind: 'pop', name: 'PoP Leeds' });
  pop2 = await makeCi(env, { kind: 'pop', name: 'PoP York' });
  conn1 = await makeLiveConnection(env, org.ods_code, { siteName: 'Single Site' });
  conn2 = await makeLiveConnection(env, org.ods_code, { siteName: 'Dual Site', resilience: 'resilient' });
  conn3 = await makeLiveConnection(env, otherOrg.ods_code, { siteName: 'Dual Site far leg', resilience: 'resilient' });
  router1 = await makeCi(env, { kind: 'site_router', name: 'Router single' });
  router2 = await makeCi(env, { kind: 'site_router', name: 'Router dual' });
  await makeRelation(env, conn1.ciId, pop.id);
  await makeRelation(env, conn2.ciId, pop.id);
  await makeRelation(env, conn3.ciId, pop2.id);
  await makeRelation(env, router1.id, conn1.ciId);
  await makeRelation(env, router2.id, conn2.ciId, 'depends_on', 'access');
  await makeRelation(env, router2.id, conn3.ciId, 'depends_on', 'access');
});
after(() => env.close());

const covering = (ciIds: number[], at: string) => inTransaction(env.rt, (tx) => coveringWindows(tx, ciIds, new Date(at)));

describe('what a window covers', () => {
  test('work on a PoP covers its connections and the single-homed router, not the dual-homed one', async () => {
    const window = await planWindow(env, { title: 'PoP Leeds power', ciIds: [pop.id], startsAt: '2026-02-01T01:00:00Z', endsAt: '2026-02-01T05:00:00Z' });
    const found = await covering([pop.id, conn1.ciId, conn2.ciId, conn3.ciId, router1.id, router2.id], '2026-02-01T02:00:00Z');
    assert.deepEqual([...found.keys()].sort((a, b) => a - b), [pop.id, conn1.ciId, conn2.ciId, router1.id].sort((a, b) => a - b));
    assert.deepEqual(found.get(router1.id), { windowId: window.id, title: 'PoP Leeds power', plannedCiId: pop.id, endsAt: new Date('2026-02-01T05:00:00Z') });
    assert.equal((await covering([router1.id], '2026-02-01T05:00:00Z')).size, 0, 'the end is not inside');
    assert.equal((await covering([router1.id], '2026-02-01T00:59:59Z')).size, 0);
  });

  test('work on both legs of a resilient pair covers the site router', async () => {
    await planWindow(env, { title: 'Both legs', ciIds: [conn2.ciId, conn3.ciId], startsAt: '2026-02-02T01:00:00Z', endsAt: '2026-02-02T05:00:00Z' });
    const found = await covering([router2.id], '2026-02-02T03:00:00Z');
    assert.ok(found.has(router2.id));
    assert.ok([conn2.ciId, conn3.ciId].includes(found.get(router2.id)!.plannedCiId));
  });

  test('a cancelled window covers nothing', async () => {
    const window = await planWindow(env, { title: 'Called off', ciIds: [conn1.ciId], startsAt: later(2), endsAt: later(4) }, new Date());
    const read = await manager.get(`/api/v1/maintenance-windows/${window.id}`);
    const r = await manager.patch(`/api/v1/maintenance-windows/${window.id}`, { state: 'cancelled' }, { 'if-match': String(read.headers.etag) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((await covering([conn1.ciId], later(3))).size, 0);
  });
});

describe('planning and changing windows', () => {
  test('a service manager plans work: 201 with what it takes down; the desk may not', async () => {
    const body = { title: 'Core upgrade', description: 'Software on PoP Leeds', startsAt: later(24), endsAt: later(26), ciIds: [pop.id], changeReference: 'RFC0000042' };
    assert.equal((await agent.post('/api/v1/maintenance-windows', body)).status, 403);
    const r = await manager.post('/api/v1/maintenance-windows', body, { 'idempotency-key': 'core-upgrade-1' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.headers.location, `/api/v1/maintenance-windows/${r.body.id}`);
    assert.deepEqual(r.body.affected, { cis: 4, connections: 2, organisations: 1, sites: 2 });
    assert.deepEqual(r.body.cis, [{ id: pop.id, kind: 'pop', name: 'PoP Leeds' }]);
    assert.equal(r.body.state, 'planned');
    assert.deepEqual(r.body.nextStates, ['in_progress', 'cancelled']);
    const replay = await manager.post('/api/v1/maintenance-windows', body, { 'idempotency-key': 'core-upgrade-1' });
    assert.equal(replay.body.id, r.body.id);
    const affected = await manager.get(`/api/v1/maintenance-windows/${r.body.id}/connections`);
    assert.deepEqual(affected.body.items.map((c: { id: number }) => c.id).sort(), [conn1.id, conn2.id].sort());
    assert.deepEqual(affected.body.items[0].through, { id: pop.id, name: 'PoP Leeds' });
  });

  test('bad periods and CIs are refused by name, writing nothing', async () => {
    const refuse = async (body: Record<string, unknown>, status: number, field: string) => {
      const r = await manager.post('/api/v1/maintenance-windows', { title: 'Bad', startsAt: later(1), endsAt: later(2), ciIds: [pop.id], ...body });
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.equal(r.body.errors[0].field, field);
    };
    await refuse({ startsAt: later(-3) }, 422, 'startsAt');
    await refuse({ endsAt: later(0.5) }, 422, 'endsAt');
    await refuse({ endsAt: later(24 * 15) }, 422, 'endsAt');
    await refuse({ ciIds: [987654321] }, 422, 'ciIds');
    await refuse({ ciIds: [] }, 400, 'ciIds');
    await refuse({ startsAt: 'tomorrow' }, 400, 'startsAt');
    const retired = await makeCi(env, { kind: 'other', name: 'Old box', state: 'retired' });
    await refuse({ ciIds: [retired.id] }, 422, 'ciIds');
  });

  test('the calendar: windows overlapping a period, by CI and by connection', async () => {
    const w1 = await planWindow(env, { title: 'Week one', ciIds: [conn1.ciId], startsAt: later(24 * 30), endsAt: later(24 * 30 + 3) }, new Date());
    const w2 = await planWindow(env, { title: 'Week two', ciIds: [conn3.ciId], startsAt: later(24 * 37), endsAt: later(24 * 37 + 3) }, new Date());
    const list = async (query: string) => (await manager.get(`/api/v1/maintenance-windows?${query}`)).body.items.map((w: { id: number }) => w.id);
    assert.deepEqual(await list(`from=${encodeURIComponent(later(24 * 29))}&to=${encodeURIComponent(later(24 * 31))}`), [w1.id]);
    assert.deepEqual(await list(`from=${encodeURIComponent(later(24 * 29))}&to=${encodeURIComponent(later(24 * 40))}`), [w1.id, w2.id]);
    assert.ok((await list(`ciId=${router1.id}`)).includes(w1.id), 'the router fails with conn1');
    assert.ok(!(await list(`connectionId=${conn3.id}`)).includes(w1.id));
    assert.ok((await list(`connectionId=${conn3.id}`)).includes(w2.id));
  });

  test('changes need If-Match; starting early brings the start to now; started work is completed, not cancelled; completing early ends it now', async () => {
    const window = await planWindow(env, { title: 'Lifecycle', ciIds: [conn1.ciId], startsAt: later(2), endsAt: later(6) }, new Date());
    const url = `/api/v1/maintenance-windows/${window.id}`;
    assert.equal((await manager.patch(url, { title: 'No match' })).status, 428);
    let read = await manager.get(url);
    let r = await manager.patch(url, { title: 'Lifecycle (extended)', endsAt: later(8) }, { 'if-match': String(read.headers.etag) });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((await manager.patch(url, { title: 'Stale' }, { 'if-match': String(read.headers.etag) })).status, 412);
    r = await manager.patch(url, { state: 'in_progress' }, { 'if-match': `"${r.body.version}"` });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(Date.parse(r.body.startsAt) <= Date.now());
    assert.equal(r.body.active, true);
    const cancel = await manager.patch(url, { state: 'cancelled' }, { 'if-match': `"${r.body.version}"` });
    assert.equal(cancel.status, 422);
    assert.equal(cancel.body.errors[0].field, 'state');
    assert.equal((await manager.patch(url, { ciIds: [pop.id] }, { 'if-match': `"${r.body.version}"` })).status, 409);
    r = await manager.patch(url, { state: 'completed' }, { 'if-match': `"${r.body.version}"` });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(Date.parse(r.body.endsAt) <= Date.now());
    assert.equal(r.body.active, false);
    assert.equal((await manager.patch(url, { title: 'After the fact' }, { 'if-match': `"${r.body.version}"` })).status, 409);
    read = await manager.get(`${url}/journal`);
    assert.deepEqual(read.body.items.map((e: { action: string }) => e.action), ['completed', 'in_progress', 'updated', 'planned']);
  });

  test('a CI named in a window cannot be deleted from the CMDB', async () => {
    const box = await makeCi(env, { kind: 'other', name: 'Spare box' });
    await planWindow(env, { title: 'Swap the spare', ciIds: [box.id], startsAt: later(60), endsAt: later(61) }, new Date());
    const r = await manager.request('DELETE', `/api/v1/cis/${box.id}`, undefined, { 'if-match': `"${box.version}"` });
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.errors[0].field, 'id');
  });

  test('changing the CIs works out the coverage again', async () => {
    const window = await planWindow(env, { title: 'Move', ciIds: [conn1.ciId], startsAt: later(50), endsAt: later(52) }, new Date());
    assert.equal(window.affected.cis, 2);
    const r = await manager.patch(`/api/v1/maintenance-windows/${window.id}`, { ciIds: [pop.id] }, { 'if-match': `"${window.version}"` });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.affected.cis, 4);
    assert.ok((await covering([router1.id, conn2.ciId], later(51))).has(conn2.ciId));
  });
});

describe('who sees which window', () => {
  test('a customer sees windows that take down their CIs, and only their CIs in them; others see nothing', async () => {
    const window = await planWindow(env, { title: 'Both leg work', ciIds: [conn2.ciId, conn3.ciId], startsAt: later(70), endsAt: later(72) }, new Date());
    const mine = await customer.get(`/api/v1/maintenance-windows/${window.id}`);
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body.cis.map((c: { id: number }) => c.id), [conn2.ciId]);
    const affected = await customer.get(`/api/v1/maintenance-windows/${window.id}/connections`);
    assert.deepEqual(affected.body.items.map((c: { id: number }) => c.id), [conn2.id]);
    const onlyPop = await planWindow(env, { title: 'Far PoP', ciIds: [pop2.id], startsAt: later(80), endsAt: later(82) }, new Date());
    assert.equal((await customer.get(`/api/v1/maintenance-windows/${onlyPop.id}`)).status, 404, 'the far leg alone takes none of their CIs down');
    assert.equal((await stranger.get(`/api/v1/maintenance-windows/${window.id}`)).status, 200, 'conn3 belongs to the other practice');
    const list = (await stranger.get('/api/v1/maintenance-windows?limit=200')).body.items.map((w: { title: string }) => w.title);
    assert.ok(list.includes('Far PoP') && !list.includes('Core upgrade'));
    assert.equal((await customer.post('/api/v1/maintenance-windows', { title: 'Mine', startsAt: later(90), endsAt: later(91), ciIds: [conn2.ciId] })).status, 403);
  });
});
