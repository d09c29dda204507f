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
import { CreateTeamBody, TeamListQuery, TeamParams, TeamSchema, UpdateTeamBody } from './schemas.ts';
import { createTeam, getTeam, listTeams, presentTeam, updateTeam } from './service.ts';

describeConstraint('team_code_key', 'code', 'another team has this code');

export async function teamRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(TeamSchema);
  const tags = ['Teams'];
  const access = (permission: 'teams:read' | 'teams:write') => ({ access: { permission, resource: 'team' } });

  app.get('/teams', {
    config: access('teams:read'),
    schema: { tags, summary: 'List resolver teams with their members and open incidents', querystring: TeamListQuery, response: { 200: Page(Type.Ref('Team')) } },
    handler: async (request) => mapPage(await listTeams(ctx.db, request.query), presentTeam),
  });

  app.post('/teams', {
    config: access('teams:write'),
    schema: { tags, summary: 'Create a resolver team', body: CreateTeamBody, response: { 201: Type.Ref('Team') } },
    handler: async (request, reply) =>
      createOnce(ctx, request, reply, async (tx) => {
        const row = await createTeam(tx, ctx, principalOf(request), request.body);
        return { status: 201, body: presentTeam(row), headers: { etag: etagOf(row.version), location: `/api/v1/teams/${row.id}` } };
      }),
  });

  app.get('/teams/:id', {
    config: access('teams:read'),
    schema: { tags, summary: 'Read a team', params: TeamParams, response: { 200: Type.Ref('Team') } },
    handler: async (request, reply) => {
      const row = await getTeam(ctx.db, request.params.id);
      setEtag(reply, row.version);
      return presentTeam(row);
    },
  });

  app.patch('/teams/:id', {
    config: access('teams:write'),
    schema: { tags, summary: 'Change a team: name, e-mail, members, active (If-Match required)', params: TeamParams, body: UpdateTeamBody, response: { 200: Type.Ref('Team') } },
    handler: async (request, reply) => {
      const row = await updateTeam(ctx, principalOf(request), request.params.id, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentTeam(row);
    },
  });
}
