/**
 * Frontload's Prometheus metric families, on a registry of their own. The API builds one per app
 * (tests build many apps in one process); a worker process records into its process-wide set,
 * {@link processMetrics}, which its metrics server exposes.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds; from a fast Redis round trip to a slow full sync. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** Every family Frontload records, on one registry. */
export interface FrontloadMetrics {
  registry: Registry;
  /** Job attempts by queue, job name and outcome (completed, failed, retrying). */
  jobDuration: Histogram<'queue' | 'job_name' | 'outcome'>;
  /** Provider requests by provider, API route (`events.list`) and HTTP status (or `network`). */
  providerCalls: Counter<'provider' | 'route' | 'status'>;
  providerCallDuration: Histogram<'provider' | 'route' | 'status'>;
  /** Plan operations by kind and stage: planned (stored in a plan), applied, skipped or failed. */
  planOperations: Counter<'kind' | 'stage'>;
  /** Webhook delivery attempts by outcome (delivered, retry_scheduled, abandoned, skipped). */
  webhookDeliveries: Counter<'outcome'>;
  /** API requests by method, route template and status code. */
  httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
}

/** Where a plan operation is: stored in a plan, or its outcome when a run applied it. */
export type PlanOperationStage = 'planned' | 'applied' | 'skipped' | 'failed';

/** Creates every family on a new registry, plus prom-client's default process metrics. */
export function createMetrics(): FrontloadMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    jobDuration: new Histogram({
      name: 'frontload_job_duration_seconds',
      help: 'How long job attempts ran, by queue, job name and outcome (completed, failed, retrying).',
      labelNames: ['queue', 'job_name', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    providerCalls: new Counter({
      name: 'frontload_provider_calls_total',
      help: 'Calendar provider requests, by provider, API route and HTTP status (network: no response).',
      labelNames: ['provider', 'route', 'status'],
      registers,
    }),
    providerCallDuration: new Histogram({
      name: 'frontload_provider_call_duration_seconds',
      help: 'Calendar provider request durations, by provider, API route and HTTP status.',
      labelNames: ['provider', 'route', 'status'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
    planOperations: new Counter({
      name: 'frontload_plan_operations_total',
      help: 'Plan operations by kind and stage: planned (stored in a plan), applied, skipped or failed.',
      labelNames: ['kind', 'stage'],
      registers,
    }),
    webhookDeliveries: new Counter({
      name: 'frontload_webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome: delivered, retry_scheduled, abandoned or skipped.',
      labelNames: ['outcome'],
      registers,
    }),
    httpRequestDuration: new Histogram({
      name: 'frontload_http_request_duration_seconds',
      help: 'API request durations, by method, route template and status code.',
      labelNames: ['method', 'route', 'status_code'],
      buckets: DURATION_BUCKETS,
      registers,
    }),
  };
}

let processWide: FrontloadMetrics | undefined;

/**
 * The metrics of this process, created on first use. Worker code records here (plan operations,
 * webhook deliveries, provider calls, job durations) and the worker's metrics server exposes it.
 */
export function processMetrics(): FrontloadMetrics {
  return (processWide ??= createMetrics());
}
