import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { AjvCompiler, type BuildCompilerFromPool } from '@fastify/ajv-compiler';
import type { AppContext } from '../context.ts';
import { installAuthentication } from '../auth/authenticate.ts';
import { installProblemHandling, problemBody } from './problem-handler.ts';
import { refuseNulCharacters } from './text-input.ts';
import { installRouteAccess } from './route-access.ts';
import { ProblemSchema } from './schemas.ts';
import { problems } from '../errors.ts';
import { pendingMigrations } from '../db/migrate.ts';
import { sql } from 'kysely';
import { installWebApp } from './web-app.ts';
import { apiModules, browserModules } from '../../modules/index.ts';

export interface AppOptions {
  logger?: boolean | object;
  /** Serve the built web application from dist/web (off in API-only tests). */
  web?: boolean;
}

/**
 * One log line per request, when it completes (method, path, caller's address, status, time
 * taken), instead of Fastify's two (one on arrival, one on completion): the arrival line says
 * nothing the completion line does not, and request logging is paid on every call.
 */
class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}

const validatorPool = AjvCompiler();

/**
 * Query strings, paths and headers arrive as text, so their numbers and lists are read from it
 * (`?limit=5`, one `?state=` or several). A JSON body has types of its own: a title sent as 123 or
 * a team id sent as "7" is the caller's mistake, refused naming the field, not quietly converted.
 */
const jsonBodiesAsSent: BuildCompilerFromPool = (externalSchemas, options) => {
  const fromText = validatorPool(externalSchemas, options);
  const asSent = validatorPool(externalSchemas, { ...options, customOptions: { ...options?.customOptions, coerceTypes: false } } as typeof options);
  // Fastify calls the compiler with the route's schema and the part it validates (its types say schema alone).
  return ((route: { httpPart?: string }) => (route.httpPart === 'body' ? asSent : fromText)(route as never)) as ReturnType<BuildCompilerFromPool>;
};

/**
 * The HTTP application: one Fastify instance with, in order, cookies, authentication (who),
 * route access (may they), validation (the route's schema), the module's handler, and problem
 * details for anything that goes wrong.
 */
export async function buildApp(ctx: AppContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    logController: new RequestLogController(),
    trustProxy: ctx.config.trustProxy,
    bodyLimit: 10 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, allErrors: true, coerceTypes: 'array', useDefaults: true } },
    schemaController: { compilersFactory: { buildValidator: jsonBodiesAsSent } },
  });
  installProblemHandling(app);
  // The API speaks JSON only: plain text is refused as an unsupported type (415), as any other is,
  // rather than read as a string and refused as a body of the wrong shape.
  app.removeContentTypeParser('text/plain');
  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'n3sp API',
        version: '1',
        description:
          'Service management for a national healthcare network. Errors are RFC 9457 problem details; lists are cursor-paginated; updates need If-Match; creates accept Idempotency-Key.',
      },
      components: {
        securitySchemes: {
          apiToken: { type: 'http', scheme: 'bearer', description: 'An API token from POST /api/v1/tokens or `n3sp token create`' },
          session: { type: 'apiKey', in: 'cookie', name: 'n3sp_session' },
        },
      },
      security: [{ apiToken: [] }, { session: [] }],
    },
  });
  app.addSchema(ProblemSchema);
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true, validatorUrl: null } as object });
  installAuthentication(app, ctx);
  installRouteAccess(app);
  refuseNulCharacters(app);

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'up' }));
  app.get('/readyz', { schema: { hide: true } }, async (request, reply) => {
    try {
      await sql`select 1`.execute(ctx.db);
      const pending = await pendingMigrations(ctx.db);
      if (pending.length) return reply.status(503).type('application/problem+json').send({ status: 503, title: 'Not ready', detail: `migrations pending: ${pending.join(', ')}` });
      return { status: 'ready', engine: ctx.engine };
    } catch {
      return reply.status(503).type('application/problem+json').send({ status: 503, title: 'Not ready', detail: 'database unreachable' });
    }
  });

  await app.register(
    async (api) => {
      for (const register of apiModules) await register(api, ctx);
    },
    { prefix: '/api/v1' },
  );
  for (const register of browserModules) await register(app, ctx);

  if (options.web) await installWebApp(app);
  app.setNotFoundHandler((request, reply) => {
    const problem = problems.notFound(`route ${request.method} ${request.url.split('?')[0]}`);
    void reply.status(404).type('application/problem+json').send(problemBody(problem, request));
  });
  return app;
}
