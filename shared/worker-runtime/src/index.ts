/**
 * @frontload/worker-runtime — the life of a worker process in one call (startWorkerRuntime), used by
 * every `workers/*` main.ts and by the test harnesses that start worker processes.
 */
export {
  startWorkerRuntime,
  type StartedWorker,
  type WorkerRuntime,
  type WorkerRuntimeOptions,
} from './runtime.js';
export {
  SCHEDULES_CHECK_EVERY_MS,
  keepSchedules,
  type ScheduleKeeper,
  type ScheduleKeeperOptions,
} from './schedules.js';
