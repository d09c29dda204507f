import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { problems } from '../errors.ts';
import type { Permission } from '../access/roles.ts';
import type { Principal } from '../access/principal.ts';

/**
 * What a route demands of its caller. Every route under /api declares one, or the server does
 * not start: that is how a new route can never be left open by omission.
 * - public: anyone, signed in or not (sign-in itself, health);
 * - signedIn: anyone signed in, acting on their own things (their session, their tokens);
 * - permission: a role must grant it; `resource` names the scoped record type the route reads
 *   or writes, which the tenancy test uses to prove that scope holds on this route.
 */
export type RouteAccess =
  | { public: true }
  | { signedIn: true; resource?: string }
  | { permission: Permission; resource: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyInstance {
    routeTable: Array<{ method: string; url: string; access: RouteAccess }>;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function installRouteAccess(app: FastifyInstance): void {
  app.decorate('routeTable', [] as FastifyInstance['routeTable']);
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const access = route.config?.access;
    if (!access) throw new Error(`${String(route.method)} ${route.url} declares no access rule`);
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      app.routeTable.push({ method, url: route.url, access });
    }
  });
  app.addHook('preValidation', async (request) => authorize(request));
}

/** Runs before the body is even validated: a caller who may not call a route learns nothing from it. */
function authorize(request: FastifyRequest): void {
  const access = request.routeOptions.config?.access;
  if (!access || 'public' in access) return;
  const principal = request.principal;
  if (!principal) throw problems.unauthorized();
  if (principal.via === 'session' && !SAFE_METHODS.has(request.method)) {
    if (!sameSecret(request.headers['x-csrf-token'], principal.csrfToken)) throw problems.csrf();
  }
  if ('permission' in access && !principal.permissions.has(access.permission)) throw problems.forbidden();
}

/** Compares secrets in constant time, so response timing reveals nothing of the expected one. */
function sameSecret(given: string | string[] | undefined, expected: string | undefined): boolean {
  if (typeof given !== 'string' || !expected) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The signed-in caller; routes that are not public can rely on it. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw problems.unauthorized();
  return request.principal;
}
