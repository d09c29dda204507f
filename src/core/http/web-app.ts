import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { problemBody } from './problem-handler.ts';
import { problems } from '../errors.ts';

export const WEB_DIST = fileURLToPath(new URL('../../../dist/web', import.meta.url));

/**
 * Serves the built React application from the same process: its files, and index.html for any
 * other page path so that the browser's router can take over. Nothing is loaded from elsewhere.
 */
export async function installWebApp(app: FastifyInstance): Promise<void> {
  if (!existsSync(WEB_DIST)) throw new Error(`the web application is not built (${WEB_DIST}); run npm run build`);
  const index = readFileSync(`${WEB_DIST}/index.html`, 'utf8');
  await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: false });
  const page = async (_: unknown, reply: import('fastify').FastifyReply) => reply.type('text/html').header('cache-control', 'no-cache').send(index);
  app.get('/', { schema: { hide: true } }, page);
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    if (request.url.startsWith('/api/')) {
      return reply.status(404).type('application/problem+json').send(problemBody(problems.notFound(`route ${request.method} ${request.url.split('?')[0]}`), request));
    }
    return page(request, reply);
  });
}
