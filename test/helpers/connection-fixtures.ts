import { inTransaction } from '../../src/core/context.ts';
import { requestConnection } from '../../src/modules/connections/service.ts';
import { createTarget } from '../../src/modules/rollout/service.ts';
import type { TestEnv } from './harness.ts';
import { SYSTEM, uniqueCode } from './factories.ts';
import { makeProduct, makeServiceClass, makeSite } from './network-fixtures.ts';
import type { TenancyFixture } from './tenancy-fixtures.ts';

/** A connection requested for a new site of the organisation, as n3sp itself. */
export async function makeConnection(env: TestEnv, organisationOdsCode: string, productCode?: string) {
  const site = await makeSite(env, organisationOdsCode, { name: `Connected Site ${uniqueCode('')}` });
  const code = productCode ?? (await makeProduct(env, (await makeServiceClass(env)).code)).code;
  const row = await inTransaction(env.rt, (tx) => requestConnection(tx, env.rt, SYSTEM, { siteId: site.id, productCode: code }));
  return { site, productCode: code, connection: row };
}

/** Tenancy fixtures for the connection and roll-out routes. */
export const CONNECTION_TENANCY_FIXTURES: Record<string, TenancyFixture> = {
  connection: {
    async create(env, owner) {
      const { site, productCode, connection } = await makeConnection(env, owner.organisation.ods_code);
      return {
        params: { id: connection.id },
        marker: site.name,
        createBody: { siteId: site.id, productCode },
        actionBodies: {
          'POST /api/v1/connections/:id/transitions': { to: 'cancelled' },
          'POST /api/v1/connections/:id/order': {},
          'POST /api/v1/connections/:id/upgrade': { productCode },
          'POST /api/v1/connections/:id/move': { targetSiteId: site.id },
        },
      };
    },
  },
  rollout_target: {
    async create(env) {
      const name = `Foreign target ${uniqueCode('')}`;
      const target = await inTransaction(env.rt, (tx) => createTarget(tx, env.rt, SYSTEM, { name, targetCount: 100, startsOn: '2025-01-01', targetOn: '2026-01-01' }));
      return {
        params: { id: target.id },
        marker: name,
        createBody: { name: 'Intruder target', targetCount: 1, startsOn: '2025-01-01', targetOn: '2025-06-01' },
        updateBody: { name: 'Renamed by an intruder' },
      };
    },
  },
};
