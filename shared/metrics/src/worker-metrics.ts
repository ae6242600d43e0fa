/**
 * Metrics for a worker process, in one call from its main.ts: the process-wide families, the
 * listener and hook that feed them, and the metrics server when `METRICS_PORT` asks for one.
 */
import type { WorkerEnv } from '@frontload/config';
import type { FinishedJobListener } from '@frontload/jobs';
import type { Logger } from '@frontload/logging';
import type { ProviderCallHook } from '@frontload/providers';
import { processMetrics, type FrontloadMetrics } from './metrics.js';
import { jobDurationMetrics, providerCallMetrics } from './recorders.js';
import { serveMetrics } from './server.js';

/** What a worker's main.ts wires in. */
export interface WorkerMetrics {
  metrics: FrontloadMetrics;
  /** For `runWorkerProcess({ onJobFinished })`: job durations. */
  onJobFinished: FinishedJobListener;
  /** For the provider call hooks: provider calls by provider, route and status. */
  providerCallHook: ProviderCallHook;
  /** The port metrics are served on; undefined when `METRICS_PORT` is 0. */
  port: number | undefined;
  close(): Promise<void>;
}

/** Starts the worker's metrics (and its server unless `METRICS_PORT` is 0). */
export async function startWorkerMetrics(
  env: Pick<WorkerEnv, 'METRICS_HOST' | 'METRICS_PORT'>,
  logger: Logger,
): Promise<WorkerMetrics> {
  const metrics = processMetrics();
  const server =
    env.METRICS_PORT === 0
      ? undefined
      : await serveMetrics(metrics.registry, { host: env.METRICS_HOST, port: env.METRICS_PORT });
  if (server) logger.info({ host: env.METRICS_HOST, port: server.port }, 'serving metrics at /metrics');
  return {
    metrics,
    onJobFinished: jobDurationMetrics(metrics),
    providerCallHook: providerCallMetrics(metrics),
    port: server?.port,
    close: async () => server?.close(),
  };
}
