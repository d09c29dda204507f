import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.ts';
import { principalOf } from '../../core/http/route-access.ts';
import { createOnce } from '../../core/http/idempotency.ts';
import { etagOf, expectedVersion, setEtag } from '../../core/http/concurrency.ts';
import { mapPage } from '../../core/http/pagination.ts';
import { Page, PageQuery } from '../../core/http/schemas.ts';
import { JournalEntrySchema, recordHistory } from '../../core/journal/history.ts';
import { describeConstraint } from '../../core/http/problem-handler.ts';
import { listCalendars, listClocks, listDefinitions } from './queries.ts';
import {
  complianceSummary, createCalendar, createDefinition, getCalendar, getDefinition, presentCalendar, presentClock, presentDefinition, requireStaff, updateCalendar, updateDefinition,
} from './service.ts';
import { useBankHolidaysOf } from './holidays.ts';
import {
  CalendarListQuery, CalendarParams, CalendarSchema, ClockListQuery, ClockSchema, ComplianceQuery, ComplianceSchema, CreateCalendarBody, CreateDefinitionBody,
  DefinitionListQuery, DefinitionParams, DefinitionSchema, UpdateCalendarBody, UpdateDefinitionBody,
} from './schemas.ts';
// The warning and breach jobs: registered with the job worker whenever the server loads its modules.
import './jobs.ts';

describeConstraint('business_calendar_name_key', 'name', 'a business calendar with this name already exists');
describeConstraint('sla_definition_code_key', 'code', 'a service level definition with this code already exists');
describeConstraint('sla_definition_limits_key', 'active', 'another active definition already applies to the same records');

/**
 * Service level management (ISO/IEC 20000-1 8.3.3): business calendars, SLA, OLA and underpinning
 * definitions, the clocks on records and compliance against them. Staff read; service managers and
 * administrators write; customers and suppliers read their own clocks and the terms behind them.
 */
export async function serviceLevelRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  useBankHolidaysOf(ctx.config);
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of [CalendarSchema, DefinitionSchema, ClockSchema, ComplianceSchema]) app.addSchema(schema);
  const tags = ['Service levels'];
  const access = (permission: 'service_levels:read' | 'service_levels:write' | 'journal:read', resource: string) => ({ access: { permission, resource } }) as const;
  const history = { querystring: PageQuery(['id'], {}), response: { 200: Page(JournalEntrySchema) } };

  app.get('/business-calendars', {
    config: access('service_levels:read', 'business_calendar'),
    schema: { tags, summary: 'Business calendars (staff)', querystring: CalendarListQuery, response: { 200: Page(Type.Ref('BusinessCalendar')) } },
    handler: async (request) => {
      requireStaff(principalOf(request));
      return mapPage(await listCalendars(ctx.db, request.query), presentCalendar);
    },
  });

  app.post('/business-calendars', {
    config: access('service_levels:write', 'business_calendar'),
    schema: { tags, summary: 'Create a business calendar', body: CreateCalendarBody, response: { 201: Type.Ref('BusinessCalendar') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const row = await createCalendar(tx, ctx, principalOf(request), request.body);
        return { status: 201, body: presentCalendar(row), headers: { etag: etagOf(row.version), location: `/api/v1/business-calendars/${row.name}` } };
      }),
  });

  app.get('/business-calendars/:name', {
    config: access('service_levels:read', 'business_calendar'),
    schema: { tags, summary: 'Read a business calendar', params: CalendarParams, response: { 200: Type.Ref('BusinessCalendar') } },
    handler: async (request, reply) => {
      const row = await getCalendar(ctx, principalOf(request), request.params.name);
      setEtag(reply, row.version);
      return presentCalendar(row);
    },
  });

  app.patch('/business-calendars/:name', {
    config: access('service_levels:write', 'business_calendar'),
    schema: {
      tags,
      summary: 'Change a business calendar (If-Match required); clocks counting in it count in the new version from now',
      params: CalendarParams,
      body: UpdateCalendarBody,
      response: { 200: Type.Ref('BusinessCalendar') },
    },
    handler: async (request, reply) => {
      const row = await updateCalendar(ctx, principalOf(request), request.params.name, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentCalendar(row);
    },
  });

  app.get('/business-calendars/:name/journal', {
    config: access('journal:read', 'business_calendar'),
    schema: { tags, summary: "A business calendar's journal, newest first: who changed its hours, closures or bank holidays, from what to what, and the clocks each change moved", params: CalendarParams, ...history },
    handler: async (request) => {
      const row = await getCalendar(ctx, principalOf(request), request.params.name);
      return recordHistory(ctx.db, 'business_calendar', row.id, request.query);
    },
  });

  app.get('/sla-definitions', {
    config: access('service_levels:read', 'sla_definition'),
    schema: { tags, summary: 'SLA, OLA and underpinning definitions', querystring: DefinitionListQuery, response: { 200: Page(Type.Ref('SlaDefinition')) } },
    handler: async (request) => mapPage(await listDefinitions(ctx.db, principalOf(request).scope, request.query), presentDefinition),
  });

  app.post('/sla-definitions', {
    config: access('service_levels:write', 'sla_definition'),
    schema: { tags, summary: 'Create a service level definition', body: CreateDefinitionBody, response: { 201: Type.Ref('SlaDefinition') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const row = await createDefinition(tx, ctx, principalOf(request), request.body);
        return { status: 201, body: presentDefinition(row), headers: { etag: etagOf(row.version), location: `/api/v1/sla-definitions/${row.code}` } };
      }),
  });

  app.get('/sla-definitions/:code', {
    config: access('service_levels:read', 'sla_definition'),
    schema: { tags, summary: 'Read a service level definition', params: DefinitionParams, response: { 200: Type.Ref('SlaDefinition') } },
    handler: async (request, reply) => {
      const row = await getDefinition(ctx, principalOf(request), request.params.code);
      setEtag(reply, row.version);
      return presentDefinition(row);
    },
  });

  app.get('/sla-definitions/:code/journal', {
    config: access('journal:read', 'sla_definition'),
    schema: { tags, summary: "A service level definition's journal, newest first: who changed its targets, calendar or warning point, from what to what", params: DefinitionParams, ...history },
    handler: async (request) => {
      const principal = principalOf(request);
      // The terms' history is the desk's record of its own configuration, as the calendars are.
      requireStaff(principal);
      const row = await getDefinition(ctx, principal, request.params.code);
      return recordHistory(ctx.db, 'sla_definition', row.id, request.query);
    },
  });

  app.patch('/sla-definitions/:code', {
    config: access('service_levels:write', 'sla_definition'),
    schema: {
      tags,
      summary: 'Change a service level definition (If-Match required); running clocks keep the terms they started under',
      params: DefinitionParams,
      body: UpdateDefinitionBody,
      response: { 200: Type.Ref('SlaDefinition') },
    },
    handler: async (request, reply) => {
      const row = await updateDefinition(ctx, principalOf(request), request.params.code, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentDefinition(row);
    },
  });

  app.get('/sla-clocks', {
    config: access('service_levels:read', 'sla_clock'),
    schema: { tags, summary: "Service level clocks, e.g. one record's (recordType and recordId), as they stand now", querystring: ClockListQuery, response: { 200: Page(Type.Ref('ServiceLevelClock')) } },
    handler: async (request) => {
      const now = Date.now();
      return mapPage(await listClocks(ctx.db, principalOf(request).scope, request.query), (row) => presentClock(row, now));
    },
  });

  app.get('/sla-compliance', {
    config: access('service_levels:read', 'sla_clock'),
    schema: { tags, summary: 'Targets met and breached in a period, by priority or by definition', querystring: ComplianceQuery, response: { 200: Type.Ref('SlaCompliance') } },
    handler: async (request) => complianceSummary(ctx, principalOf(request), request.query),
  });
}
