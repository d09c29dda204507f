// The incident and service request pages at a phone's width and a desktop's, in a real Chromium
// against a real n3sp process: at 400 px no page scrolls sideways (a wide table scrolls inside its
// own box, which a keyboard can reach); at 1280 px the incident queue fits its column, its last
// column on screen. The records carry the widest SLA words the lists give (a response breached, a
// resolution warned), their warning and breach jobs run by a worker told the time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Browser, type Page } from 'playwright-core';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, makeUser, TEST_PASSWORD } from '../helpers/factories.ts';
import { makeSite, makeSupplier } from '../helpers/network-fixtures.ts';
import { makeTeam } from '../helpers/incident-fixtures.ts';
import { JobWorker } from '../../src/core/jobs/worker.ts';
import { assertAccessible, h1, launchBrowser, signIn } from '../helpers/browser.ts';

let env: TestEnv;
let browser: Browser;
let incidentId: number;
let requestId: number;
const pageErrors: string[] = [];

interface Clock {
  kind: string;
  metric: string;
  dueAt: string | null;
  warnAt: string | null;
}

before(async () => {
  env = await testEnv({ web: true, listen: true });
  // The runtime's own worker runs jobs due by the real clock; these tests give the time themselves.
  await env.rt.jobs?.stop();
  const worker = new JobWorker(env.rt, { pollMs: 3_600_000 });
  browser = await launchBrowser();
  const practice = await makeOrganisation(env, { name: 'The Old Schoolhouse Medical Practice', kind: 'gp_practice' });
  const site = await makeSite(env, practice.ods_code, { name: 'The Old Schoolhouse Medical Practice, Branch Surgery' });
  const desk = (await clientAs(env, { roles: ['service_desk_agent'] })).api;
  const customer = (await clientAs(env, { roles: ['customer'], organisations: [practice.ods_code] })).api;
  const agent = await makeUser(env, { username: 'sam.okafor', roles: ['service_desk_agent'], password: TEST_PASSWORD });
  const team = await makeTeam(env, { memberIds: [agent.id] });
  const supplier = await makeSupplier(env, { name: 'Pennine Access Networks Ltd' });

  // A request left unanswered past its response target, drained first: each drain runs every job due by its instant, and this one's is the furthest off.
  const raised = await customer.post('/api/v1/service-requests', { kind: 'access', siteId: site.id, access: { name: 'Dr Amir Shah', to: 'the n3sp portal and the clinical system' } });
  assert.equal(raised.status, 201, JSON.stringify(raised.body));
  requestId = raised.body.id;
  await worker.drain({ now: new Date(Date.parse((raised.body.clocks as Clock[]).find((c) => c.kind === 'sla' && c.metric === 'response')!.dueAt!) + 1_000) });

  // A P1 left unanswered past its response target, answered late, its resolution then past its warning point.
  const logged = await desk.post('/api/v1/incidents', { title: 'Clinical system unreachable from every consulting room after the overnight switch replacement', siteId: site.id, impact: 'high', urgency: 'high' });
  assert.equal(logged.status, 201, JSON.stringify(logged.body));
  incidentId = logged.body.id;
  const clocks = logged.body.clocks as Clock[];
  const of = (metric: string) => clocks.find((c) => c.kind === 'sla' && c.metric === metric)!;
  await worker.drain({ now: new Date(Date.parse(of('response').dueAt!) + 1_000) });
  const assigned = await desk.post(`/api/v1/incidents/${incidentId}/assignment`, { teamId: team.id }, { 'if-match': `"${logged.body.version}"` });
  assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
  await worker.drain({ now: new Date(Date.parse(of('resolution').warnAt!) + 1_000) });
  // Others beside it: one unanswered, one handed to a supplier.
  const other = await desk.post('/api/v1/incidents', { title: 'Intermittent packet loss on the HSCN link', siteId: site.id, impact: 'medium', urgency: 'high' });
  assert.equal(other.status, 201, JSON.stringify(other.body));
  const handed = await desk.post('/api/v1/incidents', { title: 'Broadband circuit down at the branch surgery', siteId: site.id, impact: 'low', urgency: 'low', teamId: team.id, assigneeId: agent.id });
  assert.equal(handed.status, 201, JSON.stringify(handed.body));
  const off = await desk.post(`/api/v1/incidents/${handed.body.id}/hand-off`, { supplierId: supplier.id, note: 'Please test the circuit end to end.' }, { 'if-match': `"${handed.body.version}"` });
  assert.equal(off.status, 200, JSON.stringify(off.body));
});

after(async () => {
  await browser?.close();
  await env?.close();
});

async function pageAt(width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'en-GB', timezoneId: 'Europe/London' });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await signIn(page, env.url!, 'sam.okafor');
  return page;
}

/** How wide the page is, and each table on it (its caption's start, and its width), for the message when one does not fit. */
const widths = (page: Page) =>
  page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    tables: [...document.querySelectorAll('main table')].map((t) => `${t.querySelector('caption')?.textContent?.slice(0, 30)}: ${Math.round(t.getBoundingClientRect().width)} px`),
  }));

describe('at a phone’s width (400 px), no page scrolls sideways', () => {
  // Each page, and the list on it that is wider than a phone (scrolling in its own box), if any.
  const pages: Array<[string, () => string, RegExp, RegExp | null]> = [
    ['the incident queue', () => '/incidents', /^Incidents$/, /^Incidents, /],
    ['an incident', () => `/incidents/${incidentId}`, /Clinical system unreachable/, null],
    ['the service request list', () => '/requests', /^Service requests$/, /^Service requests$/],
    ['a service request', () => `/requests/${requestId}`, /Dr Amir Shah|Access/, null],
  ];
  for (const [name, path, heading, scrolling] of pages) {
    test(name, async () => {
      const page = await pageAt(400, 800);
      await page.goto(`${env.url}${path()}`);
      await h1(page).filter({ hasText: heading }).waitFor();
      await page.locator('main table').first().waitFor();
      const seen = await widths(page);
      assert.ok(seen.page <= 400, `${name} is ${seen.page} px wide at 400 px: ${JSON.stringify(seen)}`);
      if (scrolling) {
        // The list scrolls inside a region named by its caption, which a keyboard reaches to scroll it.
        const region = page.getByRole('region', { name: scrolling });
        const box = await region.evaluate((r) => ({ tabIndex: r.tabIndex, overflow: r.scrollWidth - r.clientWidth }));
        assert.equal(box.tabIndex, 0, 'a keyboard reaches it');
        assert.ok(box.overflow > 0, `the list is wider than its box: ${JSON.stringify(seen)}`);
      }
      await assertAccessible(page, `${name} at 400 px`);
      assert.deepEqual(pageErrors, []);
      await page.context().close();
    });
  }
});

describe('at a desktop’s width (1280 px)', () => {
  test('the incident queue fits its column: its last column is on screen', async () => {
    const page = await pageAt(1280, 800);
    await page.goto(`${env.url}/incidents`);
    await h1(page).filter({ hasText: /^Incidents$/ }).waitFor();
    const table = page.getByRole('table', { name: /^Incidents/ });
    await table.waitFor();
    const box = await table.evaluate((t) => {
      const container = t.closest('main')!;
      const padding = parseFloat(getComputedStyle(container).paddingRight);
      const columns = Object.fromEntries([...t.querySelectorAll('thead th')].map((c) => [c.textContent, Math.round(c.getBoundingClientRect().width)]));
      return { right: t.getBoundingClientRect().right, inside: container.getBoundingClientRect().right - padding, overflow: t.parentElement!.scrollWidth - t.parentElement!.clientWidth, columns };
    });
    assert.ok(box.right <= box.inside + 0.5, `the queue's right edge (${box.right}) is inside its container's (${box.inside}): ${JSON.stringify(box.columns)}`);
    assert.equal(box.overflow, 0, 'nothing to scroll to');
    assert.equal(await page.getByRole('region', { name: /^Incidents, / }).count(), 0, 'a table that fits is no scrolling region, nor a tab stop');
    const updated = await table.getByRole('columnheader', { name: 'Updated' }).boundingBox();
    assert.ok(updated && updated.x + updated.width <= 1280, 'its last column is on screen');
    // The title takes the room the other columns leave: the widest column, a line of some 45 characters.
    const { Incident: incident, ...others } = box.columns;
    assert.ok(incident! >= 320 && Object.values(others).every((w) => w < incident!), JSON.stringify(box.columns));
    assert.deepEqual(pageErrors, []);
    await page.context().close();
  });
});
