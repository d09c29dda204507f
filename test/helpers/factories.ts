import { randomBytes } from 'node:crypto';
import { inTransaction } from '../../src/core/context.ts';
import { SYSTEM_ACTOR, SYSTEM_PRINCIPAL } from '../../src/core/access/principal.ts';
import type { Role } from '../../src/core/access/roles.ts';
import { createOrganisation } from '../../src/modules/organisations/service.ts';
import type { CreateOrganisation } from '../../src/modules/organisations/schemas.ts';
import { createUser } from '../../src/modules/users/service.ts';
import { createToken } from '../../src/modules/identity/service.ts';
import { principalFor } from '../../src/core/auth/principals.ts';
import type { TestEnv } from './harness.ts';
import { ApiClient } from './api-client.ts';

const SYSTEM = SYSTEM_PRINCIPAL;

export const uniqueCode = (prefix = 'T') => `${prefix}${randomBytes(4).toString('hex').toUpperCase()}`.slice(0, 12);

export async function makeOrganisation(env: TestEnv, overrides: Partial<CreateOrganisation> = {}) {
  const input: CreateOrganisation = { odsCode: uniqueCode(), name: `Test practice ${uniqueCode('')}`, kind: 'gp_practice', ...overrides };
  return inTransaction(env.rt, (tx) => createOrganisation(tx, env.rt, SYSTEM, input));
}

export const TEST_PASSWORD = 'correct-horse-battery';

export async function makeUser(env: TestEnv, options: { roles: Role[]; organisations?: string[]; supplierId?: number; username?: string; password?: string }) {
  const username = options.username ?? `u${randomBytes(5).toString('hex')}`;
  const user = await createUser(env.rt, SYSTEM_ACTOR, {
    username,
    displayName: `Test ${username}`,
    roles: options.roles,
    organisations: options.organisations,
    supplierId: options.supplierId ?? null,
    password: options.password ?? TEST_PASSWORD,
  });
  return user;
}

/** An API client acting as a new user with these roles, through an API token. */
export async function clientAs(env: TestEnv, options: Parameters<typeof makeUser>[1]) {
  const user = await makeUser(env, options);
  const owner = principalFor({ ...user, organisation_ids: [] }, 'token');
  const token = await createToken(env.rt, owner, user.id, { name: 'test' });
  return { user, api: new ApiClient(env.app, { authorization: `Bearer ${token.token}` }) };
}

/** An API client signed in through the session cookie, sending the CSRF token on writes. */
export async function sessionAs(env: TestEnv, options: Parameters<typeof makeUser>[1]) {
  const user = await makeUser(env, options);
  const anonymous = new ApiClient(env.app);
  const login = await anonymous.post('/api/v1/session', { username: user.username, password: options.password ?? TEST_PASSWORD });
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${JSON.stringify(login.body)}`);
  const cookie = String(login.headers['set-cookie']).split(';')[0]!;
  return { user, cookie, csrfToken: login.body.csrfToken as string, api: new ApiClient(env.app, { cookie, 'x-csrf-token': login.body.csrfToken as string }) };
}

export { SYSTEM };
