import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AppContext } from '../../core/context.ts';
import { Problem } from '../../core/errors.ts';
import { Nullable } from '../../core/http/schemas.ts';
import { problemBody, toProblem } from '../../core/http/problem-handler.ts';
import { OidcRelyingParty } from '../../core/auth/oidc.ts';
import { newSecret } from '../../core/auth/secrets.ts';
import { SESSION_COOKIE, sessionCookieOptions } from '../../core/auth/sessions.ts';
import { beginSingleSignOn, finishSingleSignOn } from './oidc-service.ts';
import { PENDING_MINUTES } from './oidc-queries.ts';

export const SSO_LOGIN_PATH = '/auth/oidc/login';
const SSO_CALLBACK_PATH = '/auth/oidc/callback';
/** Ties a sign-in to the browser that began it (see migrations/0002_single_sign_on.sql). */
const BROWSER_COOKIE = 'n3sp_sso';

/** Under /api/v1: which ways of signing in the web application should offer. */
export async function signInProviderRoutes(appBase: FastifyInstance, ctx: AppContext): Promise<void> {
  const app = appBase.withTypeProvider<TypeBoxTypeProvider>();
  app.get('/auth/providers', {
    config: { access: { public: true } },
    schema: {
      tags: ['Identity'],
      summary: 'Ways of signing in besides a local account',
      security: [],
      response: { 200: Type.Object({ oidc: Nullable(Type.Object({ label: Type.String(), loginUrl: Type.String() })) }) },
    },
    handler: async () => ({ oidc: ctx.config.oidc ? { label: ctx.config.oidc.label, loginUrl: SSO_LOGIN_PATH } : null }),
  });
}

/**
 * Outside /api: the two browser navigations of single sign-on. They answer with redirects, and
 * with a short HTML page (or problem details, for a client asking for JSON) when sign-in fails.
 */
export async function singleSignOnRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const rp = ctx.config.oidc ? new OidcRelyingParty(ctx.config.oidc) : undefined;
  const relyingParty = () => {
    if (!rp) throw new Problem(404, 'not-found', 'Not found', 'Single sign-on is not configured on this n3sp.');
    return rp;
  };
  const browserCookie = { httpOnly: true, sameSite: 'lax' as const, secure: ctx.config.publicUrl.startsWith('https:'), path: '/auth/oidc' };
  const common = { config: { access: { public: true as const } }, schema: { hide: true }, errorHandler: sendFailure };

  app.get(SSO_LOGIN_PATH, {
    ...common,
    handler: async (request, reply) => {
      const party = relyingParty();
      // One browser secret serves every tab signing in at once; a new one only when there is none.
      const existing = request.cookies[BROWSER_COOKIE];
      const browserSecret = existing && /^[\w-]{43}$/.test(existing) ? existing : newSecret();
      const url = await beginSingleSignOn(ctx, party, callbackUrl(request), browserSecret);
      void reply.setCookie(BROWSER_COOKIE, browserSecret, { ...browserCookie, maxAge: PENDING_MINUTES * 60 });
      return reply.header('cache-control', 'no-store').redirect(url.href, 302);
    },
  });

  app.get(SSO_CALLBACK_PATH, {
    ...common,
    handler: async (request, reply) => {
      const party = relyingParty();
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const state = new URLSearchParams(query).get('state') ?? undefined;
      const session = await finishSingleSignOn(
        ctx,
        party,
        { state, query, browserSecret: request.cookies[BROWSER_COOKIE] },
        { ip: request.ip, userAgent: request.headers['user-agent'] },
      );
      void reply.setCookie(SESSION_COOKIE, session.cookieValue, sessionCookieOptions(ctx, session));
      void reply.clearCookie(BROWSER_COOKIE, { path: browserCookie.path });
      return reply.header('cache-control', 'no-store').redirect('/', 302);
    },
  });
}

/**
 * The callback address, on the origin the browser used (Fastify reads X-Forwarded-Proto and
 * -Host behind a proxy). Taking it from the request rather than from N3SP_PUBLIC_URL lets n3sp
 * answer on more than one name; it is safe because the provider only redirects to addresses
 * registered for the client, and the callback uses the address the sign-in began with.
 */
function callbackUrl(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}${SSO_CALLBACK_PATH}`;
}

function sendFailure(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const problem = toProblem(error);
  if (problem.status >= 500) request.log.error({ err: error }, 'single sign-on failed');
  else request.log.warn({ err: (error as { cause?: unknown }).cause ?? error, problem: problem.code }, 'single sign-on refused');
  void reply.status(problem.status).headers(problem.headers ?? {}).header('cache-control', 'no-store');
  // A browser navigating gets a page; a client that asks for anything else gets problem details.
  if (!String(request.headers.accept ?? '').includes('text/html')) {
    void reply.type('application/problem+json').send(problemBody(problem, request));
    return;
  }
  void reply.type('text/html; charset=utf-8').send(failurePage(problem));
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A plain page a person can read: what went wrong, and the way back to the sign-in page. */
function failurePage(problem: Problem): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(problem.title)} — n3sp</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#212b32}h1{font-size:1.5rem}a{color:#005eb8}</style>
</head><body><main>
<h1>${escapeHtml(problem.title)}</h1>
<p>${escapeHtml(problem.detail ?? '')}</p>
<p><a href="/">Back to sign-in</a></p>
<p><small>${escapeHtml(problem.type)} (${problem.status})</small></p>
</main></body></html>
`;
}
