import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.ts';
import { principalOf } from '../../core/http/route-access.ts';
import { createOnce } from '../../core/http/idempotency.ts';
import { etagOf, expectedVersion, setEtag } from '../../core/http/concurrency.ts';
import { mapPage } from '../../core/http/pagination.ts';
import { Page } from '../../core/http/schemas.ts';
import { describeConstraint } from '../../core/http/problem-handler.ts';
import { listTargets } from './queries.ts';
import { createTarget, getTarget, presentTarget, rollout, updateTarget } from './service.ts';
import { CreateTargetBody, RolloutQuery, RolloutSchema, TargetListQuery, TargetParams, TargetSchema, UpdateTargetBody } from './schemas.ts';

describeConstraint('rollout_target_name_key', 'name', 'a roll-out target with this name already exists');

export async function rolloutRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(TargetSchema);
  app.addSchema(RolloutSchema);
  const tags = ['Roll-out'];
  const access = (permission: 'rollout:read' | 'rollout:write') => ({ access: { permission, resource: 'rollout_target' } });

  app.get('/rollout', {
    config: access('rollout:read'),
    schema: { tags, summary: 'Burn-up, install rate and forecast, per region and per supplier', querystring: RolloutQuery, response: { 200: Type.Ref('Rollout') } },
    handler: async (request) => rollout(ctx, request.query),
  });

  app.get('/rollout/targets', {
    config: access('rollout:read'),
    schema: { tags, summary: 'Roll-out targets', querystring: TargetListQuery, response: { 200: Page(Type.Ref('RolloutTarget')) } },
    handler: async (request) => mapPage(await listTargets(ctx.db, request.query), presentTarget),
  });

  app.post('/rollout/targets', {
    config: access('rollout:write'),
    schema: { tags, summary: 'Set a roll-out target', body: CreateTargetBody, response: { 201: Type.Ref('RolloutTarget') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const row = await createTarget(tx, ctx, principalOf(request), request.body);
        return { status: 201, body: presentTarget(row), headers: { etag: etagOf(row.version), location: `/api/v1/rollout/targets/${row.id}` } };
      }),
  });

  app.get('/rollout/targets/:id', {
    config: access('rollout:read'),
    schema: { tags, summary: 'Read a roll-out target', params: TargetParams, response: { 200: Type.Ref('RolloutTarget') } },
    handler: async (request, reply) => {
      const row = await getTarget(ctx, request.params.id);
      setEtag(reply, row.version);
      return presentTarget(row);
    },
  });

  app.patch('/rollout/targets/:id', {
    config: access('rollout:write'),
    schema: { tags, summary: 'Change a roll-out target (If-Match required)', params: TargetParams, body: UpdateTargetBody, response: { 200: Type.Ref('RolloutTarget') } },
    handler: async (request, reply) => {
      const row = await updateTarget(ctx, principalOf(request), request.params.id, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentTarget(row);
    },
  });
}
