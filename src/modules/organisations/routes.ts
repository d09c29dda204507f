import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.ts';
import { principalOf } from '../../core/http/route-access.ts';
import { createOnce } from '../../core/http/idempotency.ts';
import { etagOf, expectedVersion, setEtag } from '../../core/http/concurrency.ts';
import { mapPage } from '../../core/http/pagination.ts';
import { Page, PageQuery } from '../../core/http/schemas.ts';
import { describeConstraint } from '../../core/http/problem-handler.ts';
import { JournalEntrySchema, recordHistory } from '../../core/journal/history.ts';
import { listOrganisations } from './queries.ts';
import { createOrganisation, ENTITY, getOrganisation, presentOrganisation, updateOrganisation } from './service.ts';
import { CreateOrganisationBody, OdsCodeParams, OrganisationListQuery, OrganisationSchema, UpdateOrganisationBody } from './schemas.ts';

describeConstraint('organisation_ods_code_key', 'odsCode', 'an organisation with this ODS code already exists');

export async function organisationRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(OrganisationSchema);
  const tags = ['Organisations'];

  app.get('/organisations', {
    config: { access: { permission: 'organisations:read', resource: 'organisation' } },
    schema: { tags, summary: 'Search organisations', querystring: OrganisationListQuery, response: { 200: Page(Type.Ref('Organisation')) } },
    handler: async (request) => mapPage(await listOrganisations(ctx.db, principalOf(request).scope, request.query), presentOrganisation),
  });

  app.post('/organisations', {
    config: { access: { permission: 'organisations:write', resource: 'organisation' } },
    schema: { tags, summary: 'Create an organisation', body: CreateOrganisationBody, response: { 201: Type.Ref('Organisation') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const row = await createOrganisation(tx, ctx, principalOf(request), request.body);
        return { status: 201, body: presentOrganisation(row), headers: { etag: etagOf(row.version), location: `/api/v1/organisations/${row.ods_code}` } };
      }),
  });

  app.get('/organisations/:odsCode', {
    config: { access: { permission: 'organisations:read', resource: 'organisation' } },
    schema: { tags, summary: 'Read an organisation', params: OdsCodeParams, response: { 200: Type.Ref('Organisation') } },
    handler: async (request, reply) => {
      const row = await getOrganisation(ctx, principalOf(request), request.params.odsCode);
      setEtag(reply, row.version);
      return presentOrganisation(row);
    },
  });

  app.patch('/organisations/:odsCode', {
    config: { access: { permission: 'organisations:write', resource: 'organisation' } },
    schema: { tags, summary: 'Change an organisation (If-Match required)', params: OdsCodeParams, body: UpdateOrganisationBody, response: { 200: Type.Ref('Organisation') } },
    handler: async (request, reply) => {
      const row = await updateOrganisation(ctx, principalOf(request), request.params.odsCode, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentOrganisation(row);
    },
  });

  app.get('/organisations/:odsCode/journal', {
    config: { access: { permission: 'journal:read', resource: 'organisation' } },
    schema: { tags, summary: "An organisation's journal, newest first", params: OdsCodeParams, querystring: PageQuery(['id'], {}), response: { 200: Page(JournalEntrySchema) } },
    handler: async (request) => {
      const row = await getOrganisation(ctx, principalOf(request), request.params.odsCode);
      return recordHistory(ctx.db, ENTITY, row.id, request.query);
    },
  });
}
