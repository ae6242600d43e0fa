/**
 * Test-only planner worker process for the SIGKILL loop: the planner worker as production starts it
 * (the worker runtime with plannerWorker, config from the environment), with a short job lock and
 * stalled-job check so that a killed worker's `apply` job is picked up again within a couple of
 * seconds instead of 30 s.
 *
 * argv: stalledIntervalMs lockDurationMs
 *
 * The loop kills the same run once per operation; the runner lets a job be recovered
 * MAX_STALLED_COUNT (10) times, more than the plan's operations.
 */
import { startWorkerRuntime } from '@frontload/worker-runtime';
import { plannerWorker } from '@frontload/worker-planner';

const [stalledIntervalMs = 500, lockDurationMs = 1_000] = process.argv.slice(2).map(Number);
await startWorkerRuntime({ ...plannerWorker, stalledIntervalMs, lockDurationMs, drainDelaySeconds: 1 });
