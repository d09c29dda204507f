import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
// @ts-expect-error oidc-provider ships no type declarations
import Provider from 'oidc-provider';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, makeUser } from '../helpers/factories.ts';
import type { ApiClient } from '../helpers/api-client.ts';

/**
 * Single sign-on against a real OpenID Connect provider (oidc-provider, with its development
 * login and consent pages) on a port of its own, driven over HTTP the way a browser would:
 * redirects followed by hand, forms submitted, cookies kept per host.
 */

const CLIENT = { id: 'n3sp-test', secret: 'a-long-client-secret-for-the-test-provider' };

/** The provider's accounts: the login typed on its sign-in page → the claims it vouches for. */
const accounts = new Map<string, Record<string, unknown>>();

let env: TestEnv;
let issuer: string;
let providerServer: Server;
let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
  res.statusCode = 503;
  res.end('starting');
};
let admin: ApiClient;
let practice: { id: number; ods_code: string };
let otherPractice: { id: number; ods_code: string };

before(async () => {
  providerServer = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => providerServer.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(providerServer.address() as AddressInfo).port}`;
  env = await testEnv({
    listen: true,
    config: {
      oidc: { issuer, clientId: CLIENT.id, clientSecret: CLIENT.secret, rolesClaim: 'n3sp_roles', organisationsClaim: 'ods_codes', allowInsecure: true, label: 'Test NHS login' },
    },
  });
  admin = (await clientAs(env, { roles: ['administrator'] })).api;
  practice = await makeOrganisation(env, { name: 'Claimed Practice' });
  otherPractice = await makeOrganisation(env, { name: 'Other Practice' });
});

/** The provider is attached only now that n3sp's address (and so its callback) is known. */
function startProvider(): void {
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        redirect_uris: [`${env.url}/auth/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'n3sp_roles', 'ods_codes'], email: ['email'] },
    async findAccount(_ctx: unknown, id: string) {
      const claims = accounts.get(id);
      return claims ? { accountId: id, claims: async () => ({ sub: id, ...claims }) } : undefined;
    },
    pkce: { required: () => true },
    cookies: { keys: ['test-provider-cookie-key'] },
  });
  handler = provider.callback();
}

after(async () => {
  await env.close();
  providerServer.closeAllConnections();
  await new Promise((resolve) => providerServer.close(resolve));
});

// --- a browser, by hand -------------------------------------------------------------------

class CookieJar {
  private readonly byHost = new Map<string, Map<string, string>>();

  header(url: URL): string {
    return [...(this.byHost.get(url.host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  keep(url: URL, response: Response): void {
    const jar = this.byHost.get(url.host) ?? new Map<string, string>();
    this.byHost.set(url.host, jar);
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...value] = pair!.split('=');
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]!) < new Date()));
      if (expired) jar.delete(name!.trim());
      else jar.set(name!.trim(), value.join('='));
    }
  }

  get(url: URL | string, name: string): string | undefined {
    return this.byHost.get(new URL(url).host)?.get(name);
  }
}

async function visit(jar: CookieJar, url: URL, init: { method?: string; form?: Record<string, string> } = {}) {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: {
      accept: 'text/html',
      cookie: jar.header(url),
      ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: init.form ? new URLSearchParams(init.form).toString() : undefined,
  });
  jar.keep(url, response);
  return response;
}

/**
 * Follows the sign-in from n3sp's login link through the provider's pages until the provider
 * sends the browser back to n3sp's callback; returns that callback address without visiting it.
 */
async function toCallback(jar: CookieJar, login: string): Promise<URL> {
  let url = new URL('/auth/oidc/login', env.url);
  let next: { method?: string; form?: Record<string, string> } = {};
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin === env.url && url.pathname === '/auth/oidc/callback') return url;
    const response = await visit(jar, url, next);
    next = {};
    if (response.status >= 300 && response.status < 400) {
      url = new URL(response.headers.get('location')!, url);
      continue;
    }
    const html = await response.text();
    assert.equal(response.status, 200, `${url.href} answered ${response.status}: ${html.slice(0, 500)}`);
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    assert.ok(action && prompt, `no form on ${url.href}: ${html.slice(0, 500)}`);
    url = new URL(action.replace(/&amp;/g, '&'), url);
    next = { method: 'POST', form: prompt === 'login' ? { prompt, login, password: 'anything' } : { prompt } };
  }
  throw new Error('too many redirects');
}

/** A whole sign-in: returns n3sp's answer to the callback and the session cookie it set, if any. */
async function signIn(login: string, jar = new CookieJar()) {
  const callback = await toCallback(jar, login);
  const response = await visit(jar, callback);
  return { response, callback, jar, cookie: jar.get(env.url!, 'n3sp_session') };
}

async function whoAmI(cookie: string | undefined) {
  const response = await fetch(new URL('/api/v1/session', env.url), { headers: { cookie: `n3sp_session=${cookie}` } });
  return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function usersWithSubject(subject: string) {
  const result = await sql<{ id: number; username: string }>`select id, username from app_user where oidc_issuer = ${issuer} and oidc_subject = ${subject}`.execute(env.rt.db);
  return result.rows;
}

async function journalOf(entityId: number | string) {
  const result = await sql<{ action: string; actor_name: string; summary: string }>`select action, actor_name, summary from journal
    where entity_type = 'user' and entity_id = ${String(entityId)} order by id`.execute(env.rt.db);
  return result.rows;
}

// --- the tests ----------------------------------------------------------------------------

describe('single sign-on through OpenID Connect', () => {
  test('n3sp started while the provider was down; sign-in then says so with a 502, not a 500', async () => {
    const response = await fetch(new URL('/auth/oidc/login', env.url), { redirect: 'manual', headers: { accept: 'application/json' } });
    assert.equal(response.status, 502);
    const problem = (await response.json()) as { type: string };
    assert.equal(problem.type, 'urn:n3sp:problem:sso-provider-unavailable');
    // From here on the provider is up; discovery is tried again on the next sign-in.
    startProvider();
  });

  test('the sign-in page learns about the provider from GET /api/v1/auth/providers, without signing in', async () => {
    const response = await fetch(new URL('/api/v1/auth/providers', env.url));
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { oidc: { label: 'Test NHS login', loginUrl: '/auth/oidc/login' } });
  });

  test('the login link sends the browser to the provider with PKCE, state and nonce', async () => {
    const response = await visit(new CookieJar(), new URL('/auth/oidc/login', env.url));
    assert.equal(response.status, 302);
    const to = new URL(response.headers.get('location')!);
    assert.equal(to.origin, issuer);
    assert.equal(to.searchParams.get('client_id'), CLIENT.id);
    assert.equal(to.searchParams.get('redirect_uri'), `${env.url}/auth/oidc/callback`);
    assert.equal(to.searchParams.get('code_challenge_method'), 'S256');
    for (const p of ['state', 'nonce', 'code_challenge']) assert.ok((to.searchParams.get(p) ?? '').length >= 32, `${p} missing or short`);
    assert.match(String(response.headers.get('set-cookie')), /n3sp_sso=[^;]+;.*HttpOnly/i);
  });

  test('a first sign-in creates the user from the claims and lands them signed in; a second is the same user', async () => {
    accounts.set('agent-sub-1', { preferred_username: 'jo.bloggs', name: 'Jo Bloggs', email: 'jo.bloggs@nhs.test', n3sp_roles: ['service_desk_agent', 'tea_maker'], ods_codes: [practice.ods_code] });
    const first = await signIn('agent-sub-1');
    assert.equal(first.response.status, 302, await first.response.clone().text());
    assert.equal(first.response.headers.get('location'), '/');
    assert.match(String(first.response.headers.get('set-cookie')), /n3sp_session=[^;]+;.*HttpOnly.*SameSite=Lax/i);
    const self = await whoAmI(first.cookie);
    assert.equal(self.status, 200);
    assert.equal(self.body.username, 'jo.bloggs');
    assert.equal(self.body.displayName, 'Jo Bloggs');
    assert.deepEqual(self.body.roles, ['service_desk_agent'], 'unknown role names are ignored');
    assert.equal(self.body.scope, 'network', 'the organisations claim does not narrow staff');
    assert.ok(self.body.csrfToken);

    const [user] = await usersWithSubject('agent-sub-1');
    assert.ok(user);
    const viaApi = await admin.get(`/api/v1/users/${user.id}`);
    assert.equal(viaApi.body.singleSignOn, true);
    assert.equal(viaApi.body.email, 'jo.bloggs@nhs.test');

    const second = await signIn('agent-sub-1');
    assert.equal(second.response.status, 302);
    assert.notEqual(second.cookie, first.cookie);
    assert.equal((await whoAmI(second.cookie)).body.username, 'jo.bloggs');
    assert.equal((await usersWithSubject('agent-sub-1')).length, 1, 'the second sign-in maps to the same user');
    assert.equal((await whoAmI(first.cookie)).status, 200, 'an unchanged sign-in leaves the other session alone');

    const journal = await journalOf(user.id);
    assert.deepEqual(
      journal.map((e) => e.action),
      ['created', 'signed_in', 'signed_in'],
    );
    assert.equal(journal[0]!.actor_name, 'single sign-on');
    assert.match(journal[1]!.summary, /single sign-on.*unknown roles ignored: tea_maker/);
  });

  test("a customer's organisations follow the claim on every sign-in, and the old session's rights end", async () => {
    accounts.set('customer-sub-1', { preferred_username: 'pm.claimed', name: 'Practice Manager', n3sp_roles: ['customer'], ods_codes: [practice.ods_code.toLowerCase(), 'ZZZ404'] });
    const first = await signIn('customer-sub-1');
    assert.equal(first.response.status, 302);
    const self = await whoAmI(first.cookie);
    assert.deepEqual(self.body.roles, ['customer']);
    assert.equal(self.body.scope, 'organisations');
    assert.deepEqual(self.body.organisations.map((o: { odsCode: string }) => o.odsCode), [practice.ods_code], 'unknown ODS codes are ignored');
    const read = (code: string) => fetch(new URL(`/api/v1/organisations/${code}`, env.url), { headers: { cookie: `n3sp_session=${first.cookie}` } });
    assert.equal((await read(practice.ods_code)).status, 200);
    assert.equal((await read(otherPractice.ods_code)).status, 404);

    accounts.set('customer-sub-1', { ...accounts.get('customer-sub-1'), ods_codes: [otherPractice.ods_code] });
    const second = await signIn('customer-sub-1');
    assert.equal(second.response.status, 302);
    const moved = await whoAmI(second.cookie);
    assert.deepEqual(moved.body.organisations.map((o: { odsCode: string }) => o.odsCode), [otherPractice.ods_code]);
    assert.equal((await whoAmI(first.cookie)).status, 401, 'the session with the old organisations is ended');
    const [user] = await usersWithSubject('customer-sub-1');
    const update = (await journalOf(user!.id)).find((e) => e.action === 'updated');
    assert.ok(update, 'the change of organisations is journalled');
  });

  test('roles follow the claim too; a claim with no n3sp role refuses sign-in with a page saying why', async () => {
    accounts.set('mover-sub-1', { preferred_username: 'mover', name: 'Mover', n3sp_roles: ['service_manager'] });
    assert.equal((await signIn('mover-sub-1')).response.status, 302);
    accounts.set('mover-sub-1', { ...accounts.get('mover-sub-1'), n3sp_roles: 'auditor' });
    const again = await signIn('mover-sub-1');
    assert.deepEqual((await whoAmI(again.cookie)).body.roles, ['auditor']);

    accounts.set('nobody-sub-1', { preferred_username: 'nobody', name: 'Nobody', n3sp_roles: ['tea_maker'] });
    const refused = await signIn('nobody-sub-1');
    assert.equal(refused.response.status, 403);
    assert.match(refused.response.headers.get('content-type') ?? '', /text\/html/);
    const page = await refused.response.text();
    assert.match(page, /no n3sp role/);
    assert.match(page, /tea_maker/);
    assert.equal(refused.cookie, undefined);
    assert.equal((await usersWithSubject('nobody-sub-1')).length, 0, 'no account is made');
    assert.ok((await journalOf('nobody (single sign-on)')).some((e) => e.action === 'sign_in_failed'));
  });

  test('account rules hold: a customer claim naming no known organisation is refused, as is a deactivated account', async () => {
    accounts.set('lost-sub-1', { preferred_username: 'lost', n3sp_roles: ['customer'], ods_codes: ['ZZZ404'] });
    const lost = await signIn('lost-sub-1');
    assert.equal(lost.response.status, 403);
    assert.match(await lost.response.text(), /a customer needs at least one organisation.*ZZZ404/);

    accounts.set('leaver-sub-1', { preferred_username: 'leaver', n3sp_roles: ['service_desk_agent'] });
    assert.equal((await signIn('leaver-sub-1')).response.status, 302);
    const [leaver] = await usersWithSubject('leaver-sub-1');
    assert.equal((await admin.patch(`/api/v1/users/${leaver!.id}`, { active: false }, { 'if-match': '"1"' })).status, 200);
    const after = await signIn('leaver-sub-1');
    assert.equal(after.response.status, 403);
    assert.match(await after.response.text(), /deactivated/);
  });

  test('a provider account never takes over a local account of the same username', async () => {
    const local = await makeUser(env, { roles: ['administrator'], username: 'taken.name' });
    accounts.set('namesake-sub-1', { preferred_username: 'taken.name', n3sp_roles: ['service_desk_agent'] });
    const signedIn = await signIn('namesake-sub-1');
    const self = await whoAmI(signedIn.cookie);
    assert.equal(self.body.username, 'taken.name-2');
    assert.deepEqual(self.body.roles, ['service_desk_agent']);
    assert.equal((await admin.get(`/api/v1/users/${local.id}`)).body.singleSignOn, false);
  });

  test('a tampered state, a replayed callback and a callback in another browser are refused with 4xx', async () => {
    accounts.set('careful-sub-1', { preferred_username: 'careful', n3sp_roles: ['auditor'] });
    const jar = new CookieJar();
    const callback = await toCallback(jar, 'careful-sub-1');

    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${callback.searchParams.get('state')}x`);
    const refused = await fetch(tampered, { redirect: 'manual', headers: { accept: 'application/json', cookie: jar.header(tampered) } });
    assert.equal(refused.status, 400);
    assert.equal(((await refused.json()) as { type: string }).type, 'urn:n3sp:problem:sso-sign-in-expired');
    assert.equal(refused.headers.get('set-cookie'), null);

    const elsewhere = await fetch(callback, { redirect: 'manual', headers: { accept: 'application/json' } });
    assert.equal(elsewhere.status, 400, 'without the cookie of the browser that began it');

    // The browser that began it, with the real state, still cannot: the attempt above used it up.
    const replay = await visit(jar, callback);
    assert.equal(replay.status, 400);

    const fresh = await signIn('careful-sub-1', jar);
    assert.equal(fresh.response.status, 302);
    const replayed = await visit(jar, fresh.callback);
    assert.equal(replayed.status, 400, 'a callback works once');

    const bare = await fetch(new URL('/auth/oidc/callback?code=abc', env.url), { redirect: 'manual', headers: { accept: 'application/json' } });
    assert.equal(bare.status, 400);
  });

  test("the provider's refusal is passed on as a 4xx, never a 500", async () => {
    const jar = new CookieJar();
    const start = await visit(jar, new URL('/auth/oidc/login', env.url));
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const denied = new URL('/auth/oidc/callback', env.url);
    denied.search = new URLSearchParams({ error: 'access_denied', error_description: 'End-User aborted interaction', state, iss: issuer }).toString();
    const response = await visit(jar, denied);
    assert.equal(response.status, 403);
    const page = await response.text();
    assert.match(page, /access_denied/);
    assert.doesNotMatch(page, /<script/);

    // A code the provider never issued: the token endpoint refuses it.
    const start2 = await visit(jar, new URL('/auth/oidc/login', env.url));
    const state2 = new URL(start2.headers.get('location')!).searchParams.get('state')!;
    const forged = new URL('/auth/oidc/callback', env.url);
    forged.search = new URLSearchParams({ code: 'not-a-real-code', state: state2, iss: issuer }).toString();
    const invalid = await visit(jar, forged);
    assert.equal(invalid.status, 400);
    assert.match(await invalid.text(), /invalid_grant/);
  });
});
