import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.ts';
import { actorOf } from '../../core/access/principal.ts';
import { principalOf } from '../../core/http/route-access.ts';
import { createOnce } from '../../core/http/idempotency.ts';
import { etagOf, expectedVersion, setEtag } from '../../core/http/concurrency.ts';
import { mapPage } from '../../core/http/pagination.ts';
import { Page, PageQuery } from '../../core/http/schemas.ts';
import { describeConstraint } from '../../core/http/problem-handler.ts';
import { JournalEntrySchema, recordHistory } from '../../core/journal/history.ts';
import { listCis, listRelationsOf } from './queries.ts';
import {
  CI_ENTITY,
  createCi,
  createRelation,
  deleteCi,
  deleteRelation,
  getCi,
  getRelation,
  graph,
  impact,
  presentCi,
  presentRelation,
  rootCauses,
  updateCi,
  updateRelation,
  type Writer,
} from './service.ts';
import {
  CiListQuery,
  CiRefSchema,
  ConfigurationItemSchema,
  CreateCiBody,
  CreateRelationBody,
  GraphQuery,
  GraphSchema,
  IdParams,
  ImpactQuery,
  ImpactSchema,
  RelationListQuery,
  RelationSchema,
  RootCausesSchema,
  UpdateCiBody,
  UpdateRelationBody,
} from './schemas.ts';

describeConstraint('configuration_item_external_ref_key', 'externalRef', 'another CI of this kind has this external reference');
describeConstraint('ci_relation_key', 'targetId', 'these CIs are already related this way');
describeConstraint('ci_relation_connects_key', 'targetId', 'these CIs are already connected');

const CI = { resource: 'configuration_item' } as const;
const RELATION = { resource: 'ci_relation' } as const;

function writerOf(request: FastifyRequest): Writer {
  const principal = principalOf(request);
  return { actor: actorOf(principal), scope: principal.scope };
}

export async function cmdbRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  for (const schema of [CiRefSchema, ConfigurationItemSchema, RelationSchema, ImpactSchema, RootCausesSchema, GraphSchema]) app.addSchema(schema);
  const tags = ['CMDB'];
  const scopeOf = (request: FastifyRequest) => principalOf(request).scope;

  app.get('/cis', {
    config: { access: { permission: 'cmdb:read', ...CI } },
    schema: { tags, summary: 'Search configuration items', querystring: CiListQuery, response: { 200: Page(Type.Ref('ConfigurationItem')) } },
    handler: async (request) => mapPage(await listCis(ctx.db, scopeOf(request), request.query), presentCi),
  });

  app.post('/cis', {
    config: { access: { permission: 'cmdb:write', ...CI } },
    schema: { tags, summary: 'Create a configuration item', body: CreateCiBody, response: { 201: Type.Ref('ConfigurationItem') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const row = await createCi(tx, ctx, writerOf(request), request.body);
        return { status: 201, body: presentCi(row), headers: { etag: etagOf(row.version), location: `/api/v1/cis/${row.id}` } };
      }),
  });

  app.get('/cis/:id', {
    config: { access: { permission: 'cmdb:read', ...CI } },
    schema: { tags, summary: 'Read a configuration item', params: IdParams, response: { 200: Type.Ref('ConfigurationItem') } },
    handler: async (request, reply) => {
      const row = await getCi(ctx, scopeOf(request), request.params.id);
      setEtag(reply, row.version);
      return presentCi(row);
    },
  });

  app.patch('/cis/:id', {
    config: { access: { permission: 'cmdb:write', ...CI } },
    schema: { tags, summary: 'Change a configuration item (If-Match required)', params: IdParams, body: UpdateCiBody, response: { 200: Type.Ref('ConfigurationItem') } },
    handler: async (request, reply) => {
      const row = await updateCi(ctx, writerOf(request), request.params.id, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentCi(row);
    },
  });

  app.delete('/cis/:id', {
    config: { access: { permission: 'cmdb:write', ...CI } },
    schema: { tags, summary: 'Delete a configuration item and its relations (If-Match required)', params: IdParams },
    handler: async (request, reply) => {
      await deleteCi(ctx, writerOf(request), request.params.id, expectedVersion(request));
      return reply.status(204).send();
    },
  });

  app.get('/cis/:id/relations', {
    config: { access: { permission: 'cmdb:read', ...CI } },
    schema: { tags, summary: "A configuration item's relations", params: IdParams, querystring: RelationListQuery, response: { 200: Page(Type.Ref('CiRelation')) } },
    handler: async (request) => {
      await getCi(ctx, scopeOf(request), request.params.id);
      return mapPage(await listRelationsOf(ctx.db, scopeOf(request), request.params.id, request.query), presentRelation);
    },
  });

  app.get('/cis/:id/impact', {
    config: { access: { permission: 'cmdb:read', ...CI } },
    schema: {
      tags,
      summary: 'What fails with this configuration item, resilience taken into account',
      params: IdParams,
      querystring: ImpactQuery,
      response: { 200: Type.Ref('CiImpact') },
    },
    handler: async (request) => impact(ctx, scopeOf(request), request.params.id, request.query.limit ?? 100),
  });

  app.get('/cis/:id/root-causes', {
    config: { access: { permission: 'cmdb:read', ...CI } },
    schema: { tags, summary: 'What this configuration item depends on, nearest first', params: IdParams, response: { 200: Type.Ref('CiRootCauses') } },
    handler: async (request) => rootCauses(ctx, scopeOf(request), request.params.id),
  });

  app.get('/cis/:id/graph', {
    config: { access: { permission: 'cmdb:read', ...CI } },
    schema: { tags, summary: 'The configuration items and relations around this one', params: IdParams, querystring: GraphQuery, response: { 200: Type.Ref('CiGraph') } },
    handler: async (request) => graph(ctx, scopeOf(request), request.params.id, request.query.depth ?? 2, request.query.limit ?? 300),
  });

  app.get('/cis/:id/journal', {
    config: { access: { permission: 'journal:read', ...CI } },
    schema: { tags, summary: "A configuration item's journal, newest first", params: IdParams, querystring: PageQuery(['id'], {}), response: { 200: Page(JournalEntrySchema) } },
    handler: async (request) => {
      const row = await getCi(ctx, scopeOf(request), request.params.id);
      return recordHistory(ctx.db, CI_ENTITY, row.id, request.query);
    },
  });

  app.post('/relations', {
    config: { access: { permission: 'cmdb:write', ...RELATION } },
    schema: { tags, summary: 'Relate two configuration items', body: CreateRelationBody, response: { 201: Type.Ref('CiRelation') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const row = await createRelation(tx, ctx, writerOf(request), request.body);
        return { status: 201, body: presentRelation(row), headers: { etag: etagOf(row.version), location: `/api/v1/relations/${row.id}` } };
      }),
  });

  app.get('/relations/:id', {
    config: { access: { permission: 'cmdb:read', ...RELATION } },
    schema: { tags, summary: 'Read a relation', params: IdParams, response: { 200: Type.Ref('CiRelation') } },
    handler: async (request, reply) => {
      const row = await getRelation(ctx, scopeOf(request), request.params.id);
      setEtag(reply, row.version);
      return presentRelation(row);
    },
  });

  app.patch('/relations/:id', {
    config: { access: { permission: 'cmdb:write', ...RELATION } },
    schema: { tags, summary: "Change a relation's redundancy group (If-Match required)", params: IdParams, body: UpdateRelationBody, response: { 200: Type.Ref('CiRelation') } },
    handler: async (request, reply) => {
      const row = await updateRelation(ctx, writerOf(request), request.params.id, expectedVersion(request), request.body.redundancyGroup);
      setEtag(reply, row.version);
      return presentRelation(row);
    },
  });

  app.delete('/relations/:id', {
    config: { access: { permission: 'cmdb:write', ...RELATION } },
    schema: { tags, summary: 'Remove a relation (If-Match required)', params: IdParams },
    handler: async (request, reply) => {
      await deleteRelation(ctx, writerOf(request), request.params.id, expectedVersion(request));
      return reply.status(204).send();
    },
  });
}
