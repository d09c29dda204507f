import { inTransaction } from '../../src/core/context.ts';
import { SYSTEM_ACTOR } from '../../src/core/access/principal.ts';
import { createCi, createRelation, type Writer } from '../../src/modules/cmdb/service.ts';
import type { CreateCi } from '../../src/modules/cmdb/schemas.ts';
import { allocate, createBlock } from '../../src/modules/address-plan/service.ts';
import type { TestEnv } from './harness.ts';
import { uniqueCode } from './factories.ts';
import type { ForeignOwner, TenancyFixture } from './tenancy-fixtures.ts';

export const NETWORK_WRITER: Writer = { actor: SYSTEM_ACTOR, scope: { kind: 'network' } };

/** A CI made directly through the service, as n3sp itself; overrides as the API's create body. */
export async function makeCi(env: TestEnv, input: Partial<CreateCi> = {}) {
  const body: CreateCi = { kind: 'site_router', name: `CI ${uniqueCode('')}`, ...input };
  return inTransaction(env.rt, (tx) => createCi(tx, env.rt, NETWORK_WRITER, body));
}

export async function makeRelation(env: TestEnv, sourceId: number, targetId: number, kind: 'depends_on' | 'connects_to' | 'located_at' | 'provided_by' = 'depends_on', redundancyGroup?: string) {
  return inTransaction(env.rt, (tx) => createRelation(tx, env.rt, NETWORK_WRITER, { sourceId, targetId, kind, redundancyGroup }));
}

let nextBlock = 0;
/** A block of its own for each call: 10.(200 + n).0.0/16, so fixtures never overlap. */
export async function makeBlock(env: TestEnv, range = `10.${200 + (nextBlock++ % 50)}.0.0/16`) {
  return inTransaction(env.rt, (tx) => createBlock(tx, env.rt, NETWORK_WRITER, { name: `Block ${uniqueCode('')}`, range }));
}

async function foreignCi(env: TestEnv, owner: ForeignOwner, kind: CreateCi['kind'] = 'site_router') {
  return makeCi(env, { kind, name: `Foreign ${kind} ${uniqueCode('')}`, organisationOdsCode: owner.organisation.ods_code, supplierId: owner.supplierId });
}

/** Tenancy fixtures for the record types the CMDB and address plan routes declare. */
export const CMDB_TENANCY_FIXTURES: Record<string, TenancyFixture> = {
  configuration_item: {
    async create(env, owner) {
      const ci = await foreignCi(env, owner);
      return {
        params: { id: ci.id },
        marker: ci.name,
        createBody: { kind: 'site_router', name: 'Intruder router', organisationOdsCode: owner.organisation.ods_code },
        updateBody: { name: 'Renamed by an intruder' },
      };
    },
  },
  ci_relation: {
    async create(env, owner) {
      const router = await foreignCi(env, owner, 'site_router');
      const connection = await foreignCi(env, owner, 'connection');
      const relation = await makeRelation(env, router.id, connection.id, 'depends_on');
      return {
        params: { id: relation.id },
        marker: router.name,
        createBody: { sourceId: connection.id, targetId: router.id, kind: 'connects_to' },
        updateBody: { redundancyGroup: 'intruder' },
      };
    },
  },
  address_block: {
    async create(env) {
      const block = await makeBlock(env);
      return {
        params: { id: block.id },
        marker: block.name,
        createBody: { name: 'Intruder block', range: '192.168.0.0/16' },
        updateBody: { name: 'Renamed by an intruder' },
      };
    },
  },
  address_allocation: {
    async create(env, owner) {
      const block = await makeBlock(env);
      const holder = `connection:foreign-${uniqueCode('')}`;
      const allocation = await inTransaction(env.rt, (tx) =>
        allocate(tx, env.rt, NETWORK_WRITER, { holder, blockId: block.id, bandwidthMbps: 20, organisationOdsCode: owner.organisation.ods_code }),
      );
      return {
        params: { id: allocation.id },
        marker: holder,
        createBody: { holder: 'connection:intruder', prefixLength: 29, organisationOdsCode: owner.organisation.ods_code },
      };
    },
  },
};
