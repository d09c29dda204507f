// Service requests in a real Chromium against a real n3sp process: a practice manager asks for
// portal access (refused first with an empty name, the message beside the field), an approver
// approves it, an agent grants it and writes an internal note, and the practice manager, who never
// sees that note, confirms and closes it; another practice's manager sees none of it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Browser, type Page } from 'playwright-core';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { makeOrganisation, makeUser, TEST_PASSWORD, uniqueCode } from '../helpers/factories.ts';
import { makeProduct, makeServiceClass, makeSite } from '../helpers/network-fixtures.ts';
import { requestSettings } from '../../src/modules/service-requests/settings.ts';
import { assertAccessible, h1, launchBrowser, nav, signedInPage } from '../helpers/browser.ts';

let env: TestEnv;
let browser: Browser;
const pageErrors: string[] = [];
const products: Record<'fibre' | 'fttp' | 'withdrawn', { code: string; name: string }> = {} as never;

before(async () => {
  env = await testEnv({ web: true, listen: true });
  browser = await launchBrowser();
  const region = uniqueCode('Y').slice(0, 4);
  await makeOrganisation(env, { odsCode: region, name: 'North East and Yorkshire', kind: 'region' });
  const densham = await makeOrganisation(env, { odsCode: 'A81001', name: 'The Densham Surgery', kind: 'gp_practice', region });
  const queens = await makeOrganisation(env, { odsCode: 'A81002', name: 'Queens Park Medical Centre', kind: 'gp_practice', region });
  await makeSite(env, densham.ods_code, { name: 'The Densham Surgery' });
  await makeSite(env, queens.ods_code, { name: 'Queens Park Medical Centre' });
  await makeUser(env, { username: 'priya.shah', roles: ['customer'], organisations: [densham.ods_code], password: TEST_PASSWORD });
  await makeUser(env, { username: 'tom.reed', roles: ['customer'], organisations: [queens.ods_code], password: TEST_PASSWORD });
  await makeUser(env, { username: 'cal.byrne', roles: ['change_approver'], password: TEST_PASSWORD });
  await makeUser(env, { username: 'sam.okafor', roles: ['service_desk_agent'], password: TEST_PASSWORD });
  await makeUser(env, { username: 'maya.patel', roles: ['service_manager'], password: TEST_PASSWORD });
  const serviceClass = await makeServiceClass(env);
  // Both need an approver, so asking for one orders nothing yet (no supplier prices are needed).
  products.fibre = await makeProduct(env, serviceClass.code, { code: uniqueCode('EF-'), name: 'Ethernet fibre 1 Gbit/s', accessTechnology: 'ethernet_fibre', requiresApproval: true });
  products.fttp = await makeProduct(env, serviceClass.code, { code: uniqueCode('FTTP-'), name: 'FTTP 330/50', accessTechnology: 'fttp', requiresApproval: true });
  products.withdrawn = await makeProduct(env, serviceClass.code, { code: uniqueCode('ADSL-'), name: 'ADSL 8 Mbit/s', accessTechnology: 'adsl', state: 'withdrawn' });
});

after(async () => {
  await browser?.close();
  await env?.close();
});

const signedIn = (username: string): Promise<Page> => signedInPage(browser, env.url!, username, { pageErrors });

/** The request's state, as its summary shows it. */
const stateShown = (page: Page, state: string) => page.getByRole('main').locator('.summary-list dd .tag').filter({ hasText: new RegExp(`^${state}$`) }).waitFor();
const TITLE = 'Access to the n3sp portal for Dr Amir Shah';

async function openRequest(page: Page) {
  await nav(page).getByRole('link', { name: 'Service requests' }).click();
  await h1(page).filter({ hasText: /^Service requests$/ }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Showing 1 service request.' }).waitFor();
  await page.getByRole('link', { name: /^REQ\d{7}$/ }).click();
  await h1(page).filter({ hasText: TITLE }).waitFor();
}

describe('service requests', () => {
  test('asked for, approved, fulfilled and confirmed, each by the person whose step it is', async () => {
    // The practice manager asks.
    let page = await signedIn('priya.shah');
    await nav(page).getByRole('link', { name: 'Service requests' }).click();
    await h1(page).filter({ hasText: /^Service requests$/ }).waitFor();
    await page.getByRole('status').filter({ hasText: 'There are no service requests yet.' }).waitFor();
    await page.getByRole('button', { name: 'Ask for something' }).click();
    const form = page.getByRole('region', { name: 'Ask for something' });
    await form.getByLabel('What do you need?').selectOption('access');
    await form.getByLabel('Access to what').fill('the n3sp portal');
    await form.getByRole('button', { name: 'Send the request' }).click();
    await form.locator('.field--error').filter({ hasText: 'Who needs access' }).filter({ hasText: 'cannot be empty' }).waitFor();
    await assertAccessible(page, 'a refused request form');
    await form.getByLabel('Who needs access').fill('Dr Amir Shah');
    await form.getByRole('button', { name: 'Send the request' }).click();
    await h1(page).filter({ hasText: TITLE }).waitFor();
    const main = page.getByRole('main');
    assert.match(await main.innerText(), /State\s+Awaiting approval/);
    assert.match(await main.innerText(), /Approval\s+Waiting for an approver/);
    assert.equal(await page.getByRole('region', { name: 'Approval' }).count(), 0, 'a customer does not approve');
    await page.getByRole('region', { name: 'Service level' }).getByRole('row', { name: /Fulfilment/ }).waitFor();
    await assertAccessible(page, 'a request awaiting approval');
    await page.context().close();

    // Another practice sees nothing of it.
    page = await signedIn('tom.reed');
    await nav(page).getByRole('link', { name: 'Service requests' }).click();
    await page.getByRole('status').filter({ hasText: 'There are no service requests yet.' }).waitFor();
    await page.context().close();

    // The approver approves.
    page = await signedIn('cal.byrne');
    await openRequest(page);
    await page.getByRole('region', { name: 'Approval' }).getByRole('button', { name: 'Approve' }).click();
    await page.getByRole('main').locator('dd').filter({ hasText: /^Approved by Test cal\.byrne on/ }).waitFor();
    await page.context().close();

    // The agent grants access, which fulfils it, and writes a note the customer never sees.
    page = await signedIn('sam.okafor');
    await openRequest(page);
    const tasks = page.getByRole('region', { name: 'Fulfilment tasks' });
    assert.equal(await tasks.getByRole('button', { name: 'Skip task 1' }).count(), 0, 'granting access cannot be skipped');
    await tasks.getByLabel('Task 1: Grant access').fill('Account created, welcome e-mail sent');
    await tasks.getByRole('button', { name: 'Complete task 1' }).click();
    await stateShown(page, 'Fulfilled');
    assert.match(await tasks.innerText(), /Grant access\s+Account created, welcome e-mail sent\s+Done/);
    const notes = page.getByRole('region', { name: 'Notes' });
    await notes.getByLabel('Add a note').fill('Checked with the IG lead first');
    await notes.getByRole('button', { name: 'Add the note' }).click();
    await notes.getByText('Checked with the IG lead first').waitFor();
    assert.match(await notes.innerText(), /Internal/);
    await page.getByRole('region', { name: 'History' }).getByText('Task completed', { exact: true }).first().waitFor(); // the action's code read as words
    // Instants in London's wall time, states in words: nothing as the database stores it.
    const history = page.getByRole('region', { name: 'History' });
    const fulfilledAt = history.getByRole('row', { name: /^Fulfilled at/ });
    await fulfilledAt.waitFor();
    assert.match(await fulfilledAt.locator('.change-after').innerText(), /^[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2}$/);
    await history.getByRole('row', { name: /^Closes at/ }).waitFor();
    await history.getByRole('cell', { name: 'In fulfilment', exact: true }).first().waitFor();
    assert.doesNotMatch(await history.innerText(), /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|in_fulfilment|awaiting_approval|\{"id"/);
    await assertAccessible(page, 'a fulfilled request');
    await page.context().close();

    // The practice manager confirms; the internal note is not theirs to read.
    page = await signedIn('priya.shah');
    await openRequest(page);
    assert.doesNotMatch(await page.getByRole('main').innerText(), /IG lead/);
    assert.match(await page.getByRole('main').innerText(), /Closes by itself on/);
    await page.getByRole('region', { name: 'Next step' }).getByRole('button', { name: 'Confirm and close' }).click();
    await stateShown(page, 'Closed');
    assert.equal(await page.getByRole('region', { name: 'Next step' }).count(), 0);
    await page.context().close();
    assert.deepEqual(pageErrors, []);
  });
  test('the desk sees how long a fulfilled request waits for its customer; a service manager changes it', async () => {
    const setting = (page: Page) => page.getByRole('region', { name: 'Closing fulfilled requests' });
    const openRequests = async (page: Page) => {
      await nav(page).getByRole('link', { name: 'Service requests' }).click();
      await h1(page).filter({ hasText: /^Service requests$/ }).waitFor();
    };

    // An agent reads the window but may not change it.
    let page = await signedIn('sam.okafor');
    await openRequests(page);
    await setting(page).getByRole('status').filter({ hasText: 'closes by itself 5 days after it was fulfilled' }).waitFor();
    assert.equal(await setting(page).getByRole('button', { name: 'Change the waiting time' }).count(), 0);
    await page.context().close();

    // A customer does not see the desk's configuration at all.
    page = await signedIn('priya.shah');
    await openRequests(page);
    await page.getByRole('status').filter({ hasText: /service request/ }).waitFor();
    assert.equal(await setting(page).count(), 0);
    await page.context().close();

    // The service manager changes it: refused beside the field while out of range, then saved.
    page = await signedIn('maya.patel');
    await openRequests(page);
    const region = setting(page);
    await region.getByRole('button', { name: 'Change the waiting time' }).click();
    const days = region.getByLabel('Days to wait after fulfilment');
    await days.fill('a week');
    await region.getByRole('button', { name: 'Save the waiting time' }).click();
    await region.locator('.field--error').filter({ hasText: 'must be a whole number of days' }).waitFor();
    await days.fill('61');
    await region.getByRole('button', { name: 'Save the waiting time' }).click();
    await region.locator('.field--error').filter({ hasText: /60/ }).waitFor();
    assert.equal((await requestSettings.read(env.rt.db)).settings.autoCloseDays, 5, 'a refused change writes nothing');
    await assertAccessible(page, 'a refused auto-close setting');

    // Meanwhile someone else sets it to 7 days: the first form's save is refused, nothing overwritten.
    const other = await signedIn('maya.patel');
    await openRequests(other);
    await setting(other).getByRole('button', { name: 'Change the waiting time' }).click();
    await setting(other).getByLabel('Days to wait after fulfilment').fill('7');
    await setting(other).getByRole('button', { name: 'Save the waiting time' }).click();
    await setting(other).getByRole('status').filter({ hasText: 'closes by itself 7 days' }).waitFor();
    await other.context().close();
    await days.fill('10');
    await region.getByRole('button', { name: 'Save the waiting time' }).click();
    await region.getByRole('alert').filter({ hasText: 'Someone else changed this setting' }).waitFor();
    assert.equal((await requestSettings.read(env.rt.db)).settings.autoCloseDays, 7, 'the other change stands');
    await region.getByRole('button', { name: 'Reload the setting' }).click();
    await region.getByRole('status').filter({ hasText: 'closes by itself 7 days' }).waitFor();
    await region.getByRole('button', { name: 'Save the waiting time' }).click();
    await region.getByRole('status').filter({ hasText: 'closes by itself 10 days after it was fulfilled' }).waitFor();
    requestSettings.forget(env.rt.db);
    assert.equal((await requestSettings.read(env.rt.db)).settings.autoCloseDays, 10);
    await page.context().close();
    assert.deepEqual(pageErrors, []);
  });

  test('a practice manager asks for a new connection, choosing the product from the catalogue rather than typing its code', async () => {
    const page = await signedIn('priya.shah');
    await nav(page).getByRole('link', { name: 'Service requests' }).click();
    await h1(page).filter({ hasText: /^Service requests$/ }).waitFor();
    await page.getByRole('button', { name: 'Ask for something' }).click();
    const form = page.getByRole('region', { name: 'Ask for something' });
    await form.getByLabel('What do you need?').selectOption('new_connection');
    await form.getByLabel('Site').selectOption({ label: 'The Densham Surgery (A81001)' });
    const product = form.getByLabel('Product', { exact: true });
    assert.equal(await product.evaluate((e) => e.tagName), 'SELECT', 'a choice, not free text');
    await product.getByRole('option', { name: /FTTP 330\/50/ }).waitFor({ state: 'attached' });
    assert.deepEqual(await product.locator('option').allInnerTexts(), [
      'Choose a product',
      'Ethernet fibre 1 Gbit/s, needs approval',
      'FTTP 330/50, needs approval',
    ], 'the active connection products, by name alone (codes are the desk\'s); not the withdrawn one');
    await product.selectOption(products.fttp.code);
    await form.getByRole('button', { name: 'Send the request' }).click();
    await h1(page).filter({ hasText: `New connection ${products.fttp.code} for The Densham Surgery` }).waitFor();
    await assertAccessible(page, 'a new connection asked for');
    await page.context().close();
    assert.deepEqual(pageErrors, []);
  });
});
