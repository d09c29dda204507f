import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { TEST_PASSWORD } from './factories.ts';

/**
 * What every browser test does the same way: Debian's Chromium started with nothing that calls
 * home, a fresh page (English, London time) that records every request it makes and every script
 * error, signing in, the page's landmarks, and an axe accessibility check.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium (Playwright cannot download its own here), kept from any request but the test's own. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** `timeoutMs` is for pages that wait on work the server does in the background (monitoring's correlation). */
export async function openPage(browser: Browser, requested: string[], pageErrors: string[], { timeoutMs = 10_000 } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-GB', timezoneId: 'Europe/London' });
  context.setDefaultTimeout(timeoutMs);
  context.on('request', (request) => requested.push(request.url()));
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return page;
}

/** Fills in the sign-in form and submits it; answers the status the server gave. */
export async function submitSignIn(page: Page, username: string, password = TEST_PASSWORD): Promise<number> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/session' && r.request().method() === 'POST');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  return (await answered).status();
}

/** Opens n3sp at `url`, signs in and waits until the application shell is there. */
export async function signIn(page: Page, url: string, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto(url);
  assert.equal(await submitSignIn(page, username, password), 200, `${username} signs in`);
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** A fresh browser profile signed in as `username`, its requests and page errors collected where given. */
export async function signedInPage(browser: Browser, url: string, username: string, { requested = [], pageErrors }: { requested?: string[]; pageErrors: string[] }): Promise<Page> {
  const page = await openPage(browser, requested, pageErrors);
  await signIn(page, url, username);
  return page;
}

/** Waits until the text of what the locator finds matches (a page re-reads itself after a change). */
export async function until(locator: Locator, pattern: RegExp, timeout = 10_000): Promise<void> {
  const end = Date.now() + timeout;
  let text = '';
  while (Date.now() < end) {
    text = await locator.innerText();
    if (pattern.test(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.match(text, pattern);
}

export const h1 = (page: Page) => page.getByRole('heading', { level: 1 });
export const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.1 A and AA, as axe-core checks them on the page as it is now. */
export async function assertAccessible(page: Page, where: string): Promise<void> {
  await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  assert.deepEqual(violations, [], `accessibility of ${where}`);
}
