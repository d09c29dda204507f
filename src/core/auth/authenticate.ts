import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../context.ts';
import { problems } from '../errors.ts';
import { SESSION_COOKIE, sessionPrincipal } from './sessions.ts';
import { tokenPrincipal } from './tokens.ts';

/**
 * Works out who is calling, once per request: a Bearer API token, or the session cookie. A
 * token that is presented but not valid is refused outright; a stale cookie just means "not
 * signed in" (the web application then shows the sign-in page).
 */
export function installAuthentication(app: FastifyInstance, ctx: AppContext): void {
  app.addHook('onRequest', async (request) => {
    const authorization = request.headers.authorization;
    if (authorization) {
      const [scheme, secret] = authorization.split(' ', 2);
      if (scheme?.toLowerCase() !== 'bearer' || !secret) throw problems.unauthorized('Authorization must be "Bearer <API token>".');
      request.principal = await tokenPrincipal(ctx, secret.trim());
      if (!request.principal) throw problems.unauthorized('The API token is not valid, has expired or was revoked.');
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) request.principal = await sessionPrincipal(ctx, cookie);
  });
}
