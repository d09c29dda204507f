import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.ts';
import { channelOf, type Principal } from '../../core/access/principal.ts';
import { principalOf } from '../../core/http/route-access.ts';
import { createOnce } from '../../core/http/idempotency.ts';
import { etagOf, expectedVersion, setEtag } from '../../core/http/concurrency.ts';
import { mapPage } from '../../core/http/pagination.ts';
import { Page, PageQuery } from '../../core/http/schemas.ts';
import { inTransaction } from '../../core/context.ts';
import { JournalEntrySchema, recordHistory } from '../../core/journal/history.ts';
import { listIncidents, type Beside, type IncidentRow } from './queries.ts';
import { presentSlaStanding } from '../service-levels/clocks.ts';
import {
  acceptIncident,
  addNote,
  assignIncident,
  changeIncidentSettings,
  createIncident,
  declareMajor,
  ENTITY,
  getIncident,
  readIncident,
  hiddenFrom,
  getNotes,
  handOffIncident,
  linkChildren,
  partyOf,
  postMajorUpdate,
  presentIncident,
  presentSummary,
  transitionIncident,
  updateIncident,
} from './service.ts';
import { forgetIncidentSettings, incidentSettings, incidentSettingsHistory } from './settings.ts';
import { problems } from '../../core/errors.ts';
import {
  AcceptBody,
  AssignBody,
  ClockSchema,
  CreateIncidentBody,
  HandOffBody,
  IncidentListQuery,
  IncidentParams,
  IncidentSchema,
  IncidentSettingsSchema,
  IncidentSummarySchema,
  LinkBody,
  MajorUpdateBody,
  NoteBody,
  NoteSchema,
  TransitionBody,
  UpdateIncidentBody,
} from './schemas.ts';
import './background.ts';

export async function incidentRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of [ClockSchema, IncidentSummarySchema, IncidentSchema, NoteSchema, IncidentSettingsSchema]) app.addSchema(schema);
  const tags = ['Incidents'];
  const access = (permission: 'incidents:read' | 'incidents:write' | 'journal:read') => ({ access: { permission, resource: 'incident' } });
  const one = { params: IncidentParams, response: { 200: Type.Ref('Incident') } };

  /** Every change answers with the whole record as the caller may see it, and its new ETag. */
  // A row read with what is shown beside it (readIncident) is presented without reading it again.
  const answer = async (reply: FastifyReply, principal: Principal, row: IncidentRow & Partial<Beside>) => {
    setEtag(reply, row.version);
    return presentIncident(ctx, principal, row);
  };

  app.get('/incidents', {
    config: access('incidents:read'),
    schema: { tags, summary: 'The queue: filter by state, priority, team, assignee, supplier, organisation, site, CI; search; sort by SLA due', querystring: IncidentListQuery, response: { 200: Page(Type.Ref('IncidentSummary')) } },
    handler: async (request) => {
      const principal = principalOf(request);
      // The SLA standing read beside each row is the service level module's, shared with service requests.
      return mapPage(await listIncidents(ctx.db, principal.scope, principal.userId, request.query), (row) => ({ ...presentSummary(row), ...presentSlaStanding(row.sla_standing) }));
    },
  });

  app.post('/incidents', {
    config: access('incidents:write'),
    schema: { tags, summary: 'Log an incident (a customer reports a fault on one of their own sites)', body: CreateIncidentBody, response: { 201: Type.Ref('Incident') } },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      return createOnce(ctx, request, reply, async (tx) => {
        const row = await createIncident(tx, ctx, principal, request.body);
        return { status: 201, body: await presentIncident(ctx, principal, row, tx), headers: { etag: etagOf(row.version), location: `/api/v1/incidents/${row.id}` } };
      });
    },
  });

  app.get('/incidents/:id', {
    config: access('incidents:read'),
    schema: { tags, summary: 'Read an incident with its clocks, CIs and linked incidents', ...one },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      return answer(reply, principal, await readIncident(ctx, principal, request.params.id));
    },
  });

  app.patch('/incidents/:id', {
    config: access('incidents:write'),
    schema: { tags, summary: 'Change details: title, description, category, impact and urgency (priority follows), CIs (If-Match required)', body: UpdateIncidentBody, ...one },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      return answer(reply, principal, await updateIncident(ctx, principal, request.params.id, expectedVersion(request), request.body));
    },
  });

  app.post('/incidents/:id/transitions', {
    config: access('incidents:write'),
    schema: { tags, summary: 'Move to another state: resolve, close (a customer confirms), reopen, cancel… (If-Match required)', body: TransitionBody, ...one },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      return answer(reply, principal, await transitionIncident(ctx, principal, request.params.id, expectedVersion(request), request.body));
    },
  });

  app.post('/incidents/:id/assignment', {
    config: access('incidents:write'),
    schema: { tags, summary: 'Assign to a team and optionally one of its members (If-Match required)', body: AssignBody, ...one },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      return answer(reply, principal, await assignIncident(ctx, principal, request.params.id, expectedVersion(request), request.body));
    },
  });

  app.post('/incidents/:id/hand-off', {
    config: access('incidents:write'),
    schema: { tags, summary: 'Hand to a supplier, whose engineers then see, accept and work it (If-Match required)', body: HandOffBody, ...one },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      return answer(reply, principal, await handOffIncident(ctx, principal, request.params.id, expectedVersion(request), request.body));
    },
  });

  app.post('/incidents/:id/acceptance', {
    config: access('incidents:write'),
    schema: { tags, summary: "The supplier's engineer accepts an incident handed to their company (If-Match required)", body: AcceptBody, ...one },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      return answer(reply, principal, await acceptIncident(ctx, principal, request.params.id, expectedVersion(request), request.body));
    },
  });

  app.post('/incidents/:id/major', {
    config: access('incidents:write'),
    schema: { tags, summary: 'Declare a major incident (If-Match required)', ...one },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      return answer(reply, principal, await declareMajor(ctx, principal, request.params.id, expectedVersion(request)));
    },
  });

  app.post('/incidents/:id/children', {
    config: access('incidents:write'),
    schema: { tags, summary: 'Link incidents under this one (a major incident and its linked incidents)', body: LinkBody, ...one },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      return answer(reply, principal, await linkChildren(ctx, principal, request.params.id, request.body));
    },
  });

  app.post('/incidents/:id/major-updates', {
    config: access('incidents:write'),
    schema: {
      tags,
      summary: 'Post an update on a major incident, fanned out to every open linked incident and its caller',
      params: IncidentParams,
      body: MajorUpdateBody,
      response: { 201: Type.Object({ note: Type.Ref('IncidentNote'), fannedOutTo: Type.Integer() }) },
    },
    handler: async (request, reply) => {
      const result = await postMajorUpdate(ctx, principalOf(request), request.params.id, request.body.body);
      void reply.status(201);
      return result;
    },
  });

  app.get('/incidents/:id/notes', {
    config: access('incidents:read'),
    schema: { tags, summary: 'Notes, oldest first (a customer sees only those meant for them)', params: IncidentParams, response: { 200: Type.Array(Type.Ref('IncidentNote')) } },
    handler: async (request) => getNotes(ctx, principalOf(request), request.params.id),
  });

  app.post('/incidents/:id/notes', {
    config: access('incidents:write'),
    schema: { tags, summary: "Add a comment, a work note, a question to the caller, or the customer's answer", params: IncidentParams, body: NoteBody, response: { 201: Type.Ref('IncidentNote') } },
    handler: async (request, reply) => {
      const note = await addNote(ctx, principalOf(request), request.params.id, request.body, channelOf(principalOf(request)));
      void reply.status(201);
      return note;
    },
  });

  app.get('/incidents/:id/journal', {
    config: access('journal:read'),
    schema: { tags, summary: "An incident's journal, newest first", params: IncidentParams, querystring: PageQuery(['id'], {}), response: { 200: Page(JournalEntrySchema) } },
    handler: async (request) => {
      const principal = principalOf(request);
      const row = await getIncident(ctx, principal, request.params.id);
      return recordHistory(ctx.db, ENTITY, row.id, request.query, hiddenFrom(partyOf(principal)));
    },
  });

  const settingsAccess = (permission: 'incidents:read' | 'service_levels:write' | 'journal:read') => ({ access: { permission, resource: 'incident_settings' } });
  app.get('/incident-settings/journal', {
    config: settingsAccess('journal:read'),
    schema: { tags, summary: "The incident settings' journal, newest first: who changed the priority matrix, the reopen window or the defaults, from what to what", querystring: PageQuery(['id'], {}), response: { 200: Page(JournalEntrySchema) } },
    handler: async (request) => {
      if (principalOf(request).scope.kind !== 'network') throw problems.forbidden('The incident settings are the service desk’s configuration.');
      return incidentSettingsHistory(ctx.db, request.query);
    },
  });
  app.get('/incident-settings', {
    config: settingsAccess('incidents:read'),
    schema: { tags, summary: 'The priority matrix (impact × urgency) and the reopen window', response: { 200: Type.Ref('IncidentSettings') } },
    handler: async (_request, reply) => {
      const { settings, version } = await incidentSettings(ctx.db);
      setEtag(reply, version);
      return settings;
    },
  });

  app.put('/incident-settings', {
    config: settingsAccess('service_levels:write'),
    schema: { tags, summary: 'Change the priority matrix and reopen window (If-Match required; "0" before the first change)', body: IncidentSettingsSchema, response: { 200: Type.Ref('IncidentSettings') } },
    handler: async (request, reply) => {
      const saved = await inTransaction(ctx, (tx) => changeIncidentSettings(tx, ctx, principalOf(request), expectedVersion(request), request.body));
      forgetIncidentSettings(ctx.db);
      setEtag(reply, saved.version);
      return saved.settings;
    },
  });
}
