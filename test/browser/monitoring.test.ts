// The event console in a real Chromium against a real n3sp process: a PoP storm posted to the
// Alertmanager endpoint appears, live, as one major incident with its alerts grouped under it and
// an isolated site's incident beside it; filters narrow the alerts; the CI page lists a site
// router's alerts; a customer is not offered the console. Screenshot to docs/screenshots/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { type Browser, type Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../src/core/access/principal.ts';
import type { Role } from '../../src/core/access/roles.ts';
import { createUser } from '../../src/modules/users/service.ts';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, TEST_PASSWORD } from '../helpers/factories.ts';
import { amAlert, amPayload, machineClient, makeMonitoredNetwork, type MonitoredNetwork } from '../helpers/monitoring-fixtures.ts';
import type { ApiClient } from '../helpers/api-client.ts';
import { SCREENSHOTS } from '../helpers/screenshots.ts';
import { assertAccessible, launchBrowser, nav, openPage, signIn, until } from '../helpers/browser.ts';

let env: TestEnv;
let browser: Browser;
let machine: ApiClient;
let storm: MonitoredNetwork;
let lone: MonitoredNetwork;
const pageErrors: string[] = [];

async function person(username: string, roles: Role[], organisations?: string[]) {
  return createUser(env.rt, SYSTEM_ACTOR, { username, displayName: username, roles, organisations, password: TEST_PASSWORD });
}

before(async () => {
  env = await testEnv({ web: true, listen: true });
  browser = await launchBrowser();
  await makeOrganisation(env, { name: 'N3SP Network Provider', kind: 'network_provider' });
  machine = (await machineClient(env)).api;
  const manager = (await clientAs(env, { roles: ['service_manager'] })).api;
  const settings = await manager.get('/api/v1/monitoring/settings');
  await manager.request('PUT', '/api/v1/monitoring/settings', { ...settings.body, settleSeconds: 0 }, { 'if-match': settings.headers.etag as string });
  storm = await makeMonitoredNetwork(env, { sites: 4 });
  lone = await makeMonitoredNetwork(env, { sites: 1 });
  await person('ops.watch', ['service_desk_agent']);
  await person('practice.manager', ['customer'], [storm.organisation.ods_code]);
});

after(async () => {
  await browser?.close();
  await env?.close();
});

// The console fills in as the correlation worker polls, so its pages wait longer than the usual
// 10 s; the requests they make are not checked here.
const freshPage = () => openPage(browser, [], pageErrors, { timeoutMs: 15_000 });

const signInAs = (page: Page, username: string) => signIn(page, env.url!, username);

describe('the event console', () => {
  test('a storm appears live as one major incident with its alerts, beside an isolated site', async () => {
    const page = await freshPage();
    await signInAs(page, 'ops.watch');
    await nav(page).getByRole('link', { name: 'Event console' }).click();
    await page.getByRole('heading', { level: 1, name: 'Event console' }).waitFor();
    await page.getByText('No incident is open from alerts.').waitFor();

    // The storm arrives while the console is open; the worker correlates it within its poll.
    const alerts = [amAlert({ alertname: 'PopDown', pop: storm.pop.name, severity: 'critical' }), ...storm.sites.map((s) => amAlert({ alertname: 'SiteDown', site: s.odsCode, severity: 'critical' }))];
    assert.equal((await machine.post('/api/v1/integrations/alertmanager', amPayload(alerts))).status, 200);
    assert.equal((await machine.post('/api/v1/integrations/alertmanager', amPayload([amAlert({ alertname: 'LinkFlap', site: lone.sites[0]!.odsCode, severity: 'warning' })]))).status, 200);

    const groups = page.getByRole('region', { name: 'Correlations under way' });
    const major = groups.getByRole('listitem').filter({ hasText: 'Major incident' });
    await major.waitFor({ timeout: 30_000 });
    assert.match(await major.innerText(), new RegExp(`INC\\d{7} ${storm.pop.name} down: 4 sites affected[\\s\\S]*On ${storm.pop.name}[\\s\\S]*5 of 5 alerts firing, 4 sites`));
    await groups.getByRole('listitem').filter({ hasText: 'Site incident' }).filter({ hasText: lone.sites[0]!.name }).waitFor();

    const alertsRegion = page.getByRole('region', { name: 'Alerts' });
    const majorTable = alertsRegion.getByRole('table').filter({ has: page.locator('caption', { hasText: 'Major incident' }) });
    await majorTable.getByRole('row').nth(5).waitFor();
    assert.equal(await majorTable.getByRole('row').count(), 6, 'a header and the five alerts of the storm');
    assert.match(await majorTable.innerText(), new RegExp(`PopDown[\\s\\S]*${storm.pop.name}`));
    await page.screenshot({ path: `${SCREENSHOTS}/event-console.png`, fullPage: true });
    await assertAccessible(page, 'the event console');

    // Filters: only warnings leaves the isolated site's alert.
    await alertsRegion.getByLabel('Severity').fill('warning');
    await alertsRegion.getByRole('button', { name: 'Filter' }).click();
    await alertsRegion.getByText('1 alerts, newest change first.').waitFor();
    assert.match(await alertsRegion.innerText(), /LinkFlap/);
    assert.doesNotMatch(await alertsRegion.innerText(), /PopDown/);

    // The links go to the incident and to the CI, whose page lists its alerts.
    await alertsRegion.getByRole('link', { name: `Router ${lone.sites[0]!.name.split(' ')[1]}` }).click();
    // The console's region is named 'Alerts' too: wait for the CI's page before reading its own.
    await page.waitForURL(/\/configuration\/\d+/);
    const history = page.getByRole('region', { name: 'Alerts' });
    // The page re-reads itself as monitoring's events arrive: wait for the rows rather than read them once.
    await until(history, /Firing\s+LinkFlap \(warning\)[\s\S]*INC\d{7}/);
    await assertAccessible(page, "a CI page's alerts");
    assert.deepEqual(pageErrors, []);
  });

  test('a customer is not offered the console, and the API refuses them', async () => {
    const page = await freshPage();
    await signInAs(page, 'practice.manager');
    assert.equal(await nav(page).getByRole('link', { name: 'Event console' }).count(), 0);
  });
});
