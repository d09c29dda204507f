import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.ts';
import { principalOf } from '../../core/http/route-access.ts';
import { Nullable, Page, PageQuery } from '../../core/http/schemas.ts';
import { paginate, mapPage } from '../../core/http/pagination.ts';
import { closeSession, SESSION_COOKIE, sessionCookieOptions, sessionPrincipal } from '../../core/auth/sessions.ts';
import { checkScopes, createToken, describeSelf, presentToken, revokeToken, scopesOfToken, signIn } from './service.ts';

const SelfSchema = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  roles: Type.Array(Type.String()),
  permissions: Type.Array(Type.String()),
  scope: Type.String({ description: 'network, organisations or supplier' }),
  organisations: Type.Array(Type.Object({ odsCode: Type.String(), name: Type.String() })),
  supplierId: Nullable(Type.Integer()),
  supplierName: Nullable(Type.String({ description: "The supplier's name, for a supplier's engineer" })),
  csrfToken: Nullable(Type.String({ description: 'Send as X-CSRF-Token on writes made with the session cookie' })),
});

const TokenSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  scopes: Type.Array(Type.String()),
  createdAt: Type.String(),
  expiresAt: Nullable(Type.String()),
  revokedAt: Nullable(Type.String()),
  lastUsedAt: Nullable(Type.String()),
});

export async function identityRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Identity'];

  app.post('/session', {
    config: { access: { public: true } },
    schema: {
      tags,
      summary: 'Sign in with a local account',
      security: [],
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 200 }), password: Type.String({ minLength: 1, maxLength: 256 }) }, { additionalProperties: false }),
      response: { 200: SelfSchema },
    },
    handler: async (request, reply) => {
      const session = await signIn(ctx, request.body.username, request.body.password, { ip: request.ip, userAgent: request.headers['user-agent'] });
      void reply.setCookie(SESSION_COOKIE, session.cookieValue, sessionCookieOptions(ctx, session));
      return describeSelf(ctx, (await sessionPrincipal(ctx, session.cookieValue))!);
    },
  });

  app.get('/session', {
    config: { access: { signedIn: true } },
    schema: { tags, summary: 'Who is signed in', response: { 200: SelfSchema } },
    handler: async (request) => describeSelf(ctx, principalOf(request)),
  });

  app.delete('/session', {
    config: { access: { signedIn: true } },
    schema: { tags, summary: 'Sign out' },
    handler: async (request, reply) => {
      const cookie = request.cookies[SESSION_COOKIE];
      if (cookie) await closeSession(ctx, cookie);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  });

  app.get('/tokens', {
    config: { access: { signedIn: true, resource: 'api_token' } },
    schema: { tags, summary: 'Your API tokens', querystring: PageQuery(['createdAt'], {}), response: { 200: Page(TokenSchema) } },
    handler: async (request) => {
      const query = ctx.db.selectFrom('api_token').selectAll().where('user_id', '=', principalOf(request).userId);
      const page = await paginate(query, { columns: { createdAt: 'created_at' }, tie: 'id', tieKey: 'id', defaultSort: '-createdAt' }, request.query);
      return mapPage(page, (r) => presentToken(r));
    },
  });

  app.post('/tokens', {
    config: { access: { signedIn: true, resource: 'api_token' } },
    schema: {
      tags,
      summary: 'Create an API token (the secret is shown once)',
      body: Type.Object(
        {
          name: Type.String({ minLength: 1, maxLength: 100 }),
          scopes: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 50 })),
          expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
        },
        { additionalProperties: false },
      ),
      response: { 201: Type.Intersect([TokenSchema, Type.Object({ token: Type.String() })]) },
    },
    handler: async (request, reply) => {
      const principal = principalOf(request);
      const callerScopes = principal.via === 'token' ? await scopesOfToken(ctx, principal.tokenId!) : undefined;
      const scopes = request.body.scopes?.length ? request.body.scopes : (callerScopes ?? ['*']);
      checkScopes(principal, scopes, callerScopes);
      const token = await createToken(ctx, principal, principal.userId, { ...request.body, scopes });
      return reply.status(201).send(token);
    },
  });

  app.delete('/tokens/:id', {
    config: { access: { signedIn: true, resource: 'api_token' } },
    schema: { tags, summary: 'Revoke an API token', params: Type.Object({ id: Type.Integer({ minimum: 1 }) }), response: { 200: TokenSchema } },
    handler: async (request) => revokeToken(ctx, principalOf(request), request.params.id),
  });
}
