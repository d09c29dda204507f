import { inTransaction } from '../../src/core/context.ts';
import { createRequest } from '../../src/modules/service-requests/service.ts';
import { tasksOf } from '../../src/modules/service-requests/queries.ts';
import type { TestEnv } from './harness.ts';
import { SYSTEM, uniqueCode } from './factories.ts';
import type { TenancyFixture } from './tenancy-fixtures.ts';

/** Tenancy fixtures for the service request routes: an access request of the foreign organisation, and the request settings. */
export const REQUEST_TENANCY_FIXTURES: Record<string, TenancyFixture> = {
  service_request: {
    async create(env: TestEnv, owner) {
      const title = `Foreign request ${uniqueCode('')}`;
      const row = await inTransaction(env.rt, (tx) =>
        createRequest(tx, env.rt, SYSTEM, { kind: 'access', title, organisationOdsCode: owner.organisation.ods_code, access: { name: 'Foreign person', to: 'the portal' } }),
      );
      const [task] = await tasksOf(env.rt.db, row.id);
      return {
        params: { id: row.id, taskId: task!.id },
        marker: title,
        createBody: { kind: 'access', organisationOdsCode: owner.organisation.ods_code, access: { name: 'Intruder', to: 'everything' } },
        updateBody: { title: 'Renamed by an intruder' },
        actionBodies: {
          'POST /api/v1/service-requests/:id/approve': {},
          'POST /api/v1/service-requests/:id/reject': { reason: 'intrusion' },
          'POST /api/v1/service-requests/:id/transitions': { to: 'cancelled', reason: 'intrusion' },
          'POST /api/v1/service-requests/:id/tasks/:taskId/complete': {},
          'POST /api/v1/service-requests/:id/tasks/:taskId/skip': { reason: 'intrusion' },
          'POST /api/v1/service-requests/:id/notes': { body: 'intrusion' },
          'PATCH /api/v1/service-requests/:id/tasks/:taskId': { assigneeId: null },
        },
      };
    },
  },
  // The settings belong to the whole service desk, not to any organisation: an outsider neither
  // reads them (staff only) nor changes them.
  request_settings: {
    async create() {
      return { params: {}, marker: `no-organisation-owns-the-settings-${uniqueCode('')}`, createBody: { autoCloseDays: 1 } };
    },
  },
  // The catalogue's offer, owned by no organisation: every customer may read it.
  request_catalogue: {
    async create() {
      return { params: {}, marker: `no-organisation-owns-the-catalogue-${uniqueCode('')}`, createBody: {} };
    },
  },
};
