import { inTransaction } from '../../src/core/context.ts';
import { SYSTEM_ACTOR } from '../../src/core/access/principal.ts';
import { createSite } from '../../src/modules/sites/service.ts';
import type { CreateSite } from '../../src/modules/sites/schemas.ts';
import { createSupplier } from '../../src/modules/suppliers/service.ts';
import type { CreateSupplier } from '../../src/modules/suppliers/schemas.ts';
import { createProduct, createServiceClass } from '../../src/modules/catalogue/service.ts';
import type { CreateProduct, CreateServiceClass } from '../../src/modules/catalogue/schemas.ts';
import { importOds } from '../../src/modules/ods-import/service.ts';
import { loadDistricts } from '../../src/modules/ods-import/districts.ts';
import type { TestEnv } from './harness.ts';
import { SYSTEM, uniqueCode } from './factories.ts';
import type { TenancyFixture } from './tenancy-fixtures.ts';

/** Factories for the network inventory, writing through the services as n3sp itself. */
export async function makeSite(env: TestEnv, organisationOdsCode: string, overrides: Partial<CreateSite> = {}) {
  const input: CreateSite = { organisationOdsCode, kind: 'other', name: `Site ${uniqueCode('')}`, postcode: 'TS18 1HU', ...overrides };
  return inTransaction(env.rt, (tx) => createSite(tx, env.rt, SYSTEM, input));
}

export async function makeSupplier(env: TestEnv, overrides: Partial<CreateSupplier> = {}) {
  const input: CreateSupplier = { code: uniqueCode('S'), name: `Supplier ${uniqueCode('')}`, kind: 'access', ...overrides };
  return inTransaction(env.rt, (tx) => createSupplier(tx, env.rt, SYSTEM, input));
}

export async function makeServiceClass(env: TestEnv, overrides: Partial<CreateServiceClass> = {}) {
  const input: CreateServiceClass = { code: uniqueCode('C'), name: `Class ${uniqueCode('')}`, availabilityTarget: 99.5, fixMinutes: [300, 480, 1440], ...overrides };
  return inTransaction(env.rt, (tx) => createServiceClass(tx, env.rt, SYSTEM, input));
}

export async function makeProduct(env: TestEnv, serviceClassCode: string, overrides: Partial<CreateProduct> = {}) {
  const input: CreateProduct = {
    code: uniqueCode('P'),
    name: `Product ${uniqueCode('')}`,
    kind: 'connection',
    accessTechnology: 'fttc',
    bandwidthDownKbps: 80_000,
    bandwidthUpKbps: 20_000,
    resilience: 'single',
    serviceClassCode,
    ...overrides,
  };
  return inTransaction(env.rt, (tx) => createProduct(tx, env.rt, SYSTEM, input));
}

/** One epraccur line, in the published form. */
export function practiceLine(code: string, name: string, options: { commissioner?: string; grouping?: string; status?: string; postcode?: string } = {}): string {
  const f = Array<string>(27).fill('');
  Object.assign(f, { 0: code, 1: name, 2: options.grouping ?? 'Y63', 3: 'Q74', 4: 'THE HEALTH CENTRE', 9: options.postcode ?? 'TS18 1HU', 10: '19740401', 12: options.status ?? 'A', 13: 'B', 14: options.commissioner ?? '00K', 25: '4' });
  return f.map((v) => `"${v}"`).join(',');
}

/** Tenancy fixtures for the record types the network inventory, supplier and catalogue routes declare. */
export const NETWORK_TENANCY_FIXTURES: Record<string, TenancyFixture> = {
  site: {
    async create(env, owner) {
      const site = await makeSite(env, owner.organisation.ods_code, { name: `Foreign Site ${uniqueCode('')}` });
      return {
        params: { id: site.id },
        marker: site.name,
        createBody: { organisationOdsCode: owner.organisation.ods_code, kind: 'other', name: 'Intruder site' },
        updateBody: { name: 'Renamed by an intruder' },
      };
    },
  },
  ods_import: {
    async create(env) {
      const name = `foreign-${uniqueCode('')}.csv`;
      const report = await importOds(env.rt, SYSTEM_ACTOR, { practices: practiceLine(uniqueCode('F'), 'FOREIGN IMPORTED SURGERY'), practicesName: name }, { districts: loadDistricts() });
      return { params: { id: report.id }, marker: name, createBody: { practices: practiceLine(uniqueCode('X'), 'INTRUDER SURGERY') } };
    },
  },
  supplier: {
    async create(env) {
      // The tenancy test's outsider engineer works for supplier 1: the foreign supplier must be another.
      let supplier = await makeSupplier(env);
      while (supplier.id === 1) supplier = await makeSupplier(env);
      const serviceClass = await makeServiceClass(env);
      const product = await makeProduct(env, serviceClass.code);
      return {
        params: { id: supplier.id },
        marker: supplier.code,
        createBody: { code: uniqueCode('S'), name: 'Intruder Telecom', kind: 'access' },
        updateBody: { name: 'Renamed by an intruder' },
        actionBodies: {
          'POST /api/v1/suppliers/:id/contracts': { reference: 'INTRUDE-1', title: 'Intruder contract', startsOn: '2025-01-01', noticeDays: 90 },
          'POST /api/v1/suppliers/:id/contacts': { name: 'Intruder', role: 'account manager' },
          'POST /api/v1/suppliers/:id/prices': { productCode: product.code, installCharge: '1.00', annualRental: '1.00', leadTimeDays: 1, validFrom: '2025-01-01' },
        },
      };
    },
  },
  service_class: {
    async create(env) {
      const serviceClass = await makeServiceClass(env, { name: `Foreign Class ${uniqueCode('')}` });
      return {
        params: { code: serviceClass.code },
        marker: serviceClass.name,
        createBody: { code: uniqueCode('C'), name: 'Intruder class', availabilityTarget: 99, fixMinutes: [60] },
        updateBody: { name: 'Renamed by an intruder' },
      };
    },
  },
  product: {
    async create(env) {
      const serviceClass = await makeServiceClass(env);
      const product = await makeProduct(env, serviceClass.code, { name: `Foreign Product ${uniqueCode('')}` });
      return {
        params: { code: product.code },
        marker: product.name,
        createBody: { code: uniqueCode('P'), name: 'Intruder product', kind: 'service', serviceClassCode: serviceClass.code },
        updateBody: { name: 'Renamed by an intruder' },
      };
    },
  },
};
