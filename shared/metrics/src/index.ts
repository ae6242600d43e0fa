/**
 * @frontload/metrics — Prometheus metrics (prom-client): the metric families, the recorders that
 * feed them (provider call hook, finished-job listener), the scrape-time collectors (queue depth,
 * sync lag) and a worker process's metrics server.
 */
export { createMetrics, processMetrics, type FrontloadMetrics, type PlanOperationStage } from './metrics.js';
export { jobDurationMetrics, providerCallMetrics } from './recorders.js';
export {
  collectQueueDepth,
  collectSyncLag,
  type CollectError,
  type QueueDepthSource,
  type SyncLagSource,
} from './collectors.js';
export { serveMetrics, type MetricsServer } from './server.js';
export { sampleValue } from './exposition.js';
export { startWorkerMetrics, type WorkerMetrics } from './worker-metrics.js';
