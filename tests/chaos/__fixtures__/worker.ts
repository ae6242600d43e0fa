/**
 * A worker process of the chaos stack: the same processors, config path and process life (the worker
 * runtime) as workers/{sync,planner,notifier}/src/main.ts, with two differences the simulation needs:
 * - `now()` reads the simulated clock (sim-clock.ts), so weeks pass in seconds;
 * - short job locks and stalled-job checks, so a SIGKILLed job is picked up again within a second.
 * The sync worker reads the calendar with a 3 s request timeout (production: 30 s), so a provider
 * that hangs costs a chaos seed seconds, not half a minute. No job schedulers are installed (the
 * runner enqueues the catch-up sweep and the weekly plan at the simulated instants they fall on), and
 * the provider limiter, provider metrics and the planner's free/busy cache of production are left out.
 *
 * argv: kind (sync | planner | notifier) clockFile stalledIntervalMs lockDurationMs
 */
import { openConnection } from '@frontload/connections';
import type { QueueBinding } from '@frontload/jobs';
import { startWorkerRuntime, type WorkerRuntime } from '@frontload/worker-runtime';
import * as notifier from '@frontload/worker-notifier';
import * as planner from '@frontload/worker-planner';
import * as sync from '@frontload/worker-sync';
import { fileClock } from '../sim-clock.js';

const KINDS = ['sync', 'planner', 'notifier'] as const;
type Kind = (typeof KINDS)[number];
const [kindArg, clockPath, stalledArg, lockArg] = process.argv.slice(2);
const stalledIntervalMs = Number(stalledArg);
const lockDurationMs = Number(lockArg);
if (!KINDS.includes(kindArg as Kind) || !clockPath || !(stalledIntervalMs > 0) || !(lockDurationMs > 0)) {
  console.error('usage: worker.ts sync|planner|notifier <clockFile> <stalledIntervalMs> <lockDurationMs>');
  process.exit(2);
}
const kind = kindArg as Kind;
/** Sync reads time out after this long (see the header). */
const SYNC_REQUEST_TIMEOUT_MS = 3_000;
/** The sweep re-syncs every connection not synced in the last simulated minute (see stack.ts). */
const SWEEP_INTERVAL_MS = 60_000;

const name = { sync: sync.WORKER_NAME, planner: planner.WORKER_NAME, notifier: notifier.WORKER_NAME }[kind];
const now = fileClock(clockPath!);

function queues(rt: WorkerRuntime): QueueBinding[] {
  const { env, db, producers, vault, oauth } = rt;
  if (kind === 'notifier') return notifier.notifierQueues(rt);
  // Without production's provider hooks (limiter, metrics): see the header.
  const connectionDeps = { ...rt.connections, callHooks: [] };
  if (kind === 'sync') {
    return sync.queueBindings({
      db,
      producers,
      vault,
      oauth,
      providerFor: (connection) =>
        openConnection({ ...connectionDeps, requestTimeoutMs: SYNC_REQUEST_TIMEOUT_MS }, connection),
      now,
      pushPublicUrl: env.PUSH_PUBLIC_URL,
      tuning: {
        ...sync.DEFAULT_TUNING,
        catchUpIntervalMs: SWEEP_INTERVAL_MS,
        pollIntervalMs: SWEEP_INTERVAL_MS,
      },
    });
  }
  return planner.queueBindings({
    db,
    producers,
    now,
    providerFor: (connection) => openConnection(connectionDeps, connection),
  });
}

await startWorkerRuntime({
  name,
  now,
  stalledIntervalMs,
  lockDurationMs,
  drainDelaySeconds: 1,
  queues,
});
