import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxRuntime } from './create-core.js';
import type { FaultRule, ProviderKind } from './types.js';

/** `GET /calendar/v3/calendars/:calendarId/events`: the form routes are logged and matched by. */
export function routeKey(request: FastifyRequest): string {
  return `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
}

const isControlRoute = (request: FastifyRequest) =>
  (request.routeOptions.url ?? request.url).startsWith('/_sandbox');

/** The account behind a Bearer token, if any (both providers send their access tokens this way). */
function bearerAccount(core: SandboxRuntime, request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] === undefined ? undefined : core.tokens.verifyAccessToken(match[1])?.accountId;
}

/**
 * Request log and fault injection for one provider's routes: every request is logged on response with
 * its route pattern, and a matching fault rule may delay it, answer it with an error, or never answer.
 */
export function installProviderHooks(scope: FastifyInstance, core: SandboxRuntime, provider: ProviderKind) {
  const held = new Set<FastifyRequest>();
  scope.addHook('onRequest', async (request, reply) => {
    if (isControlRoute(request)) return;
    const accountId = bearerAccount(core, request);
    if (accountId !== undefined) {
      core.log.noteAccount(request, accountId);
      // In flight from now (injected latency included) until the response ends or the client gives up.
      reply.raw.once('close', core.log.begin(accountId));
    }
    const rule = core.faults.match({
      provider,
      route: routeKey(request),
      ...(accountId ? { accountId } : {}),
    });
    if (!rule) return;
    core.log.noteFault(request, rule.id);
    if (rule.latencyMs) await new Promise((resolve) => setTimeout(resolve, rule.latencyMs));
    if (rule.timeout) return holdForever(core, provider, request, reply, held);
    if (rule.status !== undefined) return answerWithFault(core, provider, reply, rule, routeKey(request));
  });
  scope.addHook('onResponse', async (request, reply) => {
    if (isControlRoute(request)) return;
    core.log.finish(request, {
      provider,
      method: request.method,
      route: routeKey(request),
      status: reply.statusCode,
    });
  });
  // A held request would keep the server from closing; drop those connections on shutdown.
  scope.addHook('onClose', async () => {
    for (const request of held) request.raw.socket.destroy();
    held.clear();
  });
}

function answerWithFault(
  core: SandboxRuntime,
  provider: ProviderKind,
  reply: FastifyReply,
  rule: FaultRule,
  route: string,
) {
  const status = rule.status ?? 500;
  const shaped = core.provider(provider)?.faultResponse?.(status, rule.retryAfterSeconds, route);
  const headers: Record<string, string> = { ...shaped?.headers };
  if (rule.retryAfterSeconds !== undefined) headers['retry-after'] = String(rule.retryAfterSeconds);
  return reply
    .code(status)
    .headers(headers)
    .send(shaped?.body ?? { error: { code: status, message: 'Injected fault' } });
}

function holdForever(
  core: SandboxRuntime,
  provider: ProviderKind,
  request: FastifyRequest,
  reply: FastifyReply,
  held: Set<FastifyRequest>,
) {
  // The client sees a request that never completes; onResponse will not run, so log it now.
  reply.hijack();
  held.add(request);
  request.raw.socket.once('close', () => held.delete(request));
  core.log.finish(request, { provider, method: request.method, route: routeKey(request), status: 0 });
}
