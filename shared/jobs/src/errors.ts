/**
 * Coded job errors. The failing ones extend BullMQ's `UnrecoverableError` so that BullMQ moves the
 * job straight to the failed set (no retries, still visible); the code is also put at the start of
 * the message because BullMQ stores only the message as the job's `failedReason`.
 */
import { UnrecoverableError } from 'bullmq';

/** One invalid field of a payload: a dotted path (`(payload)` for the whole object) and why. */
export interface PayloadIssue {
  field: string;
  message: string;
}

/**
 * A payload that does not match its catalogue schema. Thrown by producers before anything reaches
 * Redis, and by workers for a job that got into a queue some other way (it then fails without retry:
 * retrying cannot fix its data).
 */
export class JobPayloadError extends UnrecoverableError {
  readonly code = 'FL_JOB_PAYLOAD_INVALID';
  constructor(
    readonly jobName: string,
    readonly issues: readonly PayloadIssue[],
  ) {
    super(
      `FL_JOB_PAYLOAD_INVALID: invalid payload for job "${jobName}": ` +
        issues.map((i) => `${i.field} ${i.message}`).join('; '),
    );
    this.name = 'JobPayloadError';
  }
}

/**
 * Redis did not answer in time when enqueueing. Producers fail fast with this so an API request
 * never hangs on a Redis outage; the caller decides (503, or a catch-up sweep picks the work up).
 */
export class QueueUnavailableError extends Error {
  readonly code = 'FL_QUEUE_UNAVAILABLE';
  constructor(queue: string, options?: ErrorOptions) {
    super(`FL_QUEUE_UNAVAILABLE: Redis is unavailable, could not enqueue on "${queue}"`, options);
    this.name = 'QueueUnavailableError';
  }
}

/**
 * Thrown by a processor whose work must wait for something else to finish first (a user's plan while
 * one of their runs is still being applied). The job goes back to the delayed set for `delayMs`
 * without spending an attempt, like a rate-limited job, and runs again then.
 */
export class JobDeferredError extends Error {
  readonly code = 'FL_JOB_DEFERRED';
  constructor(
    readonly why: string,
    readonly delayMs: number,
  ) {
    super(`FL_JOB_DEFERRED: ${why}`);
    this.name = 'JobDeferredError';
  }
}
