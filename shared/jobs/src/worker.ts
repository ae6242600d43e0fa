/**
 * The worker runner: one BullMQ worker per queue, validating every payload against the catalogue,
 * logging each job with a child logger, stamping the heartbeat on every fetch, and turning
 * provider rate limits into a delayed retry.
 */
import { DelayedError, Worker, type Job, type JobJsonRaw, type Processor } from 'bullmq';
import { withLogContext, type Logger } from '@frontload/logging';
import type { JobName, JobNameOf, JobPayload, JobResult, QueuePayload } from './catalogue.js';
import { closeRedisConnection, createRedisConnection } from './connection.js';
import { JobDeferredError, JobPayloadError } from './errors.js';
import type { Heartbeat } from './heartbeat.js';
import type { QueueName } from './queues.js';
import { validatePayload } from './validate.js';

/** Handles one job name: receives the validated payload, the BullMQ job and a bound logger. */
export type JobProcessor<N extends JobName> = (
  payload: JobPayload<N>,
  job: Job<JobPayload<N>, JobResult, N>,
  log: Logger,
) => Promise<JobResult>;

type UntypedProcessor = (payload: unknown, job: unknown, log: Logger) => Promise<JobResult>;

/** One processor for every job name of queue `Q`. */
export type QueueProcessors<Q extends QueueName> = { [N in JobNameOf<Q>]: JobProcessor<N> };

/** Settings for {@link startWorker}. */
export interface StartWorkerOptions<Q extends QueueName> {
  queue: Q;
  processors: QueueProcessors<Q>;
  connectionUrl: string;
  prefix: string;
  concurrency: number;
  logger: Logger;
  heartbeat?: Heartbeat;
  /** Seconds an idle fetch blocks before coming back (and stamping the heartbeat); default 5. */
  drainDelaySeconds?: number;
  /** BullMQ stalled-job check interval; a job whose worker died is retried after at most this. */
  stalledIntervalMs?: number;
  /** How long a job's lock lasts without renewal; default 30 s. */
  lockDurationMs?: number;
}

/** A running worker; `close()` stops fetching, waits for active jobs, then quits its connection. */
export interface RunningWorker<Q extends QueueName> {
  readonly queue: Q;
  readonly worker: Worker<QueuePayload<Q>, JobResult, JobNameOf<Q>>;
  close(): Promise<void>;
}

/**
 * How long a job may keep being deferred for rate limits, from when it first became ready to run;
 * after that each rate limit is a failed attempt, so a job stuck behind an endless throttle ends in
 * the failed set. A bound on time, not on a count: the per-account limiter defers often and briefly
 * (a mailbox with 4 requests in flight, a rate slot 100 ms away) and a 429 storm can last many
 * Retry-After periods — any count small enough to matter would fail jobs that only had to wait,
 * while a day is far beyond the throttling windows the providers document (seconds to minutes for
 * Graph, per-minute quotas for Google).
 */
export const MAX_RATE_LIMITED_MS = 24 * 3_600_000;

/** Without a Retry-After a job waits 1 s, doubling with each deferral of the same job, up to 5 min. */
const fallbackDelayMs = (deferrals: number) => Math.min(300_000, 1_000 * 2 ** Math.min(deferrals, 20));

/**
 * The delay an error asks for, if it is a rate limit: its `retryAfterMs`, else an exponential
 * fallback over the job's earlier deferrals. Duck-typed on `kind: 'rate_limited'` and
 * `retryAfterMs` so that `ProviderError` plugs in without this package importing it.
 */
export function rateLimitDelayMs(error: unknown, deferrals = 0): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { kind, retryAfterMs } = error as { kind?: unknown; retryAfterMs?: unknown };
  if (kind !== 'rate_limited') return undefined;
  return typeof retryAfterMs === 'number' && retryAfterMs >= 0 ? retryAfterMs : fallbackDelayMs(deferrals);
}

/** Runs of this job that ended in a deferral (started minus failed minus the current run). */
const deferralsOf = (job: Job) => Math.max(0, job.attemptsStarted - job.attemptsMade - 1);

/** Whether a rate-limited job may still be deferred rather than fail an attempt. */
const mayDefer = (job: Job, nowMs: number) =>
  nowMs - (job.timestamp + (job.opts.delay ?? 0)) <= MAX_RATE_LIMITED_MS;

/** A BullMQ worker that reports every return of its fetch loop (job or empty poll). */
class ObservedWorker<D, R, N extends string> extends Worker<D, R, N> {
  onFetch: (tookJob: boolean) => void = () => undefined;

  // `nextJobFromJobData` is where both fetch paths land: the blocking idle poll (every
  // drainDelay seconds when the queue is empty) and the next job handed over on completion.
  protected override async nextJobFromJobData(
    jobData?: JobJsonRaw,
    jobId?: string,
    token?: string,
  ): Promise<Job<D, R, N>> {
    const job = await super.nextJobFromJobData(jobData, jobId, token);
    this.onFetch(Boolean(job));
    return job;
  }
}

function processorFor<Q extends QueueName>(
  options: StartWorkerOptions<Q>,
): Processor<QueuePayload<Q>, JobResult, JobNameOf<Q>> {
  const { queue, processors, logger } = options;
  return async (job, token) => {
    const log = logger.child({ queue, jobId: job.id, jobName: job.name, attempt: job.attemptsMade + 1 });
    // The mapped type guarantees each name its own payload type; at runtime the name is looked up.
    const processor = (processors as unknown as Partial<Record<string, UntypedProcessor>>)[job.name];
    if (!processor) {
      throw new JobPayloadError(job.name, [{ field: '(job)', message: `is not a job of queue ${queue}` }]);
    }
    // Throws JobPayloadError, an UnrecoverableError: the job fails now, without retry, and stays
    // in the failed set where it can be seen.
    const payload = validatePayload(job.name, job.data);
    try {
      // Every line logged while the job runs carries its ids, root-logger lines included.
      const result = await withLogContext({ jobId: job.id, queue, jobName: job.name }, () =>
        processor(payload, job as unknown as Job<JobPayload<JobName>, JobResult, JobName>, log),
      );
      return result;
    } catch (error) {
      const deferred = error instanceof JobDeferredError;
      const delayMs = deferred ? error.delayMs : rateLimitDelayMs(error, deferralsOf(job));
      const now = Date.now();
      if (delayMs !== undefined && token && mayDefer(job, now)) {
        if (deferred) log.info({ delayMs, why: error.why }, 'job deferred');
        else log.warn({ delayMs, err: error }, 'rate limited; job deferred');
        // A deferral is not a failed attempt: the job waits in the delayed set and keeps its attempts.
        // It comes back no earlier than the provider's Retry-After (or the limiter's block).
        await job.moveToDelayed(now + delayMs, token);
        throw new DelayedError();
      }
      throw error;
    }
  };
}

function logEvents<Q extends QueueName>(
  worker: Worker<QueuePayload<Q>, JobResult, JobNameOf<Q>>,
  options: StartWorkerOptions<Q>,
): void {
  const log = options.logger.child({ queue: options.queue });
  worker.on('active', (job) => log.info({ jobId: job.id, jobName: job.name }, 'job started'));
  worker.on('completed', (job) => log.info({ jobId: job.id, jobName: job.name }, 'job completed'));
  worker.on('failed', (job, error) => {
    const final = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || job.finishedOn !== undefined;
    log[final ? 'error' : 'warn'](
      { jobId: job?.id, jobName: job?.name, attemptsMade: job?.attemptsMade, err: error },
      final ? 'job failed' : 'job failed; will retry',
    );
  });
  worker.on('stalled', (jobId) => log.warn({ jobId }, 'job stalled; returned to the queue'));
  // Without an 'error' listener an emitted error would crash the process; Redis outages land here.
  worker.on('error', (error) => log.error({ err: error }, 'worker error'));
}

/**
 * Starts a worker for one queue on its own connection. Processors must be idempotent: delivery is
 * at least once (a process killed mid-job has the job picked up again by the stalled-job check).
 */
/** How many times a job may be recovered after its worker died before BullMQ gives up on it. */
export const MAX_STALLED_COUNT = 10;

export function startWorker<Q extends QueueName>(options: StartWorkerOptions<Q>): RunningWorker<Q> {
  const connection = createRedisConnection(options.connectionUrl, { role: 'worker' });
  const worker = new ObservedWorker<QueuePayload<Q>, JobResult, JobNameOf<Q>>(
    options.queue,
    processorFor(options),
    {
      connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      autorun: false,
      drainDelay: options.drainDelaySeconds ?? 5,
      // BullMQ fails a job for good on its second stall by default. Every processor here is
      // idempotent (the ledger reconciles before each write), so a job whose worker was killed more
      // than once is recovered again rather than abandoned half-done.
      maxStalledCount: MAX_STALLED_COUNT,
      ...(options.stalledIntervalMs === undefined ? {} : { stalledInterval: options.stalledIntervalMs }),
      ...(options.lockDurationMs === undefined ? {} : { lockDuration: options.lockDurationMs }),
    },
  );
  const heartbeat = options.heartbeat;
  if (heartbeat) {
    heartbeat.register(options.queue);
    worker.onFetch = (tookJob) => heartbeat.beat(options.queue, tookJob);
  }
  logEvents(worker, options);
  const running = worker.run().catch((error: unknown) => {
    options.logger.error({ err: error, queue: options.queue }, 'worker stopped with an error');
  });
  return {
    queue: options.queue,
    worker,
    async close() {
      await worker.close();
      await running;
      await closeRedisConnection(connection);
    },
  };
}
