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
import { listSites } from './queries.ts';
import { createSite, ENTITY, getSite, presentSite, updateSite } from './service.ts';
import { CreateSiteBody, SiteListQuery, SiteParams, SiteSchema, UpdateSiteBody } from './schemas.ts';

describeConstraint('site_dates_check', 'closedOn', 'is before openedOn');
describeConstraint('site_located_check', 'location', 'needs both latitude and longitude');

export async function siteRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(SiteSchema);
  const tags = ['Network inventory'];

  app.get('/sites', {
    config: { access: { permission: 'network:read', resource: 'site' } },
    schema: { tags, summary: 'Search sites', querystring: SiteListQuery, response: { 200: Page(Type.Ref('Site')) } },
    handler: async (request) => mapPage(await listSites(ctx.db, principalOf(request).scope, request.query), presentSite),
  });

  app.post('/sites', {
    config: { access: { permission: 'network:write', resource: 'site' } },
    schema: { tags, summary: 'Create a site for an organisation (ODS sites come from the import)', body: CreateSiteBody, response: { 201: Type.Ref('Site') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const row = await createSite(tx, ctx, principalOf(request), request.body);
        return { status: 201, body: presentSite(row), headers: { etag: etagOf(row.version), location: `/api/v1/sites/${row.id}` } };
      }),
  });

  app.get('/sites/:id', {
    config: { access: { permission: 'network:read', resource: 'site' } },
    schema: { tags, summary: 'Read a site', params: SiteParams, response: { 200: Type.Ref('Site') } },
    handler: async (request, reply) => {
      const row = await getSite(ctx, principalOf(request), request.params.id);
      setEtag(reply, row.version);
      return presentSite(row);
    },
  });

  app.patch('/sites/:id', {
    config: { access: { permission: 'network:write', resource: 'site' } },
    schema: { tags, summary: 'Change a site (If-Match required)', params: SiteParams, body: UpdateSiteBody, response: { 200: Type.Ref('Site') } },
    handler: async (request, reply) => {
      const row = await updateSite(ctx, principalOf(request), request.params.id, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentSite(row);
    },
  });

  app.get('/sites/:id/journal', {
    config: { access: { permission: 'journal:read', resource: 'site' } },
    schema: { tags, summary: "A site's journal, newest first", params: SiteParams, querystring: PageQuery(['id'], {}), response: { 200: Page(JournalEntrySchema) } },
    handler: async (request) => {
      const row = await getSite(ctx, principalOf(request), request.params.id);
      return recordHistory(ctx.db, ENTITY, row.id, request.query);
    },
  });
}
