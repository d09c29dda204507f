import { sql } from 'kysely';
import { inTransaction } from '../../src/core/context.ts';
import { notify } from '../../src/modules/notifications/notify.ts';
import type { TestEnv } from './harness.ts';
import { uniqueCode } from './factories.ts';
import type { TenancyFixture } from './tenancy-fixtures.ts';

/** An incident row of the organisation, written directly: the e-mail tests need a record, not the incident process. */
export async function makeIncidentRow(env: TestEnv, organisationId: number, options: { supplierId?: number | null; title?: string } = {}) {
  const result = await sql<{ id: number; number: string }>`
    insert into incident (title, organisation_id, category, impact, urgency, priority, supplier_id)
    values (${options.title ?? `Line down ${uniqueCode('')}`}, ${organisationId}, 'network', 'medium', 'medium', 'P3', ${options.supplierId ?? null})
    returning id, number`.execute(env.rt.db);
  return result.rows[0]!;
}

/** Tenancy fixture for the e-mail log: a customer update e-mailed about another organisation's incident. */
export const EMAIL_TENANCY_FIXTURES: Record<string, TenancyFixture> = {
  email_message: {
    async create(env, owner) {
      const incident = await makeIncidentRow(env, owner.organisation.id);
      const marker = `Foreign e-mail ${uniqueCode('')}`;
      await inTransaction(env.rt, (tx) =>
        notify(tx, env.rt, {
          recordType: 'incident',
          recordId: incident.id,
          recordNumber: incident.number,
          organisationId: owner.organisation.id,
          supplierId: null,
          event: 'customer_update',
          to: [{ address: 'practice.manager@foreign.nhs.test' }],
          subject: marker,
          text: 'Private to the foreign practice.',
        }),
      );
      return { params: {}, marker, createBody: {} };
    },
  },
};
