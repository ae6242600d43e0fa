/**
 * The job catalogue: for every job name, its queue, payload schema, default options and the
 * content-derived identity that makes enqueueing idempotent. Producers and workers both read it,
 * so a payload is checked against the same schema when it is enqueued and when it is processed.
 */
import type { DeduplicationOptions, JobsOptions } from 'bullmq';
import type { Static, TObject } from 'typebox';
import {
  ApplyPayload,
  CatchUpSweepPayload,
  ConnectionLostPayload,
  DeliverWebhookPayload,
  DisconnectPayload,
  EvaluateAlertsPayload,
  SkipWeekAnnouncedPayload,
  PlanPayload,
  RenewPushPayload,
  SyncPayload,
  UndoPayload,
} from './payloads.js';
import { QUEUES, type QueueName } from './queues.js';

/**
 * How a job is made unique.
 * - `jobId`: for work that happens once per entity (a run is applied once, a delivery sent once).
 *   BullMQ ignores an add whose id already exists, including a retained completed or failed job.
 * - `deduplication`: for work that recurs per entity (sync a connection, plan a user). A fixed
 *   job id would be blocked by the retained completed job of the previous run, so these use
 *   BullMQ deduplication, which only coalesces while a job is pending.
 */
export type JobIdentity = { jobId: string } | { deduplication: DeduplicationOptions };

/** Options every job of one name gets: retries, backoff with jitter, retention. */
export type JobDefaults = Required<
  Pick<JobsOptions, 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail'>
> &
  Pick<JobsOptions, 'delay'>;

/** One catalogue entry. */
export interface JobDefinition<Q extends QueueName, S extends TObject> {
  readonly queue: Q;
  readonly schema: S;
  readonly defaults: JobDefaults;
  readonly identity: (payload: Static<S>) => JobIdentity;
  /**
   * A debounce with a leading edge: the first request after `windowMs` of quiet for its `key` runs
   * at once; a request within `windowMs` of the previous one waits `windowMs` (the identity's
   * deduplication folds it into the job already pending). Without it, `defaults.delay` applies.
   */
  readonly debounce?: { windowMs: number; key: (payload: Static<S>) => string };
}

const defineJob = <Q extends QueueName, S extends TObject>(def: JobDefinition<Q, S>) => def;

/** Seconds. Completed jobs are kept a day for the dashboard; failed ones a week for diagnosis. */
const retention = {
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
} as const;

/**
 * Exponential backoff (delay·2^(n-1)) with 50 % jitter, so a burst of jobs that failed together
 * (a provider outage) does not retry in lockstep.
 */
const backoff = (delayMs: number) => ({ type: 'exponential', delay: delayMs, jitter: 0.5 }) as const;

/**
 * A plan request within this long of the previous one for its user waits this long, so a burst of
 * syncs plans once after the one that started at once (push notifications of one change arrive
 * within a second); a lone request plans at once.
 */
export const PLAN_DEBOUNCE_MS = 1_000;

/**
 * The catalogue. Keys are job names (stored in Redis with every job: never rename them).
 * `keepLastIfActive` on the recurring jobs means a request that arrives while the same job is
 * running is kept and runs once after it (a push during a sync must not be lost), while any
 * number of requests arriving while one is waiting collapse into the waiting one.
 */
export const JOBS = {
  sync: defineJob({
    queue: QUEUES.sync,
    schema: SyncPayload,
    defaults: { attempts: 5, backoff: backoff(5_000), ...retention },
    identity: (p) => ({ deduplication: { id: `sync-${p.connectionId}`, keepLastIfActive: true } }),
  }),
  plan: defineJob({
    queue: QUEUES.plan,
    schema: PlanPayload,
    // Five attempts, as sync: a plan reads counterparts' free/busy from the provider, and a short
    // run of 5xx answers there must not lose the plan a sync asked for (nothing replans it until the
    // next change or the weekly plan).
    defaults: { attempts: 5, backoff: backoff(5_000), ...retention },
    // Leading edge: a lone request plans at once. Within the window, a request waits the window:
    // it replaces a delayed job (restarting its delay), is folded into one still waiting (which
    // reads the mirror when it starts), or is kept to run after one already running.
    debounce: { windowMs: PLAN_DEBOUNCE_MS, key: (p) => `plan-${p.userId}` },
    identity: (p) => ({
      deduplication: {
        id: `plan-${p.userId}`,
        ttl: PLAN_DEBOUNCE_MS,
        extend: true,
        replace: true,
        keepLastIfActive: true,
      },
    }),
  }),
  apply: defineJob({
    queue: QUEUES.apply,
    schema: ApplyPayload,
    defaults: { attempts: 5, backoff: backoff(10_000), ...retention },
    identity: (p) => ({ jobId: `apply-${p.runId}` }),
  }),
  undo: defineJob({
    queue: QUEUES.apply,
    schema: UndoPayload,
    defaults: { attempts: 5, backoff: backoff(10_000), ...retention },
    identity: (p) => ({ jobId: `undo-${p.runId}` }),
  }),
  'deliver-webhook': defineJob({
    queue: QUEUES.notify,
    schema: DeliverWebhookPayload,
    // One job per delivery attempt: the notifier records each attempt and schedules the next on its
    // own schedule (over more than 24 h), so BullMQ retries only cover a crash mid-attempt.
    defaults: { attempts: 3, backoff: backoff(30_000), ...retention },
    identity: (p) => ({
      jobId: `deliver-webhook-${p.deliveryId}-${p.attempt ?? 1}${p.redelivery ? `-re-${p.redelivery.replace(/[^0-9]/g, '')}` : ''}`,
    }),
  }),
  'evaluate-alerts': defineJob({
    queue: QUEUES.notify,
    schema: EvaluateAlertsPayload,
    defaults: { attempts: 5, backoff: backoff(10_000), ...retention },
    identity: (p) => ({ jobId: `evaluate-alerts-${p.planId}` }),
  }),
  'skip-week-announced': defineJob({
    queue: QUEUES.notify,
    schema: SkipWeekAnnouncedPayload,
    defaults: { attempts: 5, backoff: backoff(10_000), ...retention },
    identity: (p) => ({ jobId: `skip-week-announced-${p.planId}` }),
  }),
  'connection-lost': defineJob({
    queue: QUEUES.notify,
    schema: ConnectionLostPayload,
    defaults: { attempts: 5, backoff: backoff(10_000), ...retention },
    // Recurs per connection (lost, reconnected, lost again): coalesce while pending only.
    identity: (p) => ({ deduplication: { id: `connection-lost-${p.connectionId}` } }),
  }),
  'renew-push': defineJob({
    queue: QUEUES.maintenance,
    schema: RenewPushPayload,
    defaults: { attempts: 5, backoff: backoff(60_000), ...retention },
    identity: (p) => ({ deduplication: { id: `renew-push-${p.connectionId}` } }),
  }),
  disconnect: defineJob({
    queue: QUEUES.maintenance,
    schema: DisconnectPayload,
    defaults: { attempts: 5, backoff: backoff(30_000), ...retention },
    // Coalesce while pending only: a failed cleanup must not block the sweep from queueing it again.
    identity: (p) => ({ deduplication: { id: `disconnect-${p.connectionId}` } }),
  }),
  'catch-up-sweep': defineJob({
    queue: QUEUES.maintenance,
    schema: CatchUpSweepPayload,
    defaults: { attempts: 3, backoff: backoff(30_000), ...retention },
    identity: () => ({ deduplication: { id: 'catch-up-sweep' } }),
  }),
} as const;

/** A job name from the catalogue. */
export type JobName = keyof typeof JOBS;

/** The payload type of one job name. */
export type JobPayload<N extends JobName> = Static<(typeof JOBS)[N]['schema']>;

/** The job names that run on queue `Q`. */
export type JobNameOf<Q extends QueueName> = {
  [N in JobName]: (typeof JOBS)[N]['queue'] extends Q ? N : never;
}[JobName];

/** The union of payloads a worker of queue `Q` receives. */
export type QueuePayload<Q extends QueueName> = { [N in JobNameOf<Q>]: JobPayload<N> }[JobNameOf<Q>];

/** What a processor returns; stored by BullMQ as the job's return value (JSON). */
export type JobResult = Readonly<Record<string, unknown>>;

/** Job names in catalogue order. */
export const JOB_NAMES = Object.keys(JOBS) as JobName[];

/** Job names that run on one queue. */
export function jobNamesOf<Q extends QueueName>(queue: Q): JobNameOf<Q>[] {
  return JOB_NAMES.filter((name) => JOBS[name].queue === queue) as JobNameOf<Q>[];
}
