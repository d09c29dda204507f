import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.ts';
import { actorOf } from '../../core/access/principal.ts';
import { problems } from '../../core/errors.ts';
import { principalOf } from '../../core/http/route-access.ts';
import { etagOf, expectedVersion, setEtag } from '../../core/http/concurrency.ts';
import { createOnce } from '../../core/http/idempotency.ts';
import { mapPage } from '../../core/http/pagination.ts';
import { Page, PageQuery } from '../../core/http/schemas.ts';
import { describeConstraint } from '../../core/http/problem-handler.ts';
import { JournalEntrySchema, recordHistory } from '../../core/journal/history.ts';
import { findUser, listUsers } from './queries.ts';
import { ENTITY, hashNewPassword, insertUser, presentUser, resetPassword, updateUser } from './service.ts';
import { CreateUserBody, UpdateUserBody, UserIdParams, UserListQuery, UserSchema } from './schemas.ts';

describeConstraint('app_user_username_key', 'username', 'is already taken');

export async function userRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  app.addSchema(UserSchema);
  const tags = ['Users'];

  const load = async (request: { params: { id: number } } & Parameters<typeof principalOf>[0]) => {
    const row = await findUser(ctx.db, principalOf(request).scope, request.params.id);
    if (!row) throw problems.notFound('user with that id');
    return row;
  };

  app.get('/users', {
    config: { access: { permission: 'users:read', resource: 'user' } },
    schema: { tags, summary: 'List users', querystring: UserListQuery, response: { 200: Page(Type.Ref('User')) } },
    handler: async (request) => mapPage(await listUsers(ctx.db, principalOf(request).scope, request.query), presentUser),
  });

  app.post('/users', {
    config: { access: { permission: 'users:write', resource: 'user' } },
    schema: { tags, summary: 'Create a user', body: CreateUserBody, response: { 201: Type.Ref('User') } },
    handler: async (request, reply) => {
      const passwordHash = await hashNewPassword(request.body.password);
      return createOnce(ctx, request, reply, async (tx) => {
        const row = await insertUser(tx, ctx, actorOf(principalOf(request)), request.body, passwordHash);
        return { status: 201, body: presentUser(row), headers: { etag: etagOf(row.version), location: `/api/v1/users/${row.id}` } };
      });
    },
  });

  app.get('/users/:id', {
    config: { access: { permission: 'users:read', resource: 'user' } },
    schema: { tags, summary: 'Read a user', params: UserIdParams, response: { 200: Type.Ref('User') } },
    handler: async (request, reply) => {
      const row = await load(request);
      setEtag(reply, row.version);
      return presentUser(row);
    },
  });

  app.patch('/users/:id', {
    config: { access: { permission: 'users:write', resource: 'user' } },
    schema: { tags, summary: 'Change a user (If-Match required)', params: UserIdParams, body: UpdateUserBody, response: { 200: Type.Ref('User') } },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const row = await updateUser(ctx, actorOf(principal), principal.scope, request.params.id, expectedVersion(request), request.body);
      setEtag(reply, row.version);
      return presentUser(row);
    },
  });

  app.post('/users/:id/password', {
    config: { access: { permission: 'users:write', resource: 'user' } },
    schema: {
      tags,
      summary: "Reset a user's password (ends their sessions)",
      params: UserIdParams,
      body: Type.Object({ password: Type.String({ maxLength: 256 }) }, { additionalProperties: false }),
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      await resetPassword(ctx, actorOf(principal), principal.scope, request.params.id, request.body.password);
      return reply.status(204).send();
    },
  });

  app.get('/users/:id/journal', {
    config: { access: { permission: 'users:read', resource: 'user' } },
    schema: { tags, summary: "A user's journal, newest first", params: UserIdParams, querystring: PageQuery(['id'], {}), response: { 200: Page(JournalEntrySchema) } },
    handler: async (request) => {
      const row = await load(request);
      return recordHistory(ctx.db, ENTITY, row.id, request.query);
    },
  });
}
