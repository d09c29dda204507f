import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.ts';
import { channelOf } from '../../core/access/principal.ts';
import { principalOf } from '../../core/http/route-access.ts';
import { createOnce } from '../../core/http/idempotency.ts';
import { etagOf, expectedVersion, setEtag } from '../../core/http/concurrency.ts';
import { mapPage } from '../../core/http/pagination.ts';
import { inTransaction } from '../../core/context.ts';
import { Page, PageQuery } from '../../core/http/schemas.ts';
import { JournalEntrySchema, recordHistory } from '../../core/journal/history.ts';
import type { RequestState } from '../../domain/request-lifecycle.ts';
import { listRequestableProducts, listRequests } from './queries.ts';
import { presentSlaStanding } from '../service-levels/clocks.ts';
import { addNote, createRequest, detailOf, ENTITY, getRequest, presentNote, presentRequestableProduct, presentSummary, reload, updateRequest, updateTask } from './service.ts';
import { approveRequest, rejectRequest, transitionRequest, workTask } from './fulfilment.ts';
import { requestSettings } from './settings.ts';
import {
  CompleteTaskBody,
  CreateNoteBody,
  CreateRequestBody,
  DecisionBody,
  RejectBody,
  RequestableProductSchema,
  RequestCatalogueQuery,
  RequestListQuery,
  RequestNoteSchema,
  RequestParams,
  RequestSchema,
  RequestSettingsSchema,
  RequestSummarySchema,
  RequestTaskSchema,
  SkipTaskBody,
  TaskParams,
  TransitionBody,
  UpdateRequestBody,
  UpdateTaskBody,
} from './schemas.ts';

/** Service request management (ISO/IEC 20000-1 8.6.2): requests from the catalogue, approval, fulfilment tasks. */
export async function serviceRequestRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(RequestTaskSchema);
  app.addSchema(RequestNoteSchema);
  app.addSchema(RequestSummarySchema);
  app.addSchema(RequestSchema);
  app.addSchema(RequestSettingsSchema);
  app.addSchema(RequestableProductSchema);
  const tags = ['Service requests'];
  const access = (permission: 'requests:read' | 'requests:write' | 'journal:read') => ({ access: { permission, resource: 'service_request' } });
  const Detail = Type.Ref('ServiceRequestDetail');

  /** Every change answers with the request as the caller now sees it, and its ETag. */
  const answer = async (request: FastifyRequest, reply: FastifyReply, id: number) => {
    const row = await reload(ctx.db, id);
    setEtag(reply, row.version);
    return detailOf(ctx.db, principalOf(request), row);
  };

  app.get('/service-requests', {
    config: access('requests:read'),
    schema: { tags, summary: 'The request queue: filters, full-text search (q), sorted by created or SLA due', querystring: RequestListQuery, response: { 200: Page(Type.Ref('ServiceRequest')) } },
    handler: async (request) => {
      const principal = principalOf(request);
      return mapPage(await listRequests(ctx.db, principal.scope, principal.userId, request.query), (row) => ({ ...presentSummary(row), ...presentSlaStanding(row.sla_standing) }));
    },
  });

  app.post('/service-requests', {
    config: access('requests:write'),
    schema: { tags, summary: 'Ask for something from the catalogue: a new connection, an upgrade, a move, a cease, access', body: CreateRequestBody, response: { 201: Detail } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const principal = principalOf(request);
        const row = await createRequest(tx, ctx, principal, request.body);
        return { status: 201, body: await detailOf(tx, principal, row), headers: { etag: etagOf(row.version), location: `/api/v1/service-requests/${row.id}` } };
      }),
  });

  app.get('/service-requests/:id', {
    config: access('requests:read'),
    schema: { tags, summary: 'A request with its tasks, clocks and the notes the caller may see', params: RequestParams, response: { 200: Detail } },
    handler: async (request, reply) => {
      const row = await getRequest(ctx, principalOf(request), request.params.id);
      setEtag(reply, row.version);
      return detailOf(ctx.db, principalOf(request), row);
    },
  });

  app.patch('/service-requests/:id', {
    config: access('requests:write'),
    schema: { tags, summary: 'Change title, description, priority, team or assignee (service desk; If-Match required)', params: RequestParams, body: UpdateRequestBody, response: { 200: Detail } },
    handler: async (request, reply) => {
      const row = await updateRequest(ctx, principalOf(request), request.params.id, expectedVersion(request), request.body);
      return answer(request, reply, row.id);
    },
  });

  app.post('/service-requests/:id/approve', {
    config: access('requests:write'),
    schema: { tags, summary: 'Approve (a change approver, service manager or administrator other than the requester)', params: RequestParams, body: DecisionBody, response: { 200: Detail } },
    handler: async (request, reply) => {
      const row = await approveRequest(ctx, principalOf(request), request.params.id, request.body?.reason);
      return answer(request, reply, row.id);
    },
  });

  app.post('/service-requests/:id/reject', {
    config: access('requests:write'),
    schema: { tags, summary: 'Reject, saying why (an approver other than the requester)', params: RequestParams, body: RejectBody, response: { 200: Detail } },
    handler: async (request, reply) => {
      const row = await rejectRequest(ctx, principalOf(request), request.params.id, request.body.reason);
      return answer(request, reply, row.id);
    },
  });

  app.post('/service-requests/:id/transitions', {
    config: access('requests:write'),
    schema: { tags, summary: 'Start fulfilment, cancel (with a reason) or confirm closure (If-Match required)', params: RequestParams, body: TransitionBody, response: { 200: Detail } },
    handler: async (request, reply) => {
      const row = await transitionRequest(ctx, principalOf(request), request.params.id, expectedVersion(request), { to: request.body.to as RequestState, reason: request.body.reason });
      return answer(request, reply, row.id);
    },
  });

  app.patch('/service-requests/:id/tasks/:taskId', {
    config: access('requests:write'),
    schema: { tags, summary: 'Assign a fulfilment task to a team or person', params: TaskParams, body: UpdateTaskBody, response: { 200: Detail } },
    handler: async (request, reply) => {
      const row = await updateTask(ctx, principalOf(request), request.params.id, request.params.taskId, request.body);
      return answer(request, reply, row.id);
    },
  });

  app.post('/service-requests/:id/tasks/:taskId/complete', {
    config: access('requests:write'),
    schema: { tags, summary: 'Complete the next task', params: TaskParams, body: CompleteTaskBody, response: { 200: Detail } },
    handler: async (request, reply) => {
      const row = await workTask(ctx, principalOf(request), request.params.id, request.params.taskId, 'complete', request.body?.notes);
      return answer(request, reply, row.id);
    },
  });

  app.post('/service-requests/:id/tasks/:taskId/skip', {
    config: access('requests:write'),
    schema: { tags, summary: 'Skip the next task, saying why', params: TaskParams, body: SkipTaskBody, response: { 200: Detail } },
    handler: async (request, reply) => {
      const row = await workTask(ctx, principalOf(request), request.params.id, request.params.taskId, 'skip', request.body.reason);
      return answer(request, reply, row.id);
    },
  });

  app.post('/service-requests/:id/notes', {
    config: access('requests:write'),
    schema: { tags, summary: 'Add a note (a customer\'s is always visible; staff choose, internal by default)', params: RequestParams, body: CreateNoteBody, response: { 201: Type.Ref('ServiceRequestNote') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const note = await addNote(tx, ctx, principalOf(request), request.params.id, request.body, channelOf(principalOf(request)));
        return { status: 201, body: presentNote(note) };
      }),
  });

  app.get('/service-requests/:id/journal', {
    config: access('journal:read'),
    schema: { tags, summary: "A request's journal, newest first", params: RequestParams, querystring: PageQuery(['id'], {}), response: { 200: Page(JournalEntrySchema) } },
    handler: async (request) => {
      const row = await getRequest(ctx, principalOf(request), request.params.id);
      return recordHistory(ctx.db, ENTITY, row.id, request.query);
    },
  });

  // The products a request may name, for whoever may read requests (customers among them, who do
  // not read the catalogue itself: it is the provider's offer, not anyone's record, so no scope).
  app.get('/request-catalogue', {
    config: { access: { permission: 'requests:read', resource: 'request_catalogue' } },
    schema: { tags, summary: 'What may be asked for: the active connection products a new connection or an upgrade may name', querystring: RequestCatalogueQuery, response: { 200: Page(Type.Ref('RequestableProduct')) } },
    handler: async (request) => mapPage(await listRequestableProducts(ctx.db, request.query), presentRequestableProduct),
  });

  // Staff read the settings under the catalogue's permission, the configuration of what may be
  // requested (customers and suppliers do not hold it: a customer sees the window on their own
  // fulfilled request and in its e-mail). They are changed by whoever keeps the service levels
  // (service managers, administrators), as the incident settings are.
  const settingsAccess = (permission: 'catalogue:read' | 'service_levels:write') => ({ access: { permission, resource: 'request_settings' } });
  app.get('/request-settings', {
    config: settingsAccess('catalogue:read'),
    schema: { tags, summary: 'How long after fulfilment an unconfirmed request closes by itself', response: { 200: Type.Ref('RequestSettings') } },
    handler: async (_request, reply) => {
      const { settings, version } = await requestSettings.read(ctx.db);
      setEtag(reply, version);
      return settings;
    },
  });

  app.put('/request-settings', {
    config: settingsAccess('service_levels:write'),
    schema: {
      tags,
      summary: 'Change the auto-close window (If-Match required; "0" before the first change). Requests already fulfilled keep the close time they were given.',
      body: RequestSettingsSchema,
      response: { 200: Type.Ref('RequestSettings') },
    },
    handler: async (request, reply) => {
      const saved = await inTransaction(ctx, (tx) => requestSettings.save(tx, ctx, principalOf(request), expectedVersion(request), request.body));
      requestSettings.forget(ctx.db);
      setEtag(reply, saved.version);
      return saved.settings;
    },
  });
}
