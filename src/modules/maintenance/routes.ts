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
import { listAffected, listWindows } from './queries.ts';
import { createWindow, getWindow, presentWindow, updateWindow, WINDOW_ENTITY } from './service.ts';
import { AffectedQuery, AffectedSchema, CreateWindowBody, MaintenanceWindowSchema, UpdateWindowBody, WindowListQuery, WindowParams } from './schemas.ts';

// Raised when a CI named in a window is deleted (a window's own CIs are checked before they are written).
describeConstraint('maintenance_window_ci_ci_fkey', 'id', 'the configuration item is named in a maintenance window: take it out of the window first');

export async function maintenanceRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(MaintenanceWindowSchema);
  app.addSchema(AffectedSchema);
  const tags = ['Maintenance'];
  const access = (permission: 'maintenance:read' | 'maintenance:write' | 'journal:read') => ({ access: { permission, resource: 'maintenance_window' } });

  app.get('/maintenance-windows', {
    config: access('maintenance:read'),
    schema: {
      tags,
      summary: 'The maintenance calendar: windows overlapping a period (from, to), by state, CI or connection',
      querystring: WindowListQuery,
      response: { 200: Page(Type.Ref('MaintenanceWindow')) },
    },
    handler: async (request) => mapPage(await listWindows(ctx.db, principalOf(request).scope, request.query), (row) => presentWindow(row)),
  });

  app.post('/maintenance-windows', {
    config: access('maintenance:write'),
    schema: { tags, summary: 'Plan work on CIs over a period; what it takes down is worked out from the CMDB', body: CreateWindowBody, response: { 201: Type.Ref('MaintenanceWindow') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const row = await createWindow(tx, ctx, principalOf(request), request.body);
        return { status: 201, body: presentWindow(row), headers: { etag: etagOf(row.version), location: `/api/v1/maintenance-windows/${row.id}` } };
      }),
  });

  app.get('/maintenance-windows/:id', {
    config: access('maintenance:read'),
    schema: { tags, summary: 'Read a maintenance window: its CIs and what it takes down', params: WindowParams, response: { 200: Type.Ref('MaintenanceWindow') } },
    handler: async (request, reply) => {
      const row = await getWindow(ctx, principalOf(request), request.params.id);
      setEtag(reply, row.version);
      return presentWindow(row);
    },
  });

  app.patch('/maintenance-windows/:id', {
    config: access('maintenance:write'),
    schema: {
      tags,
      summary: 'Change, start, complete or cancel a maintenance window (If-Match required)',
      params: WindowParams,
      body: UpdateWindowBody,
      response: { 200: Type.Ref('MaintenanceWindow') },
    },
    handler: async (request, reply) => {
      const row = await updateWindow(ctx, principalOf(request), request.params.id, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentWindow(row);
    },
  });

  app.get('/maintenance-windows/:id/connections', {
    config: access('maintenance:read'),
    schema: {
      tags,
      summary: "The connections the window's work takes down, each with the window CI it fails with",
      params: WindowParams,
      querystring: AffectedQuery,
      response: { 200: Page(Type.Ref('MaintenanceAffectedConnection')) },
    },
    handler: async (request) => {
      const principal = principalOf(request);
      const window = await getWindow(ctx, principal, request.params.id);
      const page = await listAffected(ctx.db, principal.scope, window.id, request.query);
      return mapPage(page, (r) => ({
        id: r.id,
        site: { id: r.site_id, name: r.site_name },
        organisation: { odsCode: r.ods_code, name: r.organisation_name },
        ciId: r.ci_id,
        through: { id: r.origin_id, name: r.origin_name },
      }));
    },
  });

  app.get('/maintenance-windows/:id/journal', {
    config: access('journal:read'),
    schema: { tags, summary: "A maintenance window's journal, newest first", params: WindowParams, querystring: PageQuery(['id'], {}), response: { 200: Page(JournalEntrySchema) } },
    handler: async (request) => {
      const window = await getWindow(ctx, principalOf(request), request.params.id);
      return recordHistory(ctx.db, WINDOW_ENTITY, window.id, request.query);
    },
  });
}
