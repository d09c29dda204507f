import { inTransaction } from '../../src/core/context.ts';
import { createCalendar, createDefinition } from '../../src/modules/service-levels/service.ts';
import type { TestEnv } from './harness.ts';
import { SYSTEM, uniqueCode } from './factories.ts';
import { makeIncident } from './incident-fixtures.ts';
import { makeServiceClass } from './network-fixtures.ts';
import type { ForeignOwner, TenancyFixture } from './tenancy-fixtures.ts';

const targets = (resolutionMinutes: number) => ['P1', 'P2', 'P3', 'P4', 'P5'].map((priority) => ({ priority, responseMinutes: 30, resolutionMinutes }));

/** An SLA for the owner's organisation alone, named by a marker no other record carries. */
async function foreignDefinition(env: TestEnv, owner: ForeignOwner, extra: { serviceClassCode?: string } = {}) {
  const code = uniqueCode('FSLA');
  const name = `Foreign terms ${uniqueCode('')}`;
  await inTransaction(env.rt, (tx) =>
    createDefinition(tx, env.rt, SYSTEM, { code, name, kind: 'sla', recordType: 'incident', organisationOdsCode: owner.organisation.ods_code, calendar: '24x7', targets: targets(600), ...extra }),
  );
  return { code, name };
}

/** Tenancy fixtures for the service level routes: calendars, definitions, and the clocks on a foreign incident. */
export const SERVICE_LEVEL_TENANCY_FIXTURES: Record<string, TenancyFixture> = {
  business_calendar: {
    async create(env) {
      const name = `foreign-${uniqueCode('').toLowerCase()}`;
      await inTransaction(env.rt, (tx) => createCalendar(tx, env.rt, SYSTEM, { name, hours: '24x7' }));
      return { params: { name }, marker: name, createBody: { name: 'intruder-hours', hours: '24x7' }, updateBody: { description: 'Changed by an intruder' } };
    },
  },
  sla_definition: {
    async create(env, owner) {
      const { code } = await foreignDefinition(env, owner, { serviceClassCode: (await makeServiceClass(env)).code });
      return {
        params: { code },
        marker: code,
        createBody: { code: 'INTRUDER', name: 'Intruder terms', kind: 'sla', recordType: 'incident', organisationOdsCode: owner.organisation.ods_code, calendar: '24x7', targets: targets(60) },
        updateBody: { name: 'Renamed by an intruder' },
      };
    },
  },
  sla_clock: {
    async create(env, owner) {
      // The foreign incident's clocks run under terms named only there.
      const { name } = await foreignDefinition(env, owner);
      await makeIncident(env, owner.organisation.ods_code);
      return { params: {}, marker: name, createBody: {} };
    },
  },
};
