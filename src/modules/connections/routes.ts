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
import { listConnections } from './queries.ts';
import { moveConnection, upgradeConnection } from './changes.ts';
import { ENTITY, getConnection, getQuotes, orderConnection, presentConnection, requestConnection, transitionConnection } from './service.ts';
import { ConnectionListQuery, ConnectionParams, ConnectionSchema, CreateConnectionBody, MoveBody, OrderBody, QuoteSchema, QuotesSchema, TransitionBody, UpgradeBody } from './schemas.ts';

describeConstraint('connection_site_leg_key', 'siteId', 'the site already has an open connection on this leg');
describeConstraint('connection_circuit_key', 'circuitReference', "another of this supplier's connections has this circuit reference");

export async function connectionRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(ConnectionSchema);
  app.addSchema(QuoteSchema);
  app.addSchema(QuotesSchema);
  const tags = ['Connections'];
  const access = (permission: 'connections:read' | 'connections:write' | 'journal:read') => ({ access: { permission, resource: 'connection' } });

  app.get('/connections', {
    config: access('connections:read'),
    schema: { tags, summary: 'List connections (state, supplier, region, organisation)', querystring: ConnectionListQuery, response: { 200: Page(Type.Ref('Connection')) } },
    handler: async (request) => mapPage(await listConnections(ctx.db, principalOf(request).scope, request.query), (row) => presentConnection(row, principalOf(request))),
  });

  app.post('/connections', {
    config: access('connections:write'),
    schema: { tags, summary: 'Request a connection for a site', body: CreateConnectionBody, response: { 201: Type.Ref('Connection') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const row = await requestConnection(tx, ctx, principalOf(request), request.body);
        return { status: 201, body: presentConnection(row, principalOf(request)), headers: { etag: etagOf(row.version), location: `/api/v1/connections/${row.id}` } };
      }),
  });

  app.get('/connections/:id', {
    config: access('connections:read'),
    schema: { tags, summary: 'Read a connection: lifecycle dates, price, address block, CI', params: ConnectionParams, response: { 200: Type.Ref('Connection') } },
    handler: async (request, reply) => {
      const row = await getConnection(ctx, principalOf(request), request.params.id);
      setEtag(reply, row.version);
      return presentConnection(row, principalOf(request));
    },
  });

  app.get('/connections/:id/quotes', {
    config: access('connections:read'),
    schema: { tags, summary: 'Quotes for a connection with their best-value breakdown and why the winner won', params: ConnectionParams, response: { 200: Type.Ref('ConnectionQuotes') } },
    handler: async (request) => getQuotes(ctx, principalOf(request), request.params.id),
  });

  app.post('/connections/:id/order', {
    config: access('connections:write'),
    schema: { tags, summary: 'Order with the best-value quote or a named supplier (If-Match required)', params: ConnectionParams, body: OrderBody, response: { 200: Type.Ref('Connection') } },
    handler: async (request, reply) => {
      const row = await orderConnection(ctx, principalOf(request), request.params.id, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentConnection(row, principalOf(request));
    },
  });

  app.post('/connections/:id/transitions', {
    config: access('connections:write'),
    schema: { tags, summary: 'Move a connection to its next state (If-Match required)', params: ConnectionParams, body: TransitionBody, response: { 200: Type.Ref('Connection') } },
    handler: async (request, reply) => {
      const row = await transitionConnection(ctx, principalOf(request), request.params.id, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentConnection(row, principalOf(request));
    },
  });

  app.post('/connections/:id/upgrade', {
    config: access('connections:write'),
    schema: {
      tags,
      summary: 'Upgrade a live connection to a faster product of the same resilience, at its supplier’s price (service desk; If-Match required)',
      params: ConnectionParams,
      body: UpgradeBody,
      response: { 200: Type.Ref('Connection') },
    },
    handler: async (request, reply) => {
      const row = await upgradeConnection(ctx, principalOf(request), request.params.id, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentConnection(row, principalOf(request));
    },
  });

  app.post('/connections/:id/move', {
    config: access('connections:write'),
    schema: {
      tags,
      summary: 'Move a live connection to another site of its organisation: its leg there, its prefix allocated for that site, its CI re-hung (service desk; If-Match required)',
      params: ConnectionParams,
      body: MoveBody,
      response: { 200: Type.Ref('Connection') },
    },
    handler: async (request, reply) => {
      const row = await moveConnection(ctx, principalOf(request), request.params.id, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentConnection(row, principalOf(request));
    },
  });

  app.get('/connections/:id/journal', {
    config: access('journal:read'),
    schema: { tags, summary: "A connection's journal, newest first", params: ConnectionParams, querystring: PageQuery(['id'], {}), response: { 200: Page(JournalEntrySchema) } },
    handler: async (request) => {
      const row = await getConnection(ctx, principalOf(request), request.params.id);
      return recordHistory(ctx.db, ENTITY, row.id, request.query);
    },
  });
}
