/**
 * Typed producers. Each `enqueueX` validates its payload against the catalogue (throwing
 * `FL_JOB_PAYLOAD_INVALID` before anything reaches Redis), applies the job's default options and
 * content-derived identity, and fails fast with `FL_QUEUE_UNAVAILABLE` when Redis does not answer.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { JOBS, type JobIdentity, type JobName, type JobPayload, type JobResult } from './catalogue.js';
import { PRODUCER_TIMEOUT_MS, waitForReady } from './connection.js';
import { QueueUnavailableError } from './errors.js';
import type { QueueName } from './queues.js';
import { validatePayload } from './validate.js';
import { userEventChannel, type UserEvent } from './user-events.js';

/** The few per-call options a caller may set; ids, retries and retention come from the catalogue. */
export interface EnqueueOptions {
  /** Milliseconds before the job may run (for `plan`, instead of the debounce). */
  delay?: number;
  /** BullMQ priority: 1 is highest; unset jobs run before prioritized ones. */
  priority?: number;
}

/** What was enqueued. When deduplicated, `id` is the job that was already pending. */
export interface EnqueuedJob {
  id: string;
  name: JobName;
  queue: QueueName;
}

type Enqueue<N extends JobName> = (payload: JobPayload<N>, opts?: EnqueueOptions) => Promise<EnqueuedJob>;

/** One typed function per job name, plus a generic `enqueue` and `close`. */
export interface Producers {
  enqueueSync: Enqueue<'sync'>;
  enqueuePlan: Enqueue<'plan'>;
  enqueueApply: Enqueue<'apply'>;
  enqueueUndo: Enqueue<'undo'>;
  enqueueDeliverWebhook: Enqueue<'deliver-webhook'>;
  enqueueEvaluateAlerts: Enqueue<'evaluate-alerts'>;
  enqueueConnectionLost: Enqueue<'connection-lost'>;
  enqueueSkipWeekAnnounced: Enqueue<'skip-week-announced'>;
  enqueueRenewPush: Enqueue<'renew-push'>;
  enqueueCatchUpSweep: Enqueue<'catch-up-sweep'>;
  enqueueDisconnect: Enqueue<'disconnect'>;
  enqueue<N extends JobName>(name: N, payload: JobPayload<N>, opts?: EnqueueOptions): Promise<EnqueuedJob>;
  /**
   * Tells the user's open pages that something of theirs changed (user-events.ts). Never throws: a
   * message that cannot be published is reported through `onError` and dropped.
   */
  notifyUser(userId: string, event: UserEvent): Promise<void>;
  /** Closes the queues; the connection stays open (its owner quits it). */
  close(): Promise<void>;
}

/** Settings for {@link createProducers}. */
export interface ProducerSettings {
  /** Receives Redis errors the queues emit (log them); without it they are ignored. */
  onError?: (error: Error) => void;
  /** How long to wait for Redis before `FL_QUEUE_UNAVAILABLE`; default {@link PRODUCER_TIMEOUT_MS}. */
  timeoutMs?: number;
}

type AnyPayload = JobPayload<JobName>;

/**
 * For a job with a debounce: 0 when no request for its key came within the window, else the window.
 * Every request restarts the window (one atomic SET … GET), so a steady stream of requests runs the
 * job once at its start and once after it ends.
 */
async function debounceDelay<N extends JobName>(
  connection: Redis,
  prefix: string,
  name: N,
  data: JobPayload<N>,
): Promise<number | undefined> {
  const debounce = (JOBS[name] as { debounce?: { windowMs: number; key: (p: JobPayload<N>) => string } })
    .debounce;
  if (!debounce) return undefined;
  const key = `${prefix}:debounce:${debounce.key(data)}`;
  const previous = await connection.set(key, '1', 'PX', debounce.windowMs, 'GET');
  return previous === null ? 0 : debounce.windowMs;
}

/** Publishes on a user's event channel; a failed publish goes to `onError`, never to the caller. */
function userNotifier(connection: Redis, prefix: string, onError?: (error: Error) => void) {
  return (userId: string, event: UserEvent): Promise<void> =>
    connection
      .publish(userEventChannel(prefix, userId), JSON.stringify(event))
      .then(() => undefined, onError ?? (() => undefined));
}

/**
 * Producers on a connection made with `createRedisConnection(url, { role: 'producer' })`.
 * `prefix` is the BullMQ key prefix (`QUEUE_PREFIX`; a random one per test).
 */
export function createProducers(
  connection: Redis,
  prefix: string,
  settings: ProducerSettings = {},
): Producers {
  const timeoutMs = settings.timeoutMs ?? PRODUCER_TIMEOUT_MS;
  const queues = new Map<QueueName, Queue<AnyPayload, JobResult, JobName>>();

  const queueFor = (name: QueueName) => {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue<AnyPayload, JobResult, JobName>(name, { connection, prefix });
      queue.on('error', settings.onError ?? (() => undefined));
      queues.set(name, queue);
    }
    return queue;
  };

  async function enqueue<N extends JobName>(
    name: N,
    payload: JobPayload<N>,
    opts: EnqueueOptions = {},
  ): Promise<EnqueuedJob> {
    const data = validatePayload(name, payload);
    const definition = JOBS[name];
    const identity = (definition.identity as (p: JobPayload<N>) => JobIdentity)(data);
    try {
      await waitForReady(connection, timeoutMs);
    } catch (error) {
      throw new QueueUnavailableError(definition.queue, { cause: error });
    }
    try {
      const delay = opts.delay ?? (await debounceDelay(connection, prefix, name, data));
      const job = await queueFor(definition.queue).add(name, data, {
        ...definition.defaults,
        ...opts,
        ...(delay === undefined ? {} : { delay }),
        ...identity,
      });
      return { id: String(job.id), name, queue: definition.queue };
    } catch (error) {
      if (connection.status !== 'ready') throw new QueueUnavailableError(definition.queue, { cause: error });
      throw error;
    }
  }

  return {
    enqueueSync: (payload, opts) => enqueue('sync', payload, opts),
    enqueuePlan: (payload, opts) => enqueue('plan', payload, opts),
    enqueueApply: (payload, opts) => enqueue('apply', payload, opts),
    enqueueUndo: (payload, opts) => enqueue('undo', payload, opts),
    enqueueDeliverWebhook: (payload, opts) => enqueue('deliver-webhook', payload, opts),
    enqueueEvaluateAlerts: (payload, opts) => enqueue('evaluate-alerts', payload, opts),
    enqueueConnectionLost: (payload, opts) => enqueue('connection-lost', payload, opts),
    enqueueSkipWeekAnnounced: (payload, opts) => enqueue('skip-week-announced', payload, opts),
    enqueueRenewPush: (payload, opts) => enqueue('renew-push', payload, opts),
    enqueueCatchUpSweep: (payload, opts) => enqueue('catch-up-sweep', payload, opts),
    enqueueDisconnect: (payload, opts) => enqueue('disconnect', payload, opts),
    enqueue,
    notifyUser: userNotifier(connection, prefix, settings.onError),
    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      queues.clear();
    },
  };
}

/** A run being applied, as the plans table knows it. */
export interface RunRef {
  id: string;
  kind: 'plan' | 'undo';
  /** The run an undo run undoes: its job is named after that run. */
  undo_of: string | null;
}

/**
 * Enqueues the job that applies a run (an apply job, or the undo job of the run it undoes). The job
 * id is the run's, so asking for a run whose job is alive adds nothing: this recovers a run whose job
 * was lost (a process killed between marking the run applying and enqueuing its job).
 */
export async function requeueRun(producers: Producers, run: RunRef): Promise<void> {
  if (run.kind === 'plan') await producers.enqueueApply({ runId: run.id });
  else if (run.undo_of) await producers.enqueueUndo({ runId: run.undo_of });
}
