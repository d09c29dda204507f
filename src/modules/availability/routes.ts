import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.ts';
import { principalOf } from '../../core/http/route-access.ts';
import { expectedVersion, setEtag } from '../../core/http/concurrency.ts';
import { Page, PageQuery } from '../../core/http/schemas.ts';
import { describeConstraint } from '../../core/http/problem-handler.ts';
import { JournalEntrySchema, recordHistory } from '../../core/journal/history.ts';
import { listOutages } from './queries.ts';
import { availabilityMonths, availabilityReport, correctOutage, getOutage, missedTargets, presentOutage } from './service.ts';
import { OUTAGE_ENTITY } from './outages.ts';
import {
  CorrectOutageBody,
  FiguresSchema,
  GroupSchema,
  MissedQuery,
  MissedSchema,
  MonthsQuery,
  MonthsSchema,
  OutageListQuery,
  OutageParams,
  OutageSchema,
  ReportQuery,
  ReportSchema,
} from './schemas.ts';
// Outages from incidents: the listener registers itself on import.
import './incident-outages.ts';

for (const name of ['outage_alert_once', 'outage_incident_once', 'outage_maintenance_once']) {
  describeConstraint(name, 'startedAt', 'the outage would overlap another outage of the same cause on this connection');
}
describeConstraint('outage_period_check', 'endedAt', 'the outage would end before it starts');

export async function availabilityRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of [OutageSchema, FiguresSchema, GroupSchema, ReportSchema, MissedSchema, MonthsSchema]) app.addSchema(schema);
  const tags = ['Availability'];
  const outage = (permission: 'availability:read' | 'availability:write' | 'journal:read') => ({ access: { permission, resource: 'outage' } });
  const report = { access: { permission: 'availability:read' as const, resource: 'availability_report' } };

  app.get('/outages', {
    config: outage('availability:read'),
    schema: {
      tags,
      summary: 'Outages: by connection, CI, site, organisation, supplier, period, planned, open or cause; newest first',
      querystring: OutageListQuery,
      response: { 200: Page(Type.Ref('Outage')) },
    },
    handler: async (request) => {
      const scope = principalOf(request).scope;
      const page = await listOutages(ctx.db, scope, request.query);
      const now = new Date();
      return { items: page.items.map((r) => presentOutage(r, scope, now)), nextCursor: page.nextCursor };
    },
  });

  app.get('/outages/:id', {
    config: outage('availability:read'),
    schema: { tags, summary: 'Read an outage', params: OutageParams, response: { 200: Type.Ref('Outage') } },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const row = await getOutage(ctx, principal, request.params.id);
      setEtag(reply, row.version);
      return presentOutage(row, principal.scope);
    },
  });

  app.patch('/outages/:id', {
    config: outage('availability:write'),
    schema: {
      tags,
      summary: 'Correct when an outage started or ended, or void one recorded in error, with a reason (If-Match required; journalled)',
      params: OutageParams,
      body: CorrectOutageBody,
      response: { 200: Type.Ref('Outage') },
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const row = await correctOutage(ctx, principal, request.params.id, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentOutage(row, principal.scope);
    },
  });

  app.get('/outages/:id/journal', {
    config: outage('journal:read'),
    schema: { tags, summary: "An outage's journal, newest first", params: OutageParams, querystring: PageQuery(['id'], {}), response: { 200: Page(JournalEntrySchema) } },
    handler: async (request) => {
      const row = await getOutage(ctx, principalOf(request), request.params.id);
      return recordHistory(ctx.db, OUTAGE_ENTITY, row.id, request.query);
    },
  });

  app.get('/availability', {
    config: report,
    schema: {
      tags,
      summary: 'Availability for a month (period=YYYY-MM) or dates (from, to), grouped (groupBy), with drill-down filters; groups worst first',
      querystring: ReportQuery,
      response: { 200: Type.Ref('AvailabilityReport') },
    },
    handler: async (request) => availabilityReport(ctx, principalOf(request), request.query),
  });

  app.get('/availability/months', {
    config: report,
    schema: { tags, summary: 'Availability month by month (a year to this month by default), for the network or a few groups', querystring: MonthsQuery, response: { 200: Type.Ref('AvailabilityMonths') } },
    handler: async (request) => availabilityMonths(ctx, principalOf(request), request.query),
  });

  app.get('/availability/missed', {
    config: report,
    schema: {
      tags,
      summary: 'The connections that missed their target over a month or dates, worst first',
      querystring: MissedQuery,
      response: { 200: Page(Type.Ref('AvailabilityMiss')) },
    },
    handler: async (request) => missedTargets(ctx, principalOf(request), request.query),
  });
}
