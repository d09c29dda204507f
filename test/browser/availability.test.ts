// Availability and maintenance in a real Chromium against a real n3sp process: a service manager
// reads last month's report, drills from a region to its connections to one connection's outages,
// sees the connections that missed their target, voids an outage recorded in error, plans
// maintenance on a PoP from the calendar and sees what it takes down; the outage history shows on
// the CI and connection pages; a customer sees only their own. Every page is checked with axe.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Browser, type Page } from 'playwright-core';
import { DateTime } from 'luxon';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { makeOrganisation, makeUser, TEST_PASSWORD, uniqueCode } from '../helpers/factories.ts';
import { makeCi, makeRelation } from '../helpers/cmdb-fixtures.ts';
import { makeSupplier } from '../helpers/network-fixtures.ts';
import { makeLiveConnection, recordOutage, type LiveConnection } from '../helpers/availability-fixtures.ts';
import { SCREENSHOTS } from '../helpers/screenshots.ts';
import { assertAccessible, h1, launchBrowser, nav, openPage, signIn } from '../helpers/browser.ts';

const ZONE = 'Europe/London';
/** Last month, in London: its figures are complete. */
const lastMonth = DateTime.now().setZone(ZONE).minus({ months: 1 }).startOf('month');
const MONTH = lastMonth.toFormat('yyyy-MM');
const at = (day: number, hour: number) => lastMonth.set({ day, hour }).toISO()!;

let env: TestEnv;
let browser: Browser;
const requested: string[] = [];
const pageErrors: string[] = [];
let region: string;
let alpha: LiveConnection;
let bravo: LiveConnection;
let charlie: LiveConnection;
let pop: { id: number };

before(async () => {
  env = await testEnv({ web: true, listen: true });
  browser = await launchBrowser();
  region = uniqueCode('Y').slice(0, 4);
  const regionOrg = await makeOrganisation(env, { odsCode: region, name: 'North East and Yorkshire', kind: 'region' });
  const densham = await makeOrganisation(env, { odsCode: 'A81001', name: 'The Densham Surgery', kind: 'gp_practice', region });
  const queens = await makeOrganisation(env, { odsCode: 'A81002', name: 'Queens Park Medical Centre', kind: 'gp_practice', region });
  let supplier = await makeSupplier(env, { name: 'Northlink Access Ltd', regions: [] });
  if (supplier.id === 1) supplier = await makeSupplier(env, { name: 'Northlink Access Ltd', regions: [] });
  alpha = await makeLiveConnection(env, densham.ods_code, { siteName: 'The Densham Surgery', target: 99.5, supplier, regionId: regionOrg.id });
  bravo = await makeLiveConnection(env, densham.ods_code, { siteName: 'Densham branch', target: 99.0, supplier, regionId: regionOrg.id });
  charlie = await makeLiveConnection(env, queens.ods_code, { siteName: 'Queens Park Medical Centre', target: 99.0, supplier, regionId: regionOrg.id });
  pop = await makeCi(env, { kind: 'pop', name: 'PoP Teesside' });
  for (const c of [alpha, bravo]) await makeRelation(env, c.ciId, pop.id);
  // Alpha: 6 hours down (misses 99.5%); Bravo: 1 hour, and 10 hours recorded in error; Charlie: none.
  await recordOutage(env, alpha.id, at(3, 9), at(3, 15));
  await recordOutage(env, bravo.id, at(10, 9), at(10, 10));
  await recordOutage(env, bravo.id, at(12, 8), at(12, 18));
  await makeUser(env, { username: 'maya.patel', roles: ['service_manager'], password: TEST_PASSWORD });
  await makeUser(env, { username: 'priya.shah', roles: ['customer'], organisations: [queens.ods_code], password: TEST_PASSWORD });
});

after(async () => {
  await browser?.close();
  await env?.close();
});

const freshPage = () => openPage(browser, requested, pageErrors);

const signInAs = (page: Page, username: string) => signIn(page, env.url!, username);

const hours = (month: DateTime) => month.plus({ months: 1 }).diff(month, 'hours').hours;

describe('availability and maintenance pages', () => {
  test('a service manager reads the report, drills down to an outage, voids one recorded in error, and plans maintenance', async () => {
    const page = await freshPage();
    await signInAs(page, 'maya.patel');
    await nav(page).getByRole('link', { name: 'Availability' }).click();
    await h1(page).filter({ hasText: /^Availability$/ }).waitFor();
    await page.getByLabel('Month', { exact: true }).fill(MONTH);
    await page.getByRole('button', { name: 'Show' }).click();
    // Three connections; 6 + 1 + 10 hours unplanned over three whole months of hours.
    const total = hours(lastMonth) * 3;
    const expected = Math.floor(100 * (1 - 17 / total) * 1000) / 1000;
    await page.getByRole('status').filter({ hasText: `${expected.toFixed(3)}% available` }).waitFor();
    const main = page.getByRole('main');
    assert.match(await main.innerText(), /Connections measured\s+3/);
    assert.match(await main.innerText(), /Missed their target\s+2/);
    await page.getByRole('img', { name: /^Availability by month/ }).waitFor();
    await page.getByRole('img', { name: /^Availability by region/ }).waitFor();
    const missed = page.getByRole('region', { name: 'Connections that missed their target' });
    await missed.getByRole('row', { name: /Densham branch/ }).waitFor();
    assert.match(await missed.getByRole('row', { name: /^The Densham Surgery/ }).innerText(), /99\.5%\s+6 h/);
    await assertAccessible(page, 'the availability report');
    await page.screenshot({ path: `${SCREENSHOTS}/availability.png`, fullPage: true });

    // Region → its connections → one connection's outages.
    const groups = page.getByRole('region', { name: /by region$/ });
    await groups.getByRole('link', { name: /North East and Yorkshire/ }).click();
    await page.getByRole('navigation', { name: 'Drill-down' }).getByText(region).waitFor();
    const byConnection = page.getByRole('region', { name: /by connection$/ });
    await byConnection.getByRole('link', { name: /^Densham branch/ }).click();
    const outages = page.getByRole('region', { name: new RegExp(`^Outages of connection ${bravo.id}`) });
    await outages.getByRole('row', { name: /10 h/ }).waitFor();
    assert.equal(await outages.getByRole('row').count(), 3);
    await assertAccessible(page, 'a connection drilled into');

    // The ten hours were the monitoring probe, not the line: void them, with the reason.
    await outages.getByRole('row', { name: /10 h/ }).getByRole('button', { name: /^Correct/ }).click();
    const form = page.getByRole('form', { name: /^Correct the outage/ });
    await form.getByLabel(/Recorded in error/).check();
    await form.getByRole('button', { name: 'Void the outage' }).click();
    await form.locator('.field--error').filter({ hasText: 'Reason' }).waitFor();
    await assertAccessible(page, 'a refused correction');
    await form.getByLabel('Reason').fill('Monitoring probe failed, not the line');
    await form.getByRole('button', { name: 'Void the outage' }).click();
    await outages.getByRole('row', { name: /10 h/ }).waitFor({ state: 'detached' });
    // The list is read again after the correction; count once it is back (header and one outage).
    await outages.getByRole('row').nth(1).waitFor();
    assert.equal(await outages.getByRole('row').count(), 2);

    // The maintenance calendar: plan work on the PoP, see what it takes down.
    await nav(page).getByRole('link', { name: 'Maintenance calendar' }).click();
    await h1(page).filter({ hasText: 'Maintenance calendar' }).waitFor();
    const plan = page.getByRole('region', { name: 'Plan maintenance' });
    const tomorrow = DateTime.now().setZone(ZONE).plus({ days: 1 }).startOf('day');
    await plan.getByLabel('What the work is').fill('PoP Teesside line cards');
    await plan.getByLabel('Starts').fill(tomorrow.set({ hour: 1 }).toFormat("yyyy-MM-dd'T'HH:mm"));
    await plan.getByLabel('Ends').fill(tomorrow.set({ hour: 5 }).toFormat("yyyy-MM-dd'T'HH:mm"));
    await plan.getByRole('button', { name: 'Plan the work' }).click();
    await plan.getByText('Configuration items the work is on').waitFor();
    await plan.locator('.field-error').first().waitFor();
    await plan.getByLabel('Find a configuration item').fill('PoP Teesside');
    await plan.getByRole('button', { name: 'Find', exact: true }).click();
    await plan.getByRole('button', { name: 'Add PoP Teesside' }).click();
    await plan.getByRole('button', { name: 'Plan the work' }).click();
    const detail = page.getByRole('region', { name: 'PoP Teesside line cards' });
    await detail.getByText(/2 connections at 2 sites of 1 organisation$/).waitFor();
    await detail.getByRole('link', { name: 'Densham branch' }).waitFor();
    await page.getByRole('table', { name: /.+/ }).first().getByRole('button', { name: /PoP Teesside line cards/ }).first().waitFor();
    await assertAccessible(page, 'the maintenance calendar');
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    await page.getByRole('heading', { name: /^Week of/ }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/maintenance.png`, fullPage: true });
    await assertAccessible(page, 'the calendar by week');

    // The outage history on the connection's CI and on the connection.
    await page.goto(`${env.url}/configuration/${alpha.ciId}`);
    await page.getByRole('region', { name: 'Outage history' }).getByRole('row', { name: /6 h/ }).waitFor();
    await assertAccessible(page, "a CI's outage history");
    await page.goto(`${env.url}/configuration/${pop.id}`);
    const popHistory = page.getByRole('region', { name: 'Outage history' });
    await popHistory.getByRole('link', { name: 'The Densham Surgery' }).waitFor();
    await page.goto(`${env.url}/connections/${bravo.id}`);
    await page.getByRole('region', { name: 'Outage history' }).getByRole('row', { name: /1 h/ }).waitFor();
    await page.context().close();
  });

  test('a customer sees their own connection only, and cannot plan maintenance', async () => {
    const page = await freshPage();
    await signInAs(page, 'priya.shah');
    await page.goto(`${env.url}/availability?period=${MONTH}&groupBy=connection`);
    await page.getByRole('status').filter({ hasText: '100.000% available' }).waitFor();
    const groups = page.getByRole('region', { name: /by connection$/ });
    await groups.getByRole('link', { name: /Queens Park Medical Centre/ }).waitFor();
    assert.doesNotMatch(await page.getByRole('main').innerText(), /Densham/);
    await assertAccessible(page, "a customer's availability");
    await nav(page).getByRole('link', { name: 'Maintenance calendar' }).click();
    await h1(page).filter({ hasText: 'Maintenance calendar' }).waitFor();
    await page.getByRole('heading', { name: 'Windows in this month' }).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Plan maintenance' }).count(), 0);
    assert.doesNotMatch(await page.getByRole('main').innerText(), /PoP Teesside line cards/, 'the work takes down none of their CIs');
    await assertAccessible(page, "a customer's maintenance calendar");
    await page.context().close();
  });

  test('no page asked anything of any host but n3sp itself, and no script failed', () => {
    assert.deepEqual(pageErrors, []);
    assert.ok(requested.length > 10);
    assert.deepEqual(requested.filter((url) => new URL(url).hostname !== '127.0.0.1'), []);
  });
});
