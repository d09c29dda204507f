import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { inTransaction } from '../../src/core/context.ts';
import { addPrice } from '../../src/modules/suppliers/service.ts';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, SYSTEM, uniqueCode } from '../helpers/factories.ts';
import { makeProduct, makeServiceClass, makeSite, makeSupplier } from '../helpers/network-fixtures.ts';
import { addDays, weekStart } from '../../src/domain/rollout-forecast.ts';
import type { ApiClient } from '../helpers/api-client.ts';

let env: TestEnv;
let programme: ApiClient;
let region: string;
let supplier: { id: number; code: string };

const today = new Date().toISOString().slice(0, 10);
const monday = weekStart(today);

before(async () => {
  env = await testEnv();
  programme = (await clientAs(env, { roles: ['programme_manager'] })).api;
  const admin = (await clientAs(env, { roles: ['administrator'] })).api;
  region = uniqueCode('Y').slice(0, 4);
  await makeOrganisation(env, { odsCode: region, name: `Region ${region}`, kind: 'region' });
  const practice = await makeOrganisation(env, { region });
  const product = (await makeProduct(env, (await makeServiceClass(env)).code)).code;
  supplier = await makeSupplier(env, { regions: [region] });
  await inTransaction(env.rt, (tx) =>
    addPrice(tx, env.rt, SYSTEM, supplier.id, { productCode: product, regionOdsCode: region, installCharge: '100.00', annualRental: '500.00', leadTimeDays: 10, validFrom: '2020-01-01' }),
  );
  await admin.post('/api/v1/address-blocks', { name: 'Rollout block', range: '10.50.0.0/16' });
  const pop = await admin.post('/api/v1/cis', { kind: 'pop', name: 'Rollout PoP' });
  // Eight connections: ordered 6 weeks ago; 2 live in each of the last 3 complete weeks; 2 in flight.
  const liveWeeks = [3, 3, 2, 2, 1, 1];
  for (let i = 0; i < 8; i++) {
    const site = await makeSite(env, practice.ods_code);
    const ordered = addDays(monday, -42);
    const created = await programme.post('/api/v1/connections', { siteId: site.id, productCode: product, requestedOn: addDays(ordered, -1) });
    const go = async (body: Record<string, unknown>) => {
      const read = await programme.get(`/api/v1/connections/${created.body.id}`);
      const r = await programme.post(`/api/v1/connections/${created.body.id}/transitions`, body, { 'if-match': String(read.headers.etag) });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    };
    await go({ to: 'ordered', at: ordered, popId: pop.body.id });
    if (i >= 6) continue;
    const liveOn = addDays(monday, -7 * liveWeeks[i]! + 2);
    await go({ to: 'surveyed', at: addDays(liveOn, -3) });
    await go({ to: 'installed', at: addDays(liveOn, -1), circuitReference: `RC-${i}-${uniqueCode('')}` });
    await go({ to: 'live', at: liveOn });
  }
});
after(() => env.close());

test('targets are created, read and changed with If-Match; bad dates name the field', async () => {
  const bad = await programme.post('/api/v1/rollout/targets', { name: 'Backwards', targetCount: 5, startsOn: '2025-02-01', targetOn: '2025-01-01' });
  assert.equal(bad.status, 422);
  assert.equal(bad.body.errors[0].field, 'targetOn');
  const created = await programme.post('/api/v1/rollout/targets', { name: 'Region programme', targetCount: 20, startsOn: addDays(monday, -49), targetOn: addDays(monday, 49), region });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const changed = await programme.patch(`/api/v1/rollout/targets/${created.body.id}`, { targetCount: 14 }, { 'if-match': String(created.headers.etag) });
  assert.equal(changed.status, 200);
  assert.equal(changed.body.targetCount, 14);
  const customer = (await clientAs(env, { roles: ['customer'], organisations: [region] })).api;
  assert.equal((await customer.get('/api/v1/rollout')).status, 403);
});

test('burn-up, rate and forecast for a region, with breakdowns per region and supplier', async () => {
  const report = await programme.get(`/api/v1/rollout?region=${region}&windowWeeks=3`);
  assert.equal(report.status, 200, JSON.stringify(report.body));
  const r = report.body;
  assert.equal(r.target.targetCount, 14);
  assert.deepEqual(r.totals, { ordered: 8, installed: 6, live: 6, inFlight: 2 });
  assert.deepEqual(r.recentWeekly, [2, 2, 2]);
  // 8 remaining at 2 a week, no spread: 28 days from today.
  assert.equal(r.forecast.remaining, 8);
  assert.equal(r.forecast.completesOn, addDays(today, 28));
  assert.equal(r.forecast.earliestOn, r.forecast.completesOn);
  assert.equal(r.forecast.onTrack, addDays(today, 28) <= addDays(monday, 49));
  const last = r.series[r.series.length - 1];
  assert.equal(last.week, monday);
  assert.deepEqual([last.ordered, last.installed, last.live], [8, 6, 6]);
  assert.equal(r.series[0].week, addDays(monday, -49));
  assert.deepEqual([r.series[0].ordered, r.series[0].target], [0, 1]); // 14 × 7/98
  assert.equal(r.byRegion.length, 1);
  assert.equal(r.byRegion[0].key, region);
  assert.equal(r.bySupplier[0].key, supplier.code);
  assert.equal(r.bySupplier[0].inFlight, 2);
  // The in-flight two at 2 a week: a week from today.
  assert.equal(r.bySupplier[0].forecast.completesOn, addDays(today, 7));
  const none = await programme.get('/api/v1/rollout?supplier=NOSUCH');
  assert.equal(none.status, 400);
  assert.equal(none.body.errors[0].field, 'query.supplier');
});
