// Connections and the roll-out in a real Chromium against a real n3sp process: an agent filters the
// list, reads a connection's dated lifecycle and its quotes with why the winner won, records the
// install (refused first without a circuit reference, the message beside the field), and opens the
// roll-out's burn-up; a customer sees their own connection and no other.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Browser, type Page } from 'playwright-core';
import { inTransaction } from '../../src/core/context.ts';
import { addPrice } from '../../src/modules/suppliers/service.ts';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, makeUser, SYSTEM, TEST_PASSWORD, uniqueCode } from '../helpers/factories.ts';
import { makeProduct, makeServiceClass, makeSite, makeSupplier } from '../helpers/network-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { SCREENSHOTS } from '../helpers/screenshots.ts';
import { assertAccessible, h1, launchBrowser, nav, openPage, signIn } from '../helpers/browser.ts';

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

let env: TestEnv;
let browser: Browser;
let desk: ApiClient;
const requested: string[] = [];
const pageErrors: string[] = [];
const ids = { surveyed: 0, live: 0, other: 0 };
let cheap: { id: number; code: string; name: string };
let region: string;

before(async () => {
  env = await testEnv({ web: true, listen: true });
  browser = await launchBrowser();
  const admin = (await clientAs(env, { roles: ['administrator'] })).api;
  desk = (await clientAs(env, { roles: ['programme_manager'] })).api;
  region = uniqueCode('Y').slice(0, 4);
  await makeOrganisation(env, { odsCode: region, name: 'North East and Yorkshire', kind: 'region' });
  const densham = await makeOrganisation(env, { odsCode: 'A81001', name: 'The Densham Surgery', kind: 'gp_practice', region });
  const queens = await makeOrganisation(env, { odsCode: 'A81002', name: 'Queens Park Medical Centre', kind: 'gp_practice', region });
  const product = (await makeProduct(env, (await makeServiceClass(env)).code, { name: 'FTTC 80/20' })).code;
  cheap = await makeSupplier(env, { name: 'Northlink Access Ltd', regions: [region] });
  const dear = await makeSupplier(env, { name: 'Fibrecore Networks', regions: [region] });
  await inTransaction(env.rt, async (tx) => {
    await addPrice(tx, env.rt, SYSTEM, cheap.id, { productCode: product, regionOdsCode: region, installCharge: '100.00', annualRental: '700.00', leadTimeDays: 10, validFrom: '2020-01-01' });
    await addPrice(tx, env.rt, SYSTEM, dear.id, { productCode: product, regionOdsCode: region, installCharge: '400.00', annualRental: '550.00', leadTimeDays: 30, validFrom: '2020-01-01' });
  });
  assert.equal((await admin.post('/api/v1/address-blocks', { name: 'Teesside block', range: '10.77.0.0/16' })).status, 201);
  const pop = (await admin.post('/api/v1/cis', { kind: 'pop', name: 'PoP Teesside' })).body;
  await admin.post('/api/v1/rollout/targets', { name: 'Teesside programme', targetCount: 10, startsOn: daysAgo(70), targetOn: daysAgo(-70), region });

  async function connection(ods: string, name: string, steps: Array<Record<string, unknown>>) {
    const site = await makeSite(env, ods, { name });
    const created = await desk.post('/api/v1/connections', { siteId: site.id, productCode: product, requestedOn: daysAgo(60) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    for (const body of steps) {
      const read = await desk.get(`/api/v1/connections/${created.body.id}`);
      const r = await desk.post(`/api/v1/connections/${created.body.id}/transitions`, body, { 'if-match': String(read.headers.etag) });
      assert.equal(r.status, 200, JSON.stringify(r.body));
    }
    return created.body.id as number;
  }
  const toLive = (i: number) => [
    { to: 'quoted', at: daysAgo(55) },
    { to: 'ordered', at: daysAgo(50), popId: pop.id },
    { to: 'surveyed', at: daysAgo(40 - i) },
    { to: 'installed', at: daysAgo(30 - i), circuitReference: `NL-4021${i}` },
    { to: 'live', at: daysAgo(28 - i * 7) },
  ];
  ids.live = await connection(densham.ods_code, 'The Densham Surgery', toLive(0));
  ids.surveyed = await connection(densham.ods_code, 'Densham branch', [
    { to: 'quoted', at: daysAgo(55) },
    { to: 'ordered', at: daysAgo(50), popId: pop.id },
    { to: 'surveyed', at: daysAgo(20) },
  ]);
  ids.other = await connection(queens.ods_code, 'Queens Park Medical Centre', toLive(1));
  await connection(queens.ods_code, 'Queens Park annexe', toLive(2));
  await connection(queens.ods_code, 'Queens Park outreach', []);

  await makeUser(env, { username: 'sam.okafor', roles: ['service_desk_agent'], password: TEST_PASSWORD });
  await makeUser(env, { username: 'pat.lee', roles: ['programme_manager'], password: TEST_PASSWORD });
  await makeUser(env, { username: 'priya.shah', roles: ['customer'], organisations: [densham.ods_code], password: TEST_PASSWORD });
});

after(async () => {
  await browser?.close();
  await env?.close();
});

const freshPage = () => openPage(browser, requested, pageErrors);

const signInAs = (page: Page, username: string) => signIn(page, env.url!, username);

describe('connections and the roll-out', () => {
  test('an agent filters connections, reads one, records its install, and opens the roll-out', async () => {
    const page = await freshPage();
    await signInAs(page, 'sam.okafor');
    await nav(page).getByRole('link', { name: 'Connections' }).click();
    await h1(page).filter({ hasText: /^Connections$/ }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Showing 5 connections.' }).waitFor();
    await assertAccessible(page, 'the connections list');
    await page.getByLabel('State').selectOption('live');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 3 connections.' }).waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 5 connections.' }).waitFor();

    await page.getByRole('link', { name: 'Densham branch' }).click();
    await h1(page).filter({ hasText: 'Connection to Densham branch' }).waitFor();
    const main = page.getByRole('main');
    const lifecycle = page.getByRole('region', { name: 'Lifecycle' });
    assert.match(await lifecycle.innerText(), new RegExp(`Requested\\s+\\S+ \\S+ \\d{4}[\\s\\S]*Surveyed[\\s\\S]*Installed\\s+Not yet`));
    const quotes = page.getByRole('region', { name: 'Quotes' });
    await quotes.getByRole('row', { name: /Northlink/ }).waitFor();
    assert.match(await quotes.getByRole('row', { name: /Northlink/ }).innerText(), /1\s+Northlink Access Ltd\s+Chosen\s+£100\.00\s+£700\.00\s+3\s+£2,200\.00\s+10 days/);
    assert.match(await quotes.innerText(), new RegExp(`Why: ${cheap.code} wins with a score of £2,300\\.00`));
    assert.match(await main.innerText(), /Price\s+£100\.00 to install, then £700\.00 a year for 3 years: £2,200\.00 in all/);
    await main.getByRole('link', { name: 'PoP Teesside' }).waitFor();
    assert.match(await main.innerText(), /Address block\s+10\.77\./);
    assert.ok(await main.getByRole('link', { name: /^Configuration item \d+$/ }).getAttribute('href').then((h) => /^\/configuration\/\d+$/.test(h ?? '')));
    await page.getByRole('region', { name: 'History' }).locator('strong').filter({ hasText: /^Ordered$/ }).waitFor();
    await assertAccessible(page, 'a connection');

    // Recording the install without a circuit reference is refused, and the reason sits by the field.
    const next = page.getByRole('region', { name: 'Next step' });
    await next.getByRole('button', { name: 'Record the install' }).click();
    await next.locator('.field--error').filter({ hasText: 'Circuit reference' }).waitFor();
    await assertAccessible(page, 'a refused step');
    await next.getByLabel('Circuit reference').fill('NL-40377');
    await next.getByRole('button', { name: 'Record the install' }).click();
    await next.getByRole('button', { name: 'Record as live' }).waitFor();
    await main.getByRole('link', { name: 'Circuit NL-40377' }).waitFor();
    assert.match(await main.innerText(), /Circuit reference\s+NL-40377/);
    await page.screenshot({ path: `${SCREENSHOTS}/connection.png`, fullPage: true });

    await nav(page).getByRole('link', { name: 'Roll-out' }).click();
    await h1(page).filter({ hasText: /^Roll-out$/ }).waitFor();
    const chart = page.getByRole('img', { name: /^Burn-up chart:/ });
    await chart.waitFor();
    assert.match(String(await chart.getAttribute('aria-label')), /^Burn-up chart: 4 ordered, 4 installed and 3 live\./);
    // The target is set for the region: filtered to it, the chart measures against it.
    await page.getByLabel('Region ODS code').fill(region);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('img', { name: /^Burn-up chart: 4 ordered, 4 installed and 3 live against a target of 10 by/ }).waitFor();
    const burnup = page.getByRole('region', { name: 'Burn-up' });
    await burnup.getByText('The burn-up as a table').click();
    assert.ok((await burnup.getByRole('table').getByRole('row').count()) > 2);
    assert.match(await page.getByRole('region', { name: 'By supplier' }).innerText(), /Northlink Access Ltd/);
    assert.match(await page.getByRole('region', { name: 'By region' }).innerText(), /North East and Yorkshire/);
    await page.screenshot({ path: `${SCREENSHOTS}/rollout.png`, fullPage: true });
    await assertAccessible(page, 'the roll-out');
    await page.getByLabel('Region ODS code').fill('');
    await page.getByLabel('Supplier code').fill('NOSUCH');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByRole('alert').waitFor();
    await page.context().close();
  });

  test('a customer sees their own connections and no other', async () => {
    const page = await freshPage();
    await signInAs(page, 'priya.shah');
    assert.equal(await nav(page).getByRole('link', { name: 'Roll-out' }).count(), 0);
    await nav(page).getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 2 connections.' }).waitFor();
    assert.doesNotMatch(await page.getByRole('main').innerText(), /Queens Park/);
    await assertAccessible(page, "a customer's connections");
    await page.getByRole('link', { name: 'The Densham Surgery' }).click();
    await h1(page).filter({ hasText: 'Connection to The Densham Surgery' }).waitFor();
    const quotes = page.getByRole('region', { name: 'Quotes' });
    await quotes.getByRole('row', { name: /Northlink/ }).waitFor();
    assert.equal(await quotes.getByRole('row').count(), 2, 'only the chosen quote');

    // The map colours the customer's two sites by how far each one's connection has got.
    await nav(page).getByRole('link', { name: 'Sites' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 2 sites.' }).waitFor();
    const key = page.getByRole('list', { name: 'Key to the map' });
    await key.filter({ hasText: /Live\s+\(1\)/ }).waitFor();
    assert.match(await key.innerText(), /Live\s+\(1\)[\s\S]*(Installed|Surveyed)\s+\(1\)[\s\S]*No connection\s+\(0\)/);

    // Organisation → site → connection: the site's page lists its connection and leads to it.
    const siteRow = page.getByRole('region', { name: 'List of sites' }).getByRole('row', { name: /^The Densham Surgery/ });
    await siteRow.getByRole('link').first().click();
    await h1(page).filter({ hasText: 'The Densham Surgery' }).waitFor();
    const siteConnections = page.getByRole('region', { name: 'Connections' });
    await siteConnections.getByRole('row', { name: /Live/ }).waitFor();
    await assertAccessible(page, "a customer's site with its connection");
    await siteConnections.getByRole('link', { name: /^Connection \d+$/ }).click();
    await h1(page).filter({ hasText: 'Connection to The Densham Surgery' }).waitFor();
    assert.equal(await page.getByRole('region', { name: 'Next step' }).count(), 0);
    await assertAccessible(page, "a customer's connection");
    await page.goto(`${env.url}/connections/${ids.other}`);
    await page.getByRole('alert').filter({ hasText: 'Not found' }).waitFor();
    await page.context().close();
  });

  test('no page asked anything of any host but n3sp itself, and no script failed', () => {
    assert.deepEqual(pageErrors, []);
    assert.ok(requested.length > 10);
    assert.deepEqual(requested.filter((url) => new URL(url).hostname !== '127.0.0.1'), []);
  });
});
