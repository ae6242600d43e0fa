/** What every Microsoft route module receives. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxCore } from '../core/types.js';
import { requestIds } from './errors.js';
import type { EventService } from './event-service.js';
import type { MicrosoftStore } from './store.js';

export interface MicrosoftContext {
  core: SandboxCore;
  store: MicrosoftStore;
  events: EventService;
}

/** Graph's JSON media type and diagnostics headers. */
export function sendGraph(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  body?: unknown,
): FastifyReply {
  const ids = requestIds(request);
  void reply
    .code(status)
    .header('request-id', ids.requestId)
    .header('client-request-id', ids.clientRequestId);
  if (body === undefined) return reply.send();
  return reply
    .header('odata-version', '4.0')
    .type(
      'application/json; odata.metadata=minimal; odata.streaming=true; IEEE754Compatible=false; charset=utf-8',
    )
    .send(body);
}

export function graphBase(core: SandboxCore): string {
  return `${core.baseUrl().replace(/\/+$/, '')}/v1.0`;
}

/** Rebuilds the request URL on the sandbox's public base with some query options replaced. */
export function selfLink(
  core: SandboxCore,
  request: FastifyRequest,
  replace: Record<string, string>,
): string {
  const url = new URL(request.url, 'http://sandbox.invalid');
  const params = new URLSearchParams();
  const replaced = new Set(Object.keys(replace).map((k) => k.toLowerCase()));
  for (const [key, value] of url.searchParams)
    if (!replaced.has(key.toLowerCase())) params.append(key, value);
  for (const [key, value] of Object.entries(replace)) params.append(key, value);
  const query = params.toString().replace(/%24/g, '$');
  return `${core.baseUrl().replace(/\/+$/, '')}${url.pathname}${query === '' ? '' : `?${query}`}`;
}
