// Words, not codes, in a real Chromium against a real n3sp process: a site's, a connection's and a
// request's history read as words (no JSON, no raw codes); a request's clocks say "Running"; an
// incident's e-mail says what became of it; and a practice manager reads the portal in plain English,
// without the standard's clause numbers, and is simply told "not allowed" where they may not go.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { type Browser, type Page } from 'playwright-core';
import { inTransaction } from '../../src/core/context.ts';
import { requestConnection } from '../../src/modules/connections/service.ts';
import { notify } from '../../src/modules/notifications/notify.ts';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, makeUser, SYSTEM, TEST_PASSWORD, uniqueCode } from '../helpers/factories.ts';
import { makeProduct, makeServiceClass, makeSite } from '../helpers/network-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { assertAccessible, h1, launchBrowser, nav, signedInPage } from '../helpers/browser.ts';

let env: TestEnv;
let browser: Browser;
let desk: ApiClient;
let customerApi: ApiClient;
const pageErrors: string[] = [];
const ids = { site: 0, connection: 0, request: 0, practice: 0 };
let productCode = '';

before(async () => {
  env = await testEnv({ web: true, listen: true });
  browser = await launchBrowser();
  const region = uniqueCode('Y').slice(0, 4);
  await makeOrganisation(env, { odsCode: region, name: 'North East and Yorkshire', kind: 'region' });
  const densham = await makeOrganisation(env, { odsCode: 'A81001', name: 'The Densham Surgery', kind: 'gp_practice', region });
  ids.practice = densham.id;
  const site = await makeSite(env, 'A81001', { name: 'The Densham Surgery', kind: 'main', address: ['THE HEALTH CENTRE', 'LAWSON STREET', 'STOCKTON-ON-TEES'] });
  ids.site = site.id;
  productCode = (await makeProduct(env, (await makeServiceClass(env)).code, { name: 'FTTC 80/20' })).code;
  ids.connection = (await inTransaction(env.rt, (tx) => requestConnection(tx, env.rt, SYSTEM, { siteId: site.id, productCode }))).id;
  await makeUser(env, { username: 'sam.okafor', roles: ['service_desk_agent'], password: TEST_PASSWORD });
  // No e-mail address: the portal must not promise e-mail.
  await makeUser(env, { username: 'priya.shah', roles: ['customer'], organisations: ['A81001'], password: TEST_PASSWORD });
  desk = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  customerApi = (await clientAs(env, { roles: ['customer'], organisations: ['A81001'] })).api;
  const asked = await customerApi.post('/api/v1/service-requests', { kind: 'access', organisationOdsCode: 'A81001', access: { name: 'Tom Reid', to: 'the practice’s n3sp portal' } });
  assert.equal(asked.status, 201, JSON.stringify(asked.body));
  ids.request = asked.body.id;
});

after(async () => {
  await browser?.close();
  await env?.close();
});

const signedIn = (username: string): Promise<Page> => signedInPage(browser, env.url!, username, { pageErrors });
const history = (page: Page) => page.getByRole('region', { name: 'History' });
/** What a raw value looks like: JSON, a snake_case code, an ISO instant. */
const RAW = /[{}[\]"]|\b[a-z]+_[a-z_]+\b|\d{4}-\d{2}-\d{2}T/;

/** Waits for the e-mail with this subject to leave the queue (the job worker finds no relay and gives up). */
async function settled(subject: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const { rows } = await sql<{ id: number; state: string }>`select id, state from email_message where subject like ${`%${subject}`}`.execute(env.rt.db);
    if (rows[0] && rows[0].state !== 'queued') return rows[0].id;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${subject} is still queued`);
}

describe('plain words', () => {
  test("an agent reads a site's, a connection's and a request's history, and a request's clocks, in words", async () => {
    const page = await signedIn('sam.okafor');

    await page.goto(`${env.url}/sites/${ids.site}`);
    await h1(page).filter({ hasText: 'The Densham Surgery' }).waitFor();
    await history(page).getByRole('row', { name: /^Kind/ }).waitFor();
    assert.match(await history(page).getByRole('row', { name: /^Kind/ }).innerText(), /Kind\s+—\s+Main site/);
    assert.match(await history(page).getByRole('row', { name: /^Address/ }).innerText(), /Address\s+—\s+THE HEALTH CENTRE, LAWSON STREET, STOCKTON-ON-TEES/);
    assert.match(await history(page).getByRole('row', { name: /^Organisation/ }).innerText(), /A81001/);
    assert.doesNotMatch(await history(page).locator('table').first().innerText(), RAW);

    await page.goto(`${env.url}/connections/${ids.connection}`);
    const site = history(page).getByRole('row', { name: /^Site/ });
    await site.waitFor();
    // The journal keeps the site by id: it reads as a link to that site, not a bare number.
    await site.getByRole('link', { name: `Site ${ids.site}` }).waitFor();
    assert.match(await history(page).getByRole('row', { name: /^Product/ }).innerText(), new RegExp(`Product\\s+—\\s+${productCode}`));
    assert.match(await history(page).getByRole('row', { name: /^State/ }).innerText(), /State\s+—\s+Requested/);
    await site.getByRole('link', { name: `Site ${ids.site}` }).click();
    await h1(page).filter({ hasText: 'The Densham Surgery' }).waitFor();

    await page.goto(`${env.url}/requests/${ids.request}`);
    const details = history(page).getByRole('row', { name: /^Details/ });
    await details.waitFor();
    assert.match(await details.innerText(), /Details\s+—\s+Access — Name: Tom Reid, To: the practice’s n3sp portal$/);
    assert.doesNotMatch(await history(page).innerText(), RAW);
    // The request's clocks say their state as the incident's do.
    const clocks = page.getByRole('region', { name: 'Service level' });
    const states = await clocks.getByRole('row').locator('td:last-child').allInnerTexts();
    assert.ok(states.length > 0, 'the request has clocks');
    for (const state of states) assert.match(state, /^(Running|Warning|Paused|Met|Breached|Cancelled)$/);
    await assertAccessible(page, "a request's history in words");
    await page.context().close();
    assert.deepEqual(pageErrors, []);
  });

  test('a practice manager reads the portal in plain English, and an agent reads what became of each e-mail', async () => {
    let page = await signedIn('priya.shah');

    // The overview says what they can do, not which clause of the standard each area serves.
    await h1(page).filter({ hasText: 'Overview' }).waitFor();
    const main = page.getByRole('main');
    await main.getByRole('heading', { name: 'What you can do here' }).waitFor();
    assert.doesNotMatch(await page.locator('body').innerText(), /ISO|clause|not built yet/i);
    await assertAccessible(page, "a customer's overview");

    // Where they may not go, they are told so, and nothing says it is still loading.
    for (const [path, noun] of [['/users', 'users'], ['/suppliers', 'suppliers']]) {
      await page.goto(`${env.url}${path}`);
      await page.getByRole('alert').filter({ hasText: /not allowed/i }).waitFor();
      assert.doesNotMatch(await main.innerText(), new RegExp(`Loading ${noun}|clause`));
    }

    // Reporting a fault: kept up to date here, not by e-mail they do not have.
    await nav(page).getByRole('link', { name: 'Incidents' }).click();
    await h1(page).filter({ hasText: 'Your incidents' }).waitFor();
    const report = page.getByRole('region', { name: 'Report a fault' });
    await report.getByLabel('What is wrong?').fill('No internet at reception');
    await report.getByRole('button', { name: 'Report the fault' }).click();
    const thanks = page.getByRole('status').filter({ hasText: 'Thank you: your fault is logged as' });
    await thanks.waitFor();
    assert.match(await thanks.innerText(), /We will keep you up to date here\.$/);
    const tellUsMore = page.getByRole('region', { name: 'Tell us more' });
    assert.match(await tellUsMore.innerText(), /We have received it\. Anything you add here reaches the people working on it\./);
    const incidentId = Number(new URL(page.url()).pathname.split('/').pop());
    const number = (await h1(page).innerText()).split(/\s/)[0]!;

    // The desk asks; the practice answers; each reads as theirs.
    assert.equal((await desk.post(`/api/v1/incidents/${incidentId}/notes`, { kind: 'question', body: 'Is the router showing a red light?' })).status, 201);
    await page.reload();
    const answer = page.getByRole('region', { name: 'We have a question for you' });
    await answer.getByLabel('Your answer').fill('Yes, a red light on the left');
    await answer.getByRole('button', { name: 'Send the answer' }).click();
    const messages = page.getByRole('region', { name: 'Messages' });
    await messages.getByText('Yes, a red light on the left').waitFor();
    await messages.locator('.tag').filter({ hasText: /^Your answer$/ }).waitFor();
    await messages.locator('.tag').filter({ hasText: /^Question for you$/ }).waitFor();
    assert.doesNotMatch(await messages.innerText(), /the caller/);
    await assertAccessible(page, "a customer's incident");
    await page.context().close();

    // Three e-mails about it: one the worker could not send (there is no relay here), one still
    // queued, one sent.
    const mail = (event: 'supplier_hand_off' | 'customer_update' | 'resolution', subject: string, name: string) =>
      inTransaction(env.rt, (tx) =>
        notify(tx, env.rt, { recordType: 'incident', recordId: incidentId, recordNumber: number, organisationId: ids.practice, supplierId: null, event, to: [{ address: `${name.split(' ')[0]!.toLowerCase()}@example.nhs.uk`, name }], subject, text: 'About your fault.' }),
      );
    await mail('supplier_hand_off', 'Handed to Northlink', 'Dana Whitfield');
    await mail('customer_update', 'We are on it', 'Priya Shah');
    await mail('resolution', 'Fixed', 'Priya Shah');
    await settled('Handed to Northlink');
    await sql`update email_message set state = 'queued', reason = null where id = ${await settled('We are on it')}`.execute(env.rt.db);
    await sql`update email_message set state = 'sent', reason = null, sent_at = now() where id = ${await settled('Fixed')}`.execute(env.rt.db);

    page = await signedIn('sam.okafor');
    await page.goto(`${env.url}/incidents/${incidentId}`);
    const timeline = page.getByRole('region', { name: 'Timeline' });
    const entry = (subject: string) => timeline.getByRole('listitem').filter({ hasText: subject });
    await entry('Handed to Northlink').waitFor();
    assert.match(await entry('Handed to Northlink').locator('.timeline__head').innerText(), /^E-mail to Dana Whitfield \(hand-off to the supplier\): Not sent — no SMTP relay is configured \(set N3SP_SMTP_URL\) /);
    assert.match(await entry('We are on it').locator('.timeline__head').innerText(), /^E-mail to Priya Shah \(update\): Queued /);
    assert.match(await entry('Fixed').locator('.timeline__head').innerText(), /^E-mail sent to Priya Shah \(resolution\) /);
    assert.doesNotMatch(await timeline.innerText(), /\b(failed|queued)\b|E-mail sent to [^\n]*(Not sent|Queued)/);
    await assertAccessible(page, "an incident's e-mail in words");
    await page.context().close();
    assert.deepEqual(pageErrors, []);
  });
});
