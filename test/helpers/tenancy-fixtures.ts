import { sql } from 'kysely';
import type { TestEnv } from './harness.ts';
import { makeOrganisation, makeUser, uniqueCode } from './factories.ts';
import { createToken } from '../../src/modules/identity/service.ts';
import { principalFor } from '../../src/core/auth/principals.ts';
import { CMDB_TENANCY_FIXTURES } from './cmdb-fixtures.ts';
import { NETWORK_TENANCY_FIXTURES } from './network-fixtures.ts';
import { CONNECTION_TENANCY_FIXTURES } from './connection-fixtures.ts';
import { EMAIL_TENANCY_FIXTURES } from './email-fixtures.ts';
import { INCIDENT_TENANCY_FIXTURES } from './incident-fixtures.ts';
import { REQUEST_TENANCY_FIXTURES } from './request-fixtures.ts';
import { AVAILABILITY_TENANCY_FIXTURES } from './availability-fixtures.ts';
import { SERVICE_LEVEL_TENANCY_FIXTURES } from './service-level-fixtures.ts';
import { MONITORING_TENANCY_FIXTURES } from './monitoring-fixtures.ts';

/**
 * For each scoped record type a route can declare as its `resource`, how to make one that
 * belongs to somebody else, so the tenancy test can point every route at it.
 * A new record type adds one entry here; a route naming a type with no entry fails the test.
 */
export interface ForeignOwner {
  /** The organisation the record belongs to: not visible to the outsider customer. */
  organisation: { id: number; ods_code: string; name: string };
  /** The supplier the record would be handed to: not the outsider supplier's. */
  supplierId: number;
}

export interface ForeignRecord {
  /** Path parameters that address the record. */
  params: Record<string, string | number>;
  /** Text that appears in the record's API representation and in no other record. */
  marker: string;
  /** A create body that would put a new record under the foreign owner. */
  createBody: Record<string, unknown>;
  /** A valid change to the record (for PATCH), so that a refusal is about scope, not about the body. */
  updateBody?: Record<string, unknown>;
  /** Valid bodies for other writes on the record, by route: 'POST /api/v1/users/:id/password'. */
  actionBodies?: Record<string, Record<string, unknown>>;
}

export interface TenancyFixture {
  create(env: TestEnv, owner: ForeignOwner): Promise<ForeignRecord>;
  /** Records every caller creates for themselves (their own API tokens): a create is not an intrusion. */
  createdForCaller?: true;
}

export const TENANCY_FIXTURES: Record<string, TenancyFixture> = {
  organisation: {
    async create(_env, owner) {
      return {
        params: { odsCode: owner.organisation.ods_code },
        marker: owner.organisation.ods_code,
        createBody: { odsCode: uniqueCode('X'), name: 'Intruder Surgery', kind: 'gp_practice', parentOdsCode: owner.organisation.ods_code },
        updateBody: { name: 'Renamed by an intruder' },
      };
    },
  },
  user: {
    async create(env, owner) {
      const user = await makeUser(env, { roles: ['customer'], organisations: [owner.organisation.ods_code] });
      return {
        params: { id: user.id },
        marker: user.username,
        createBody: { username: `x${user.username}`, displayName: 'Intruder', roles: ['customer'], organisations: [owner.organisation.ods_code], password: 'long-enough-password' },
        updateBody: { displayName: 'Renamed by an intruder' },
        actionBodies: { 'POST /api/v1/users/:id/password': { password: 'taken-over-account-1' } },
      };
    },
  },
  api_token: {
    createdForCaller: true,
    async create(env, owner) {
      const user = await makeUser(env, { roles: ['customer'], organisations: [owner.organisation.ods_code] });
      const token = await createToken(env.rt, principalFor({ ...user, organisation_ids: [] }, 'token'), user.id, { name: `foreign-${user.username}` });
      return { params: { id: token.id }, marker: `foreign-${user.username}`, createBody: { name: 'mine' } };
    },
  },
  ...CMDB_TENANCY_FIXTURES,
  ...NETWORK_TENANCY_FIXTURES,
  ...CONNECTION_TENANCY_FIXTURES,
  ...EMAIL_TENANCY_FIXTURES,
  ...INCIDENT_TENANCY_FIXTURES,
  ...REQUEST_TENANCY_FIXTURES,
  ...AVAILABILITY_TENANCY_FIXTURES,
  ...SERVICE_LEVEL_TENANCY_FIXTURES,
  ...MONITORING_TENANCY_FIXTURES,
};

export async function foreignOwner(env: TestEnv): Promise<ForeignOwner> {
  const organisation = await makeOrganisation(env, { name: `Foreign Practice ${uniqueCode('')}` });
  return { organisation, supplierId: 900_000 + Math.floor(Math.random() * 99_999) };
}

/** Every write journals, so an unchanged journal proves a refused request wrote nothing. */
export async function journalSize(env: TestEnv): Promise<number> {
  const result = await sql<{ n: number }>`select count(*)::int as n from journal`.execute(env.rt.db);
  return result.rows[0]!.n;
}
