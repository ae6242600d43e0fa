/**
 * Conditional GET for the reads the settings page polls while it waits for the workers (the current
 * plan, the connections, the week's events). The ETag is a hash of the body as serialized, so it
 * changes exactly when the answer does; a request whose If-None-Match names it gets an empty 304,
 * which the page reads as "nothing new" without parsing or drawing anything.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The ETag of a serialized body: weak, since the same JSON may be encoded differently on the wire. */
export const etagOf = (body: string | Buffer): string =>
  `W/"${createHash('sha1').update(body).digest('base64url')}"`;

/** Whether an If-None-Match header names `etag` (a list of tags, or `*`; weak comparison). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

/**
 * An onSend hook for a GET route: tags a 200 answer with its ETag, and answers 304 with no body when
 * the client already holds it. `no-cache` keeps browsers asking (they may store, never reuse unasked).
 */
export async function conditionalGet(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<unknown> {
  if (reply.statusCode !== 200 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload;
  const etag = etagOf(payload);
  reply.header('etag', etag).header('cache-control', 'private, no-cache');
  if (!matchesIfNoneMatch(request.headers['if-none-match'], etag)) return payload;
  reply.code(304).removeHeader('content-type').removeHeader('content-length');
  return '';
}
