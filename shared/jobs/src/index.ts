/**
 * @frontload/jobs — the job catalogue (queues, payload schemas, default options, identities), typed
 * producers, Redis connections, the worker runner and worker health.
 */
export { DEFAULT_QUEUE_PREFIX, QUEUES, type QueueName } from './queues.js';
export * from './payloads.js';
export {
  JOBS,
  JOB_NAMES,
  PLAN_DEBOUNCE_MS,
  jobNamesOf,
  type JobDefaults,
  type JobDefinition,
  type JobIdentity,
  type JobName,
  type JobNameOf,
  type JobPayload,
  type JobResult,
  type QueuePayload,
} from './catalogue.js';
export { JobDeferredError, JobPayloadError, QueueUnavailableError, type PayloadIssue } from './errors.js';
export { describeIssues, validatePayload } from './validate.js';
export {
  UserEventSchema,
  parseUserEvent,
  userEventChannel,
  type SettingsSection,
  type UserEvent,
} from './user-events.js';
export {
  PRODUCER_TIMEOUT_MS,
  closeRedisConnection,
  createRedisConnection,
  waitForReady,
  type ConnectionRole,
} from './connection.js';
export {
  createProducers,
  type EnqueueOptions,
  type EnqueuedJob,
  type ProducerSettings,
  type Producers,
  type RunRef,
  requeueRun,
} from './producers.js';
export {
  MAX_RATE_LIMITED_MS,
  rateLimitDelayMs,
  startWorker,
  type JobProcessor,
  type QueueProcessors,
  type RunningWorker,
  type StartWorkerOptions,
} from './worker.js';
export {
  checkHeartbeat,
  createHeartbeat,
  heartbeatFile,
  listHeartbeats,
  type Heartbeat,
  type HeartbeatCheck,
  type HeartbeatRecord,
  type HeartbeatSettings,
} from './heartbeat.js';
export {
  runWorkerProcess,
  type QueueBinding,
  type WorkerProcess,
  type WorkerProcessEnv,
  type WorkerProcessOptions,
} from './process.js';
export { reportFinishedJobs, type FinishedJob, type FinishedJobListener } from './finished-jobs.js';
export { runHealthcheck } from './healthcheck.js';
