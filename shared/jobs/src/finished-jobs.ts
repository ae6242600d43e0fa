/**
 * How long each job ran and how it ended, read from BullMQ's own `processedOn`/`finishedOn`
 * stamps when the worker reports it completed or failed. Metrics turn these into job durations.
 */
import type { QueueName } from './queues.js';
import type { RunningWorker } from './worker.js';

/** One finished attempt: `retrying` failed but has attempts left, `failed` failed for good. */
export interface FinishedJob {
  queue: QueueName;
  jobName: string;
  outcome: 'completed' | 'failed' | 'retrying';
  durationMs: number;
}

/** Receives every finished attempt of a worker process's jobs. */
export type FinishedJobListener = (finished: FinishedJob) => void;

function durationMs(job: { processedOn?: number | undefined; finishedOn?: number | undefined }): number {
  // A failure with attempts left has no finishedOn yet (the job goes back to wait or delayed).
  return job.processedOn ? Math.max(0, (job.finishedOn ?? Date.now()) - job.processedOn) : 0;
}

/** Calls `listener` for every job `running` completes or fails. A deferral (rate limit) is neither. */
export function reportFinishedJobs<Q extends QueueName>(
  running: RunningWorker<Q>,
  listener: FinishedJobListener,
): void {
  const { queue, worker } = running;
  worker.on('completed', (job) =>
    listener({ queue, jobName: job.name, outcome: 'completed', durationMs: durationMs(job) }),
  );
  worker.on('failed', (job) => {
    if (!job) return;
    const outcome = job.finishedOn ? 'failed' : 'retrying';
    listener({ queue, jobName: job.name, outcome, durationMs: durationMs(job) });
  });
}
