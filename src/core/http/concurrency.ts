import type { FastifyReply, FastifyRequest } from 'fastify';
import { problems } from '../errors.ts';

/** Optimistic concurrency: a record's ETag is its version; an update must name the one it read. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

export function setEtag(reply: FastifyReply, version: number): void {
  void reply.header('etag', etagOf(version));
}

/** The version the caller last read, from If-Match; 428 when absent, 412 when unreadable. */
export function expectedVersion(request: FastifyRequest): number {
  const header = request.headers['if-match'];
  if (!header) throw problems.preconditionRequired();
  const match = /^"(\d+)"$/.exec(String(header).trim());
  if (!match) throw problems.preconditionFailed();
  return Number(match[1]);
}
