/**
 * `GET /metrics` in the Prometheus text format, from this app's own registry: request durations by
 * route template and status, queue depths and per-connection sync lag read at scrape time, and the
 * default process metrics. Meant for the cluster's Prometheus; see README (Observability).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Database } from '@frontload/db';
import { collectQueueDepth, collectSyncLag, createMetrics, type CollectError } from '@frontload/metrics';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { Errors } from '../errors.js';

export interface MetricsOptions {
  db: Database;
  /** The producer connection; queue depths are read on it. */
  redis: Redis;
  queuePrefix: string;
  now: () => Date;
  /** When set, `/metrics` answers only requests bearing this token (`METRICS_TOKEN`). */
  token?: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** Compares the bearer token in constant time (hashes make the lengths equal). */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  return timingSafeEqual(sha256(presented), sha256(token));
}

export const metrics = fp(async (app: FastifyInstance, options: MetricsOptions) => {
  const families = createMetrics();
  const onError: CollectError = (family, error) =>
    app.log.warn({ err: error, family }, 'metrics: could not collect a family');
  const queueDepth = collectQueueDepth(families, {
    connection: options.redis,
    prefix: options.queuePrefix,
    onError,
  });
  collectSyncLag(families, { db: options.db, now: options.now, onError });
  app.addHook('onClose', () => queueDepth.close());
  app.addHook('onResponse', async (request, reply) => {
    families.httpRequestDuration.observe(
      {
        method: request.method,
        // The route template keeps the label set small; unknown URLs share one label.
        route: request.routeOptions.url ?? 'unmatched',
        status_code: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { logLevel: 'warn', schema: { hide: true } }, async (request, reply) => {
    if (options.token !== undefined && !bearerMatches(request.headers.authorization, options.token)) {
      throw new Errors.Unauthenticated();
    }
    return reply.type(families.registry.contentType).send(await families.registry.metrics());
  });
});
