import { inTransaction } from '../../src/core/context.ts';
import { createIncident, handOffIncident } from '../../src/modules/incidents/service.ts';
import { createTeam } from '../../src/modules/teams/service.ts';
import type { CreateIncident } from '../../src/modules/incidents/schemas.ts';
import type { TestEnv } from './harness.ts';
import { SYSTEM, uniqueCode } from './factories.ts';
import { makeSite, makeSupplier } from './network-fixtures.ts';
import type { TenancyFixture } from './tenancy-fixtures.ts';

export async function makeTeam(env: TestEnv, options: { memberIds?: number[]; email?: string } = {}) {
  const code = uniqueCode('team-').toLowerCase();
  return inTransaction(env.rt, (tx) => createTeam(tx, env.rt, SYSTEM, { code, name: `Team ${code}`, memberIds: options.memberIds ?? [], ...(options.email ? { email: options.email } : {}) }));
}

/** An incident logged by the desk on a new site of the organisation. */
export async function makeIncident(env: TestEnv, organisationOdsCode: string, overrides: Partial<CreateIncident> = {}) {
  const site = await makeSite(env, organisationOdsCode, { name: `Faulty Site ${uniqueCode('')}` });
  const row = await inTransaction(env.rt, (tx) => createIncident(tx, env.rt, SYSTEM, { title: `Line down at ${site.name}`, siteId: site.id, ...overrides }));
  return { site, incident: row };
}

/** Tenancy fixtures for incidents (handed to the owner's supplier), teams and the incident settings. */
export const INCIDENT_TENANCY_FIXTURES: Record<string, TenancyFixture> = {
  incident: {
    async create(env, owner) {
      const supplier = await makeSupplier(env, { regions: [] });
      const { site, incident } = await makeIncident(env, owner.organisation.ods_code, { description: `Foreign fault ${uniqueCode('')}` });
      await handOffIncident(env.rt, SYSTEM, incident.id, incident.version, { supplierId: supplier.id, note: 'Please investigate the foreign fault' });
      return {
        params: { id: incident.id },
        marker: site.name,
        createBody: { title: 'Intruder fault', siteId: site.id },
        updateBody: { title: 'Renamed by an intruder' },
        actionBodies: {
          'POST /api/v1/incidents/:id/transitions': { to: 'resolved', resolutionCode: 'fixed_by_supplier', resolutionNotes: 'The supplier replaced the line card.' },
          'POST /api/v1/incidents/:id/assignment': { teamId: 1 },
          'POST /api/v1/incidents/:id/hand-off': { supplierId: supplier.id, note: 'taken over' },
          'POST /api/v1/incidents/:id/acceptance': {},
          'POST /api/v1/incidents/:id/children': { incidentIds: [incident.id] },
          'POST /api/v1/incidents/:id/major-updates': { body: 'intrusion' },
          'POST /api/v1/incidents/:id/notes': { body: 'intrusion' },
        },
      };
    },
  },
  team: {
    async create(env) {
      const team = await makeTeam(env);
      return {
        params: { id: team.id },
        marker: team.name,
        createBody: { code: uniqueCode('intruder-').toLowerCase(), name: 'Intruder team' },
        updateBody: { name: 'Renamed by an intruder' },
      };
    },
  },
  // The settings belong to the whole service desk, not to any organisation: an outsider may read
  // the priority matrix (customers see how priority is set) but never change it.
  incident_settings: {
    async create() {
      return { params: {}, marker: `no-organisation-owns-the-settings-${uniqueCode('')}`, createBody: { reopenWindowHours: 1 } };
    },
  },
};
