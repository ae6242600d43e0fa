/**
 * Adapters from the events other packages report to the metric families: the provider call hook
 * (`@frontload/providers` calls it after every request) and the finished-job listener
 * (`runWorkerProcess` calls it after every job attempt).
 */
import type { FinishedJobListener } from '@frontload/jobs';
import type { ProviderCallHook } from '@frontload/providers';
import type { FrontloadMetrics } from './metrics.js';

/** A provider call hook counting and timing every request by provider, route and status. */
export function providerCallMetrics(
  metrics: Pick<FrontloadMetrics, 'providerCalls' | 'providerCallDuration'>,
): ProviderCallHook {
  return {
    after(outcome) {
      const labels = { provider: outcome.provider, route: outcome.route, status: String(outcome.status) };
      metrics.providerCalls.inc(labels);
      metrics.providerCallDuration.observe(labels, outcome.durationMs / 1000);
    },
  };
}

/** A finished-job listener recording each attempt's duration by queue, job name and outcome. */
export function jobDurationMetrics(metrics: Pick<FrontloadMetrics, 'jobDuration'>): FinishedJobListener {
  return ({ queue, jobName, outcome, durationMs }) =>
    metrics.jobDuration.observe({ queue, job_name: jobName, outcome }, durationMs / 1000);
}
