/**
 * The API as one Fastify instance built from explicit dependencies (no env reads, no globals),
 * so tests build it with `app.inject()` and `main.ts` builds it from the parsed config.
 */
import { DEVELOPMENT_SESSION_SECRET } from '@frontload/config';
import type { Database } from '@frontload/db';
import { DEFAULT_QUEUE_PREFIX, type Producers } from '@frontload/jobs';
import type { OAuth } from '@frontload/providers/oauth';
import type { TokenVault, UrlPolicy } from '@frontload/security';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import type { Redis } from 'ioredis';
import { Errors } from './errors.js';
import { auth } from './plugins/auth.js';
import { ajvSafeText, guardRouteSchemas } from './plugins/input-guard.js';
import { logContext } from './plugins/log-context.js';
import { metrics } from './plugins/metrics.js';
import { adminQueueRoutes } from './routes/admin-queues.js';
import { errorHandler, frameworkErrors } from './plugins/error-handler.js';
import { openapi } from './plugins/openapi.js';
import rateLimit from '@fastify/rate-limit';
import { accountRoutes } from './routes/api/account.js';
import { connectionRoutes } from './routes/api/connections.js';
import { planRoutes } from './routes/api/plans.js';
import { tokenRoutes } from './routes/api/tokens.js';
import { webhookRoutes } from './routes/api/webhooks.js';
import { healthRoutes } from './routes/health.js';
import { oauthRoutes } from './routes/oauth.js';
import { security } from './plugins/security.js';
import { preferenceRoutes } from './routes/api/preferences.js';
import { peopleRoutes } from './routes/api/people.js';
import { insightRoutes } from './routes/api/insights.js';
import { overrideRoutes } from './routes/api/overrides.js';
import { calendarViewRoutes } from './routes/api/events.js';
import { webRoutes } from './routes/web.js';
import { pushRoutes } from './routes/push.js';
import { streamRoutes } from './routes/api/stream.js';

export interface AppDependencies {
  db: Database;
  redis: Redis;
  producers: Producers;
  oauth: OAuth;
  vault: TokenVault;
  /** What webhook targets may be: https only and public addresses unless relaxed for development. */
  webhookPolicy?: UrlPolicy;
  /** Base URL users reach the API at; decides whether cookies are `Secure`. */
  publicUrl?: string;
  /** BullMQ key prefix of the queues (`QUEUE_PREFIX`): metrics and the dashboard read them. */
  queuePrefix?: string;
  /** SESSION_SECRET: keys the HMAC binding CSRF tokens to their session; a development value by default. */
  sessionSecret?: string;
  /** Proxies whose X-Forwarded-For is believed (`TRUST_PROXY`); none by default, so a client cannot pick its address. */
  trustProxy?: readonly string[];
  /** Bearer token `/metrics` requires (`METRICS_TOKEN`); unset, it is open. */
  metricsToken?: string;
  /** Provider-verified emails of users who may open the queue dashboard (`ADMIN_EMAILS`). */
  adminEmails?: readonly string[];
  /** Identities (`provider:subject`) whose users may open the queue dashboard (`ADMIN_SUBJECTS`). */
  adminSubjects?: readonly string[];
  logger?: FastifyServerOptions['logger'];
  /** Called with every route as it is registered, its schemas included (the suites that cover every route). */
  onRoute?: (route: RouteOptions) => void;
  /** Injected clock (tests move it); defaults to the system clock. */
  now?: () => Date;
  /** How long one live event stream lasts before the page connects again (tests shorten it). */
  streamLifetimeMs?: number;
}

function isLocalHttp(publicUrl: string): boolean {
  const url = new URL(publicUrl);
  return url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const now = deps.now ?? (() => new Date());
  const publicUrl = deps.publicUrl ?? 'http://localhost:3000';
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: 256 * 1024,
    requestIdHeader: 'x-request-id',
    trustProxy: deps.trustProxy?.length ? [...deps.trustProxy] : false,
    frameworkErrors,
    // Bodies are validated by schema; unknown properties are an error, not silently dropped.
    // `safeText` (plugins/input-guard.ts) refuses NUL and unpaired surrogates in any string.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true },
      plugins: [ajvSafeText],
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Before any route is registered, so that every route's body, querystring and params get the guard.
  app.addHook('onRoute', (route) => {
    guardRouteSchemas(route);
    deps.onRoute?.(route);
  });
  const queuePrefix = deps.queuePrefix ?? DEFAULT_QUEUE_PREFIX;
  await app.register(logContext);
  await app.register(errorHandler);
  await app.register(metrics, {
    db: deps.db,
    redis: deps.redis,
    queuePrefix,
    now,
    ...(deps.metricsToken === undefined ? {} : { token: deps.metricsToken }),
  });
  // Two contexts. The provider-facing receivers (and the health probes) sit at the root, where only
  // the log context, the error handler and the request metrics run: they answer providers, not
  // browsers, and are the hottest routes by far (tests/load measures them against a handler that
  // only enqueues). Everything a browser or an API client reaches lives in `site`, whose plugins
  // (cookies, session, CSRF, security headers, rate limits) hook only its own routes.
  await app.register(
    healthRoutes([
      { name: 'postgres', check: () => deps.db.ping() },
      { name: 'redis', check: async () => void (await deps.redis.ping()) },
    ]),
  );
  await app.register(pushRoutes, { db: deps.db, producers: deps.producers });
  await app.register(async (site) => {
    await site.register(openapi);
    // Only routes that ask for it (auth) are limited; the limit is per client address, counted in
    // Redis so that every API replica shares one budget per client.
    await site.register(rateLimit, {
      global: false,
      redis: deps.redis,
      nameSpace: `${queuePrefix}:rate-limit:`,
      // While Redis is unreachable the sign-in routes are served unlimited rather than failing.
      skipOnError: true,
      // Its own code, so that clients can tell "slow down" from a bad request.
      errorResponseBuilder: () => new Errors.RateLimited(),
    });
    await site.register(auth, { db: deps.db, now, secureCookies: !isLocalHttp(publicUrl) });
    await site.register(security, {
      secure: !isLocalHttp(publicUrl),
      sessionSecret: deps.sessionSecret ?? DEVELOPMENT_SESSION_SECRET,
    });
    // Before the routes whose writes it announces to the user's other pages.
    await site.register(streamRoutes, {
      redis: deps.redis,
      producers: deps.producers,
      queuePrefix,
      ...(deps.streamLifetimeMs === undefined ? {} : { lifetimeMs: deps.streamLifetimeMs }),
    });
    await site.register(adminQueueRoutes, {
      db: deps.db,
      redis: deps.redis,
      queuePrefix,
      adminEmails: deps.adminEmails ?? [],
      adminSubjects: deps.adminSubjects ?? [],
      secure: !isLocalHttp(publicUrl),
    });
    await site.register(webRoutes);
    await site.register(oauthRoutes, {
      db: deps.db,
      oauth: deps.oauth,
      now,
      publicUrl,
      secureCookies: !isLocalHttp(publicUrl),
      sealTokens: (tokens, context) => deps.vault.seal(tokens, context),
      enqueueInitialSync: async (connectionId) =>
        void (await deps.producers.enqueueSync({ connectionId, reason: 'initial' })),
    });
    await site.register(accountRoutes, { prefix: '/api/v1', db: deps.db, producers: deps.producers });
    await site.register(preferenceRoutes, {
      prefix: '/api/v1',
      db: deps.db,
      producers: deps.producers,
      now,
    });
    await site.register(peopleRoutes, { prefix: '/api/v1', db: deps.db, producers: deps.producers, now });
    await site.register(insightRoutes, { prefix: '/api/v1', db: deps.db, now });
    await site.register(overrideRoutes, { prefix: '/api/v1', db: deps.db, producers: deps.producers, now });
    await site.register(calendarViewRoutes, { prefix: '/api/v1', db: deps.db });
    await site.register(tokenRoutes, { prefix: '/api/v1', db: deps.db, now });
    await site.register(connectionRoutes, {
      prefix: '/api/v1',
      db: deps.db,
      now,
      producers: deps.producers,
    });
    await site.register(planRoutes, { prefix: '/api/v1', db: deps.db, producers: deps.producers, now });
    await site.register(webhookRoutes, {
      prefix: '/api/v1',
      db: deps.db,
      vault: deps.vault,
      producers: deps.producers,
      urlPolicy: deps.webhookPolicy ?? {},
      publicUrl,
      now,
    });
  });
  return app;
}
