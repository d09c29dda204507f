import { sql } from 'kysely';
import { inTransaction } from '../../src/core/context.ts';
import { requestConnection } from '../../src/modules/connections/service.ts';
import { createWindow } from '../../src/modules/maintenance/service.ts';
import type { CreateWindow } from '../../src/modules/maintenance/schemas.ts';
import { closeOutage, openOutage, type OutageCause } from '../../src/modules/availability/outages.ts';
import type { TestEnv } from './harness.ts';
import { SYSTEM, uniqueCode } from './factories.ts';
import { makeProduct, makeServiceClass, makeSite, makeSupplier } from './network-fixtures.ts';
import { makeCi } from './cmdb-fixtures.ts';
import type { TenancyFixture } from './tenancy-fixtures.ts';

export interface LiveConnection {
  id: number;
  ciId: number;
  site: { id: number; name: string };
  supplier: { id: number; code: string };
  productCode: string;
  organisationOdsCode: string;
}

/**
 * A connection that has been live since `liveOn`, with its CI, ordered from a supplier (never
 * supplier 1, whose engineer the tenancy test plays). Requested through the service, then moved
 * straight to live in SQL: its lifecycle is not what these tests are about.
 */
export async function makeLiveConnection(
  env: TestEnv,
  organisationOdsCode: string,
  options: { liveOn?: string; ceasedOn?: string; target?: number; resilience?: 'single' | 'resilient'; supplier?: { id: number; code: string }; productCode?: string; siteName?: string; regionId?: number } = {},
): Promise<LiveConnection> {
  let supplier = options.supplier;
  while (!supplier) {
    const made = await makeSupplier(env, { regions: [] });
    if (made.id !== 1) supplier = made;
  }
  const productCode =
    options.productCode ?? (await makeProduct(env, (await makeServiceClass(env, { availabilityTarget: options.target ?? 99.5 })).code, { resilience: options.resilience ?? 'single' })).code;
  const site = await makeSite(env, organisationOdsCode, { name: options.siteName ?? `Measured Site ${uniqueCode('')}` });
  const row = await inTransaction(env.rt, (tx) => requestConnection(tx, env.rt, SYSTEM, { siteId: site.id, productCode }));
  const ci = await makeCi(env, { kind: 'connection', name: `Circuit ${site.name}`, organisationOdsCode, supplierId: supplier.id, siteId: site.id });
  await sql`update connection set state = ${options.ceasedOn ? 'ceased' : 'live'}, supplier_id = ${supplier.id}, ordered_on = ${options.liveOn ?? '2025-01-01'}::date,
      circuit_reference = ${`CCT-${uniqueCode('')}`}, live_on = ${options.liveOn ?? '2025-01-01'}::date, ceased_on = ${options.ceasedOn ?? null}::date, ci_id = ${ci.id}
      ${options.regionId ? sql`, region_id = ${options.regionId}` : sql``}
    where id = ${row.id}`.execute(env.rt.db);
  return { id: row.id, ciId: ci.id, site: { id: site.id, name: site.name }, supplier: { id: supplier.id, code: supplier.code }, productCode, organisationOdsCode };
}

/** An outage recorded as monitoring records one: opened from an alert at `from`, ended at `to`. */
export async function recordOutage(env: TestEnv, connectionId: number, from: string, to: string | null, cause: OutageCause = { kind: 'alert', alertId: Math.floor(Math.random() * 1e9) }) {
  return inTransaction(env.rt, async (tx) => {
    const id = await openOutage(tx, env.rt, { connectionId, startedAt: new Date(from), cause, planned: false });
    if (to) await closeOutage(tx, env.rt, cause, new Date(to), connectionId);
    return id;
  });
}

/** A maintenance window planned at `plannedAt` (so that it may lie in what is now the past). */
export async function planWindow(env: TestEnv, input: Partial<CreateWindow> & Pick<CreateWindow, 'ciIds' | 'startsAt' | 'endsAt'>, plannedAt = new Date(Date.parse(input.startsAt) - 86_400_000)) {
  return inTransaction(env.rt, (tx) => createWindow(tx, env.rt, SYSTEM, { title: `Works ${uniqueCode('')}`, ...input }, { now: plannedAt }));
}

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

/** Tenancy fixtures for maintenance windows, outages and the availability report. */
export const AVAILABILITY_TENANCY_FIXTURES: Record<string, TenancyFixture> = {
  maintenance_window: {
    async create(env, owner) {
      const connection = await makeLiveConnection(env, owner.organisation.ods_code);
      const title = `Foreign works ${uniqueCode('')}`;
      const window = await planWindow(env, { title, ciIds: [connection.ciId], startsAt: inDays(1), endsAt: inDays(1.2) }, new Date());
      return {
        params: { id: window.id },
        marker: title,
        createBody: { title: 'Intruder works', startsAt: inDays(2), endsAt: inDays(2.1), ciIds: [connection.ciId] },
        updateBody: { title: 'Renamed by an intruder' },
      };
    },
  },
  outage: {
    async create(env, owner) {
      const connection = await makeLiveConnection(env, owner.organisation.ods_code, { siteName: `Foreign Outage Site ${uniqueCode('')}` });
      const id = await recordOutage(env, connection.id, inDays(-2), inDays(-1.9));
      return {
        params: { id },
        marker: connection.site.name,
        createBody: {},
        updateBody: { startedAt: inDays(-3), reason: 'intrusion' },
      };
    },
  },
  availability_report: {
    async create(env, owner) {
      const connection = await makeLiveConnection(env, owner.organisation.ods_code, { siteName: `Foreign Measured Site ${uniqueCode('')}` });
      await recordOutage(env, connection.id, inDays(-0.5), null);
      return { params: {}, marker: connection.site.name, createBody: {} };
    },
  },
};
