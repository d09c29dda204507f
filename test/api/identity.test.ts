import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { testEnv, type TestEnv } from '../helpers/harness.ts';
import { clientAs, makeOrganisation, makeUser, sessionAs, TEST_PASSWORD, uniqueCode } from '../helpers/factories.ts';
import { ApiClient } from '../helpers/api-client.ts';
import { THROTTLE } from '../../src/core/auth/login-throttle.ts';

/**
 * Local accounts, sessions, CSRF and API tokens, through the HTTP API. Sign-in throttling
 * counts per address, so every test signs in from an address of its own (X-Forwarded-For:
 * n3sp trusts its proxy for the caller's address).
 */

let env: TestEnv;
let admin: ApiClient;
let anonymous: ApiClient;

before(async () => {
  env = await testEnv();
  admin = (await clientAs(env, { roles: ['administrator'] })).api;
  anonymous = new ApiClient(env.app);
});
after(() => env.close());

const newAddress = () => `10.${randomBytes(3).join('.')}`;
const signIn = (username: string, password: string, address: string) => anonymous.post('/api/v1/session', { username, password }, { 'x-forwarded-for': address });
const cookieOf = (response: { headers: Record<string, unknown> }) => String(response.headers['set-cookie']).split(';')[0]!;
const withCookie = (cookie: string, csrfToken?: string) => new ApiClient(env.app, { cookie, ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) });
const withToken = (token: string) => new ApiClient(env.app, { authorization: `Bearer ${token}` });

async function journal(entityId: number | string) {
  const result = await sql<{ action: string; actor_name: string; summary: string }>`select action, actor_name, summary from journal
    where entity_type = 'user' and entity_id = ${String(entityId)} order by id`.execute(env.rt.db);
  return result.rows;
}

describe('signing in with a local account', () => {
  test('the right password opens a session: an HttpOnly, SameSite=Lax cookie and a CSRF token', async () => {
    const user = await makeUser(env, { roles: ['service_desk_agent'] });
    const response = await signIn(user.username.toUpperCase(), TEST_PASSWORD, newAddress());
    assert.equal(response.status, 200);
    assert.equal(response.body.username, user.username);
    assert.deepEqual(response.body.roles, ['service_desk_agent']);
    assert.ok(response.body.csrfToken.length >= 32);
    const cookie = String(response.headers['set-cookie']);
    assert.match(cookie, /^n3sp_session=[\w-]{43};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.match(cookie, /Path=\//);
    const self = await withCookie(cookieOf(response)).get('/api/v1/session');
    assert.equal(self.status, 200);
    assert.equal(self.body.csrfToken, response.body.csrfToken);
  });

  test('a wrong password and an unknown username get the same 401, and no cookie', async () => {
    const user = await makeUser(env, { roles: ['auditor'] });
    const address = newAddress();
    const wrong = await signIn(user.username, 'not-the-password', address);
    const unknown = await signIn(`nobody-${user.username}`, TEST_PASSWORD, address);
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.body.detail, unknown.body.detail);
    assert.equal(wrong.body.type, 'urn:n3sp:problem:unauthorized');
    assert.equal(wrong.headers['set-cookie'], undefined);
  });

  test('every sign-in and every failed sign-in is in the journal', async () => {
    const user = await makeUser(env, { roles: ['auditor'] });
    const address = newAddress();
    assert.equal((await signIn(user.username, 'not-the-password', address)).status, 401);
    assert.equal((await signIn(user.username, TEST_PASSWORD, address)).status, 200);
    const ghost = `ghost-${uniqueCode()}`;
    assert.equal((await signIn(ghost, TEST_PASSWORD, address)).status, 401);

    const entries = await journal(user.id);
    assert.deepEqual(
      entries.map((e) => e.action),
      ['created', 'sign_in_failed', 'signed_in'],
    );
    assert.match(entries[1]!.summary, new RegExp(address.replace(/\./g, '\\.')));
    assert.equal(entries[2]!.actor_name, user.display_name, 'named as people know them; actor_id leads to the account');
    assert.deepEqual((await journal(ghost)).map((e) => e.action), ['sign_in_failed'], 'failures on unknown accounts too');
    // And the administrator reads it through the API.
    const viaApi = await admin.get(`/api/v1/users/${user.id}/journal`);
    assert.deepEqual(viaApi.body.items.map((e: { action: string }) => e.action).slice(0, 2), ['signed_in', 'sign_in_failed']);
  });
});

describe('sign-in throttling', () => {
  test(`after ${THROTTLE.perAccount} failures an account is refused with 429 and Retry-After, even with the right password`, async () => {
    const user = await makeUser(env, { roles: ['service_manager'] });
    const other = await makeUser(env, { roles: ['service_manager'] });
    const address = newAddress();
    const failures = await Promise.all(Array.from({ length: THROTTLE.perAccount }, (_, i) => signIn(user.username, `wrong-${i}`, newAddress())));
    assert.deepEqual(failures.map((f) => f.status), Array(THROTTLE.perAccount).fill(401));
    const refused = await signIn(user.username, TEST_PASSWORD, address);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers['retry-after'], String(THROTTLE.windowMinutes * 60));
    assert.match(refused.body.detail, /account/);
    assert.equal((await signIn(user.username.toUpperCase(), TEST_PASSWORD, newAddress())).status, 429, 'the username is counted case-blind');
    assert.equal((await signIn(other.username, TEST_PASSWORD, address)).status, 200, 'other accounts are not affected');
  });

  test(`after ${THROTTLE.perAddress} failures from one address, every account is refused from it`, async () => {
    const user = await makeUser(env, { roles: ['service_manager'] });
    const address = newAddress();
    const failures = await Promise.all(Array.from({ length: THROTTLE.perAddress }, (_, i) => signIn(`guess-${i}-${uniqueCode()}`, 'wrong-password', address)));
    assert.deepEqual(failures.map((f) => f.status), Array(THROTTLE.perAddress).fill(401));
    const refused = await signIn(user.username, TEST_PASSWORD, address);
    assert.equal(refused.status, 429);
    assert.match(refused.body.detail, /address/);
    assert.ok(refused.headers['retry-after']);
    assert.equal((await signIn(user.username, TEST_PASSWORD, newAddress())).status, 200);
  });

  test('guesses sent all at once are counted as they arrive, not after they are checked', async () => {
    const user = await makeUser(env, { roles: ['service_manager'] });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => signIn(user.username, `parallel-guess-${i}`, newAddress())));
    const checked = answers.filter((a) => a.status === 401).length;
    assert.ok(checked <= THROTTLE.perAccount, `${checked} guesses were checked against the password`);
    assert.equal(answers.filter((a) => a.status === 429).length, 12 - checked);
  });

  test('a successful sign-in clears the account’s failures', async () => {
    const user = await makeUser(env, { roles: ['service_manager'] });
    const fail = () => Promise.all(Array.from({ length: THROTTLE.perAccount - 1 }, (_, i) => signIn(user.username, `wrong-${i}`, newAddress())));
    await fail();
    assert.equal((await signIn(user.username, TEST_PASSWORD, newAddress())).status, 200);
    await fail();
    assert.equal((await signIn(user.username, TEST_PASSWORD, newAddress())).status, 200);
  });
});

describe('sessions and CSRF', () => {
  test('signing out ends the session and clears the cookie', async () => {
    const { api, cookie } = await sessionAs(env, { roles: ['auditor'] });
    const out = await api.delete('/api/v1/session');
    assert.equal(out.status, 204);
    assert.match(String(out.headers['set-cookie']), /n3sp_session=;.*Expires=Thu, 01 Jan 1970/);
    assert.equal((await withCookie(cookie).get('/api/v1/session')).status, 401);
  });

  test('a write with the cookie needs the X-CSRF-Token of its session; one with a token needs none', async () => {
    const { cookie, csrfToken } = await sessionAs(env, { roles: ['administrator'] });
    const body = () => ({ odsCode: uniqueCode('S'), name: 'Csrf Surgery', kind: 'gp_practice' });
    const missing = await withCookie(cookie).post('/api/v1/organisations', body());
    assert.equal(missing.status, 403);
    assert.equal(missing.body.type, 'urn:n3sp:problem:csrf');
    assert.equal(missing.body.errors[0].field, 'header.x-csrf-token');
    const other = await sessionAs(env, { roles: ['administrator'] });
    assert.equal((await withCookie(cookie, other.csrfToken).post('/api/v1/organisations', body())).status, 403, "another session's token");
    assert.equal((await withCookie(cookie, 'guess').post('/api/v1/organisations', body())).status, 403);
    assert.equal((await withCookie(cookie).delete('/api/v1/session')).status, 403, 'signing out is a write too');
    assert.equal((await withCookie(cookie, csrfToken).post('/api/v1/organisations', body())).status, 201);
    assert.equal((await withCookie(cookie).get('/api/v1/session')).status, 200, 'reads need no CSRF token');
    assert.equal((await admin.post('/api/v1/organisations', body())).status, 201, 'token-authenticated writes need none');
  });

  test("a password reset ends the user's sessions", async () => {
    const { user, cookie } = await sessionAs(env, { roles: ['auditor'] });
    const reset = await admin.post(`/api/v1/users/${user.id}/password`, { password: 'a-brand-new-password' });
    assert.equal(reset.status, 204);
    assert.equal((await withCookie(cookie).get('/api/v1/session')).status, 401);
    assert.equal((await signIn(user.username, TEST_PASSWORD, newAddress())).status, 401);
    assert.equal((await signIn(user.username, 'a-brand-new-password', newAddress())).status, 200);
  });

  test("a deactivated user's session and API tokens stop working, and they cannot sign in", async () => {
    const { user, cookie, api } = await sessionAs(env, { roles: ['service_desk_agent'] });
    const created = await api.post('/api/v1/tokens', { name: 'before leaving' });
    assert.equal(created.status, 201);
    const token = withToken(created.body.token);
    assert.equal((await token.get('/api/v1/session')).status, 200);
    assert.equal((await admin.patch(`/api/v1/users/${user.id}`, { active: false }, { 'if-match': '"1"' })).status, 200);
    assert.equal((await withCookie(cookie).get('/api/v1/session')).status, 401);
    assert.equal((await token.get('/api/v1/session')).status, 401);
    assert.equal((await signIn(user.username, TEST_PASSWORD, newAddress())).status, 401);
  });
});

describe('API tokens', () => {
  test('the secret is shown once, at creation; the list never shows it', async () => {
    const { api } = await sessionAs(env, { roles: ['service_desk_agent'] });
    const created = await api.post('/api/v1/tokens', { name: 'monitoring', expiresInDays: 30 });
    assert.equal(created.status, 201);
    assert.match(created.body.token, /^n3sp_[\w-]{43}$/);
    assert.deepEqual(created.body.scopes, ['*']);
    assert.ok(Date.parse(created.body.expiresAt) > Date.now() + 29 * 86400_000);
    const list = await api.get('/api/v1/tokens');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.items.map((t: { name: string }) => t.name), ['monitoring']);
    assert.ok(!JSON.stringify(list.body).includes(created.body.token.slice(5)));
    assert.equal(list.body.items[0].token, undefined);
    const stored = await env.rt.db.selectFrom('api_token').select('secret_digest').where('id', '=', created.body.id).executeTakeFirstOrThrow();
    assert.notEqual(stored.secret_digest, created.body.token, 'only a digest is stored');
  });

  test('a token scoped organisations:read reads but cannot write', async () => {
    const { api } = await sessionAs(env, { roles: ['administrator'] });
    const created = await api.post('/api/v1/tokens', { name: 'read only', scopes: ['organisations:read'] });
    assert.equal(created.status, 201);
    const token = withToken(created.body.token);
    const org = await makeOrganisation(env);
    assert.equal((await token.get(`/api/v1/organisations/${org.ods_code}`)).status, 200);
    const write = await token.post('/api/v1/organisations', { odsCode: uniqueCode('R'), name: 'Nope', kind: 'gp_practice' });
    assert.equal(write.status, 403);
    assert.equal((await token.get('/api/v1/users')).status, 403, 'users:read was not granted to the token');
    assert.deepEqual((await token.get('/api/v1/session')).body.permissions, ['organisations:read']);
  });

  test('a scope the user does not hold is refused with 400 naming the scope', async () => {
    const { api } = await sessionAs(env, { roles: ['service_desk_agent'] });
    const refused = await api.post('/api/v1/tokens', { name: 'too much', scopes: ['users:write'] });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errors[0].field, 'scopes.0');
    const second = await api.post('/api/v1/tokens', { name: 'too much', scopes: ['organisations:read', 'no-such:thing'] });
    assert.equal(second.body.errors[0].field, 'scopes.1');
  });

  test('a narrowed token cannot make itself a broader one', async () => {
    const { api } = await sessionAs(env, { roles: ['administrator'] });
    const narrow = withToken((await api.post('/api/v1/tokens', { name: 'narrow', scopes: ['organisations:read'] })).body.token);
    const everything = await narrow.post('/api/v1/tokens', { name: 'escalate', scopes: ['*'] });
    assert.equal(everything.status, 400);
    assert.equal(everything.body.errors[0].field, 'scopes.0');
    assert.equal((await narrow.post('/api/v1/tokens', { name: 'escalate', scopes: ['users:write'] })).status, 400);
    // Without scopes, a token made by a token gets no more than the token making it.
    const inherited = await narrow.post('/api/v1/tokens', { name: 'child' });
    assert.equal(inherited.status, 201);
    assert.deepEqual(inherited.body.scopes, ['organisations:read']);
    assert.deepEqual((await withToken(inherited.body.token).get('/api/v1/session')).body.permissions, ['organisations:read']);
  });

  test('a revoked token is refused with 401 from then on', async () => {
    const { api } = await sessionAs(env, { roles: ['service_desk_agent'] });
    const created = await api.post('/api/v1/tokens', { name: 'short lived' });
    const token = withToken(created.body.token);
    assert.equal((await token.get('/api/v1/session')).status, 200);
    const revoked = await api.delete(`/api/v1/tokens/${created.body.id}`);
    assert.equal(revoked.status, 200);
    assert.ok(revoked.body.revokedAt);
    const refused = await token.get('/api/v1/session');
    assert.equal(refused.status, 401);
    assert.match(refused.body.detail, /revoked/);
    assert.equal((await api.delete(`/api/v1/tokens/${created.body.id}`)).status, 404, 'revoking twice');
  });

  test("nobody but an administrator revokes someone else's token", async () => {
    const owner = await sessionAs(env, { roles: ['service_desk_agent'] });
    const created = await owner.api.post('/api/v1/tokens', { name: 'mine' });
    const stranger = await sessionAs(env, { roles: ['service_desk_agent'] });
    assert.equal((await stranger.api.delete(`/api/v1/tokens/${created.body.id}`)).status, 404);
    assert.equal((await withToken(created.body.token).get('/api/v1/session')).status, 200);
  });

  test('an expired token is refused with 401', async () => {
    const { api } = await sessionAs(env, { roles: ['service_desk_agent'] });
    const created = await api.post('/api/v1/tokens', { name: 'expiring', expiresInDays: 1 });
    await env.rt.db.updateTable('api_token').set({ expires_at: new Date(Date.now() - 1000) }).where('id', '=', created.body.id).execute();
    assert.equal((await withToken(created.body.token).get('/api/v1/session')).status, 401);
  });

  test('a malformed Authorization header is a 401, even on a public route', async () => {
    assert.equal((await anonymous.get('/api/v1/session', { authorization: 'Basic dXNlcjpwYXNz' })).status, 401);
    assert.equal((await anonymous.get('/api/v1/session', { authorization: 'Bearer n3sp_not-a-token' })).status, 401);
  });

  test('lastUsedAt is set when a token is used', async () => {
    const { api } = await sessionAs(env, { roles: ['service_desk_agent'] });
    const created = await api.post('/api/v1/tokens', { name: 'used' });
    assert.equal(created.body.lastUsedAt, null);
    const before = Date.now();
    assert.equal((await withToken(created.body.token).get('/api/v1/session')).status, 200);
    const listed = (await api.get('/api/v1/tokens')).body.items.find((t: { id: number }) => t.id === created.body.id);
    assert.ok(listed.lastUsedAt, 'lastUsedAt is set');
    assert.ok(Date.parse(listed.lastUsedAt) >= before - 1000);
  });
});
