// The web application in a real Chromium against a real n3sp process: a service desk agent, a
// customer and an administrator each walk through it. Screenshots go to docs/screenshots/ with N3SP_UPDATE_SCREENSHOTS=1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, makeUser, TEST_PASSWORD } from '../helpers/factories.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { AREAS, visibleTo } from '../../web/src/areas.ts';
import { SCREENSHOTS } from '../helpers/screenshots.ts';
import { assertAccessible, h1, launchBrowser, nav, openPage, signIn, submitSignIn } from '../helpers/browser.ts';

let env: TestEnv;
let browser: Browser;
let admin: ApiClient;
/** Every URL any page asked for: all of it must be n3sp itself. */
const requested: string[] = [];
const pageErrors: string[] = [];
const people = { agent: '', customer: '', administrator: '' };

async function named(username: string, displayName: string) {
  const { id, version } = (await admin.get(`/api/v1/users?q=${username}`)).body.items[0];
  const changed = await admin.patch(`/api/v1/users/${id}`, { displayName }, { 'if-match': `"${version}"` });
  assert.equal(changed.status, 200, JSON.stringify(changed.body));
}

before(async () => {
  env = await testEnv({ web: true, listen: true });
  browser = await launchBrowser();
  admin = (await clientAs(env, { roles: ['administrator'] })).api;

  // A corner of the real network, from the NHS ODS files.
  await makeOrganisation(env, { odsCode: 'Y63', name: 'North East and Yorkshire', kind: 'region' });
  await makeOrganisation(env, { odsCode: '16C', name: 'NHS Tees Valley CCG', kind: 'commissioner', parentOdsCode: 'Y63', region: 'North East and Yorkshire', postcode: 'TS17 6BL', openedOn: '2020-04-01' });
  const practice = (odsCode: string, name: string, postcode: string, extra: object = {}) =>
    makeOrganisation(env, { odsCode, name, kind: 'gp_practice', parentOdsCode: '16C', region: 'North East and Yorkshire', postcode, openedOn: '1974-04-01', ...extra });
  await practice('A81001', 'The Densham Surgery', 'TS18 1HU');
  await practice('A81002', 'Queens Park Medical Centre', 'TS18 2AW');
  await practice('A81003', 'Victoria Medical Practice', 'TS26 8DB', { state: 'closed', closedOn: '2017-10-31' });
  await practice('A81004', 'Bluebell Medical Centre', 'TS5 8SB');
  await makeOrganisation(env, { odsCode: 'A81004001', name: 'Bluebell Medical Centre — Acklam Road branch', kind: 'gp_practice', parentOdsCode: 'A81004', postcode: 'TS5 7BP', openedOn: '2004-04-01' });
  await practice('A81005', 'Springwood Surgery', 'TS14 7DJ');
  await practice('A81006', 'Tennant Street Medical Practice', 'TS18 2AT');
  await practice('A81007', 'Bankhouse Surgery', 'TS24 7PW');
  await practice('A81009', 'Village Medical Centre', 'TS5 6HF');
  await makeOrganisation(env, { odsCode: 'RTR', name: 'South Tees Hospitals NHS Foundation Trust', kind: 'trust', region: 'North East and Yorkshire', postcode: 'TS4 3BW', openedOn: '1992-04-01' });

  await makeUser(env, { username: 'sam.okafor', roles: ['service_desk_agent'], password: TEST_PASSWORD });
  await named('sam.okafor', 'Sam Okafor');
  await makeUser(env, { username: 'priya.shah', roles: ['customer'], organisations: ['A81001'], password: TEST_PASSWORD });
  await named('priya.shah', 'Priya Shah');
  await makeUser(env, { username: 'jo.admin', roles: ['administrator'], password: TEST_PASSWORD });
  await named('jo.admin', 'Jo Whitfield');
  people.agent = 'sam.okafor';
  people.customer = 'priya.shah';
  people.administrator = 'jo.admin';
  mkdirSync(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
  await env?.close();
});

/** A fresh browser profile (no cookies), recording every request its pages make. */
const freshPage = () => openPage(browser, requested, pageErrors);

const signInAs = (page: Page, username: string) => signIn(page, env.url!, username);

describe('the web application', () => {
  test('the sign-in page: wrong passwords are said plainly, and too many are refused with a wait', async () => {
    const page = await freshPage();
    await page.goto(env.url!);
    await h1(page).filter({ hasText: 'Sign in to n3sp' }).waitFor();
    // No identity provider is configured here, so there is no single sign-on button.
    assert.equal(await page.getByRole('link', { name: /Sign in with/ }).count(), 0);
    await page.screenshot({ path: `${SCREENSHOTS}/sign-in.png` });
    await assertAccessible(page, 'the sign-in page');

    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'Enter your username and password' }).waitFor();

    for (let attempt = 1; attempt <= 5; attempt++) {
      assert.equal(await submitSignIn(page, 'nobody.here', `wrong-${attempt}`), 401);
      await page.getByRole('alert').filter({ hasText: 'The username or password is not right.' }).waitFor();
    }
    assert.equal(await submitSignIn(page, 'nobody.here', 'wrong-6'), 429);
    const refused = page.getByRole('alert');
    await refused.filter({ hasText: 'Too many attempts' }).waitFor();
    await assertAccessible(page, 'the sign-in page with an error');
    assert.match(await refused.innerText(), /Too many failed sign-ins/);
    assert.match(await refused.innerText(), /try again in 15 minutes/);
    await page.context().close();
  });

  test('single sign-on is offered when the server names an identity provider', async () => {
    const page = await freshPage();
    await page.route('**/api/v1/auth/providers', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify({ oidc: { label: 'NHS Care Identity', loginUrl: '/auth/oidc/login' } }) }),
    );
    await page.goto(env.url!);
    const sso = page.getByRole('link', { name: 'Sign in with NHS Care Identity' });
    await sso.waitFor();
    assert.equal(await sso.getAttribute('href'), '/auth/oidc/login');
    await page.context().close();
  });

  test('a service desk agent signs in, walks every area, searches organisations and reads a journal', async () => {
    const page = await freshPage();
    await signInAs(page, people.agent);
    const header = page.getByRole('banner');
    await header.getByText('Sam Okafor').waitFor();
    await header.getByText('Service desk agent').waitFor();

    // Keyboard users land on the skip link first, and it takes them to the main content.
    await page.reload();
    await header.getByText('Sam Okafor').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to main content');
    await page.keyboard.press('Enter');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main');
    await assertAccessible(page, 'the overview');

    // Every area of the clause table is in the navigation, except those the agent may not read.
    const permissions = (await page.evaluate(async () => (await (await fetch('/api/v1/session')).json()).permissions)) as string[];
    assert.equal(await nav(page).getByRole('link', { name: /^Users/ }).count(), 0, 'an agent without users:read sees no Users entry');
    for (const area of AREAS.filter((a) => visibleTo(a, permissions))) {
      await nav(page).getByRole('link', { name: area.label }).click();
      await h1(page).filter({ hasText: new RegExp(`^${area.label.replace(/[()]/g, '\\$&')}$`) }).waitFor();
      assert.equal(new URL(page.url()).pathname, area.path);
      if (!area.built) {
        const main = page.getByRole('main');
        await main.getByText('This area is not built yet').waitFor();
        assert.match(await main.innerText(), new RegExp(`clause ${area.clause.replace(/\./g, '\\.')}`));
        if (area.id === 'problems') await assertAccessible(page, 'a page not built yet');
      }
    }

    await nav(page).getByRole('link', { name: 'Organisations' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 12 organisations.' }).waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/organisations.png`, fullPage: true });
    await assertAccessible(page, 'the organisations list');

    await page.getByLabel('Name or ODS code').fill('densham');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 1 organisation.' }).waitFor();
    const rows = page.getByRole('main').getByRole('table').getByRole('row');
    assert.equal(await rows.count(), 2);
    assert.match(await rows.nth(1).innerText(), /The Densham Surgery\s+A81001\s+GP practice\s+Active\s+NHS Tees Valley CCG\s+TS18 1HU/);
    assert.match(page.url(), /\?q=densham$/);

    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Kind').selectOption('trust');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 1 organisation.' }).waitFor();
    assert.match(await rows.nth(1).innerText(), /South Tees Hospitals/);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('State').selectOption('closed');
    await page.getByLabel('Sort by').selectOption('-name');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 1 organisation.' }).waitFor();
    assert.match(await rows.nth(1).innerText(), /Victoria Medical Practice/);
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByLabel('Sort by').selectOption('-name');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/sort=-name/);
    await rows.nth(1).filter({ hasText: 'Village Medical Centre' }).waitFor();

    await page.getByRole('link', { name: 'The Densham Surgery' }).click();
    await h1(page).filter({ hasText: 'The Densham Surgery' }).waitFor();
    const journal = page.getByRole('region', { name: 'History' });
    await journal.getByText('Organisation A81001 created').waitFor();
    assert.match(await journal.innerText(), /Created by n3sp/);
    assert.match(await journal.getByRole('row', { name: /Postcode/ }).innerText(), /Postcode\s+—\s+TS18 1HU/);
    assert.equal(await page.getByRole('button', { name: 'Edit details' }).count(), 0, 'an agent cannot edit an organisation');

    await page.getByRole('main').getByRole('link', { name: 'NHS Tees Valley CCG' }).first().click();
    await h1(page).filter({ hasText: 'NHS Tees Valley CCG' }).waitFor();
    const children = page.getByRole('region', { name: /Children/ });
    await children.getByRole('link', { name: 'Bankhouse Surgery' }).waitFor();
    assert.equal(await children.getByRole('listitem').count(), 8);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await h1(page).filter({ hasText: 'Sign in to n3sp' }).waitFor();
    await page.reload();
    await h1(page).filter({ hasText: 'Sign in to n3sp' }).waitFor();
    await page.context().close();
  });

  test('a customer sees their own organisation and no other', async () => {
    const page = await freshPage();
    await signInAs(page, people.customer);
    const header = page.getByRole('banner');
    await header.getByText('Priya Shah').waitFor();
    await header.getByText('Customer', { exact: true }).waitFor();
    await header.getByText('The Densham Surgery (A81001)').waitFor();
    assert.equal(await nav(page).getByRole('link', { name: /^Users/ }).count(), 0);

    await nav(page).getByRole('link', { name: 'Organisations' }).click();
    await h1(page).filter({ hasText: 'Your organisations' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Showing 1 organisation.' }).waitFor();
    const table = page.getByRole('main').getByRole('table');
    assert.match(await table.innerText(), /The Densham Surgery/);
    assert.doesNotMatch(await table.innerText(), /Queens Park/);
    await page.getByLabel('Name or ODS code').fill('A81002');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('status').filter({ hasText: 'No organisations match your search.' }).waitFor();

    await page.goto(`${env.url}/organisations/A81001`);
    await page.getByRole('region', { name: 'History' }).getByText('Organisation A81001 created').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/customer.png`, fullPage: true });
    await assertAccessible(page, "a customer's organisation");

    // Another organisation's page is simply not there for them.
    await page.goto(`${env.url}/organisations/A81002`);
    await page.getByRole('alert').filter({ hasText: 'Not found' }).waitFor();
    assert.doesNotMatch(await page.getByRole('main').innerText(), /Queens Park/);

    // On a phone the navigation folds behind a Menu button.
    await page.setViewportSize({ width: 390, height: 844 });
    const menu = nav(page).getByRole('button', { name: 'Menu' });
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    assert.equal(await nav(page).getByRole('link', { name: 'Incidents' }).isVisible(), false);
    await menu.click();
    await nav(page).getByRole('link', { name: 'Incidents' }).click();
    await h1(page).filter({ hasText: 'Incidents' }).waitFor();
    assert.equal(await menu.getAttribute('aria-expanded'), 'false');
    await assertAccessible(page, 'a page on a narrow screen');
    await page.context().close();
  });

  test('an administrator edits an organisation: a concurrent change is a clear 412, then the edit lands in the journal', async () => {
    const page = await freshPage();
    await signInAs(page, people.administrator);
    await page.getByRole('banner').getByText('Administrator').waitFor();

    await nav(page).getByRole('link', { name: /^Users/ }).click();
    await h1(page).filter({ hasText: 'Users' }).waitFor();
    const users = page.getByRole('main').getByRole('table');
    await users.getByRole('row', { name: /priya\.shah/ }).waitFor();
    await assertAccessible(page, 'the users list');
    assert.match(await users.getByRole('row', { name: /priya\.shah/ }).innerText(), /Priya Shah\s+priya\.shah\s+Customer\s+The Densham Surgery \(A81001\)\s+Password\s+Active/);

    await page.goto(`${env.url}/organisations/A81002`);
    await h1(page).filter({ hasText: 'Queens Park Medical Centre' }).waitFor();
    await page.getByRole('button', { name: 'Edit details' }).click();
    const form = page.getByRole('form', { name: /Edit Queens Park/ });
    await form.getByLabel('Postcode').fill('TS18 2AX');

    // Meanwhile, someone else changes the same organisation.
    const current = await admin.get('/api/v1/organisations/A81002');
    const elsewhere = await admin.patch('/api/v1/organisations/A81002', { region: 'Tees Valley' }, { 'if-match': String(current.headers.etag) });
    assert.equal(elsewhere.status, 200);

    await form.getByRole('button', { name: 'Save changes' }).click();
    const stale = form.getByRole('alert');
    await stale.filter({ hasText: 'Someone else changed this organisation' }).waitFor();
    assert.match(await stale.innerText(), /your edit was not saved/);
    await stale.getByRole('button', { name: 'Reload the organisation' }).click();
    await page.getByRole('main').getByText('Tees Valley', { exact: true }).waitFor();

    await form.getByLabel('Postcode').fill('TS18 2AX');
    await form.getByLabel('Name', { exact: true }).fill('Queens Park Medical Centre (Stockton)');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'Your changes are saved' }).waitFor();
    await h1(page).filter({ hasText: 'Queens Park Medical Centre (Stockton)' }).waitFor();
    const latest = page.getByRole('region', { name: 'History' }).getByRole('listitem').first();
    await latest.getByText('Changed by Jo Whitfield').waitFor();
    assert.match(await latest.getByRole('row', { name: /Postcode/ }).innerText(), /Postcode\s+TS18 2AW\s+TS18 2AX/);
    assert.match(await latest.getByRole('row', { name: /Name/ }).innerText(), /Name\s+Queens Park Medical Centre\s+Queens Park Medical Centre \(Stockton\)/);
    await page.screenshot({ path: `${SCREENSHOTS}/organisation.png`, fullPage: true });

    // A field the server refuses is named beside its input.
    await page.getByRole('button', { name: 'Edit details' }).click();
    await form.getByLabel('Parent ODS code').fill('ZZZ999');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.getByRole('alert').filter({ hasText: 'The request cannot be carried out' }).waitFor();
    await form.locator('.field--error').getByLabel('Parent ODS code').waitFor();
    await assertAccessible(page, 'the edit form with a field error');
    await form.getByRole('button', { name: 'Cancel' }).click();
    await page.context().close();
  });

  test('"Show more" pages through a long list with the server\'s cursor', async () => {
    for (let i = 0; i < 30; i++) await makeOrganisation(env, { name: `Pharmacy ${String(i).padStart(2, '0')}`, kind: 'pharmacy' });
    const page = await freshPage();
    await signInAs(page, people.agent);
    await page.goto(`${env.url}/organisations?kind=pharmacy`);
    await page.getByRole('status').filter({ hasText: 'Showing the first 25 organisations; there are more.' }).waitFor();
    await page.getByRole('button', { name: 'Show more' }).click();
    await page.getByRole('status').filter({ hasText: 'Showing 30 organisations.' }).waitFor();
    const names = await page.getByRole('main').getByRole('table').getByRole('row').allInnerTexts();
    assert.equal(new Set(names).size, 31);
    assert.equal(await page.getByRole('button', { name: 'Show more' }).count(), 0);
    await page.context().close();
  });

  test('no page asked anything of any host but n3sp itself, and no script failed', () => {
    assert.deepEqual(pageErrors, []);
    assert.ok(requested.length > 20);
    const elsewhere = requested.filter((url) => new URL(url).host !== new URL(env.url!).host);
    assert.deepEqual(elsewhere, []);
  });
});
