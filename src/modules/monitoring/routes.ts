import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.ts';
import { inTransaction } from '../../core/context.ts';
import { principalOf } from '../../core/http/route-access.ts';
import { createOnce } from '../../core/http/idempotency.ts';
import { etagOf, expectedVersion, setEtag } from '../../core/http/concurrency.ts';
import { mapPage } from '../../core/http/pagination.ts';
import { Page } from '../../core/http/schemas.ts';
import { describeConstraint } from '../../core/http/problem-handler.ts';
import type { Permission } from '../../core/access/roles.ts';
import { receivePayload } from './intake.ts';
import { listAlerts, listGroups, listPayloads } from './queries.ts';
import { monitoringTables } from './tables.ts';
import { monitoringSettings, saveMonitoringSettings } from './settings.ts';
import { createRule, deleteRule, getAlert, getGroup, getPayload, presentAlert, presentGroup, presentPayload, presentRule, updateRule } from './service.ts';
import {
  AlertGroupSchema,
  AlertListQuery,
  AlertmanagerBody,
  AlertSchema,
  CreateMappingRuleBody,
  EventsBody,
  GroupListQuery,
  IdParams,
  IntakeResultSchema,
  MappingRuleSchema,
  MonitoringSettingsSchema,
  PayloadListQuery,
  PayloadSchema,
  UpdateMappingRuleBody,
} from './schemas.ts';
import './background.ts';

describeConstraint('alert_mapping_rule_position_key', 'position', 'another rule has this position');

export async function monitoringRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of [AlertSchema, AlertGroupSchema, PayloadSchema, IntakeResultSchema, MappingRuleSchema, MonitoringSettingsSchema]) app.addSchema(schema);
  const tags = ['Monitoring'];
  const access = (permission: Permission, resource: string) => ({ access: { permission, resource } });

  // The intake reads its body itself: a payload n3sp cannot read is kept and answered with the
  // reason, rather than refused by the JSON parser before anyone could inspect it.
  await app.register(async (intake) => {
    intake.removeContentTypeParser('application/json');
    intake.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    intake.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    const text = (body: unknown) => (typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body));

    intake.post('/integrations/alertmanager', {
      config: access('monitoring:write', 'alert'),
      schema: {
        tags,
        summary: "Receive Prometheus Alertmanager's webhook (payload version 4); idempotent per alert (fingerprint and startsAt)",
        body: AlertmanagerBody,
        response: { 200: Type.Ref('AlertIntakeResult') },
      },
      handler: async (request) => receivePayload(ctx, principalOf(request), 'alertmanager', text(request.body)),
    });

    intake.post('/integrations/events', {
      config: access('monitoring:write', 'alert'),
      schema: { tags, summary: 'Receive events from any other monitoring system (generic JSON); idempotent per event (source, fingerprint and startsAt)', body: EventsBody, response: { 200: Type.Ref('AlertIntakeResult') } },
      handler: async (request) => receivePayload(ctx, principalOf(request), 'events', text(request.body)),
    });
  });

  app.get('/monitoring/alerts', {
    config: access('monitoring:read', 'alert'),
    schema: { tags, summary: 'Alerts, newest change first (status, source, CI, site, correlation, incident, mapped, severity, text)', querystring: AlertListQuery, response: { 200: Page(Type.Ref('Alert')) } },
    handler: async (request) => mapPage(await listAlerts(ctx.db, principalOf(request).scope, request.query), presentAlert),
  });

  app.get('/monitoring/alerts/:id', {
    config: access('monitoring:read', 'alert'),
    schema: { tags, summary: 'An alert: labels, annotations, its CI, its correlation and incident', params: IdParams, response: { 200: Type.Ref('Alert') } },
    handler: async (request) => getAlert(ctx, principalOf(request), request.params.id),
  });

  app.get('/monitoring/correlations', {
    config: access('monitoring:read', 'alert_group'),
    schema: { tags, summary: 'Correlations: the incidents n3sp opened or updated from alerts, each with its alerts counted', querystring: GroupListQuery, response: { 200: Page(Type.Ref('AlertGroup')) } },
    handler: async (request) => mapPage(await listGroups(ctx.db, principalOf(request).scope, request.query), presentGroup),
  });

  app.get('/monitoring/correlations/:id', {
    config: access('monitoring:read', 'alert_group'),
    schema: { tags, summary: 'A correlation: its root CI, incident and counts', params: IdParams, response: { 200: Type.Ref('AlertGroup') } },
    handler: async (request) => getGroup(ctx, principalOf(request), request.params.id),
  });

  app.get('/monitoring/payloads', {
    config: access('monitoring:read', 'alert_payload'),
    schema: { tags, summary: 'Payloads received, accepted and refused (with the reason), newest first', querystring: PayloadListQuery, response: { 200: Page(Type.Ref('AlertPayload')) } },
    handler: async (request) => mapPage(await listPayloads(ctx.db, principalOf(request).scope, request.query), presentPayload),
  });

  app.get('/monitoring/payloads/:id', {
    config: access('monitoring:read', 'alert_payload'),
    schema: { tags, summary: 'A payload as received, for inspection', params: IdParams, response: { 200: Type.Ref('AlertPayload') } },
    handler: async (request) => getPayload(ctx, principalOf(request), request.params.id),
  });

  app.get('/monitoring/mapping-rules', {
    config: access('monitoring:read', 'alert_mapping_rule'),
    schema: { tags, summary: 'How alert labels name CIs: the rules in the order they are tried', response: { 200: Type.Object({ items: Type.Array(Type.Ref('AlertMappingRule')) }) } },
    handler: async () => ({ items: (await monitoringTables(ctx.db).selectFrom('alert_mapping_rule').selectAll().orderBy('position').execute()).map(presentRule) }),
  });

  app.post('/monitoring/mapping-rules', {
    config: access('monitoring:write', 'alert_mapping_rule'),
    schema: { tags, summary: 'Add a mapping rule', body: CreateMappingRuleBody, response: { 201: Type.Ref('AlertMappingRule') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const row = await createRule(tx, ctx, principalOf(request), request.body);
        return { status: 201, body: presentRule(row), headers: { etag: etagOf(row.version) } };
      }),
  });

  app.patch('/monitoring/mapping-rules/:id', {
    config: access('monitoring:write', 'alert_mapping_rule'),
    schema: { tags, summary: 'Change a mapping rule (If-Match required)', params: IdParams, body: UpdateMappingRuleBody, response: { 200: Type.Ref('AlertMappingRule') } },
    handler: async (request, reply) => {
      const row = await inTransaction(ctx, (tx) => updateRule(tx, ctx, principalOf(request), request.params.id, expectedVersion(request), request.body));
      setEtag(reply, row.version);
      return presentRule(row);
    },
  });

  app.delete('/monitoring/mapping-rules/:id', {
    config: access('monitoring:write', 'alert_mapping_rule'),
    schema: { tags, summary: 'Remove a mapping rule (If-Match required)', params: IdParams },
    handler: async (request, reply) => {
      await inTransaction(ctx, (tx) => deleteRule(tx, ctx, principalOf(request), request.params.id, expectedVersion(request)));
      return reply.status(204).send();
    },
  });

  app.get('/monitoring/settings', {
    config: access('monitoring:read', 'monitoring_settings'),
    schema: { tags, summary: 'Correlation rules and time windows', response: { 200: Type.Ref('MonitoringSettings') } },
    handler: async (_request, reply) => {
      const { settings, version } = await monitoringSettings(ctx.db);
      setEtag(reply, version);
      return settings;
    },
  });

  app.put('/monitoring/settings', {
    config: access('monitoring:write', 'monitoring_settings'),
    schema: { tags, summary: 'Change the correlation rules and time windows (If-Match required; "0" before the first change)', body: MonitoringSettingsSchema, response: { 200: Type.Ref('MonitoringSettings') } },
    handler: async (request, reply) => {
      const saved = await inTransaction(ctx, (tx) => saveMonitoringSettings(tx, ctx, principalOf(request), expectedVersion(request), request.body));
      setEtag(reply, saved.version);
      return saved.settings;
    },
  });
}
