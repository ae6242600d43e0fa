/**
 * One load run's first half: N users connected and settled (first plan applied: focus blocks on
 * every calendar), then the push storm and its figures. The CI test and the benchmark both call it
 * and keep the stack for what they measure next (receiver throughput, weekly replan).
 */
import { waitUntil } from '@frontload/testing';
import {
  failedJobs,
  failureReasons,
  redisUsedMemory,
  sampleQueueDepths,
  settled,
  type QueueDepths,
} from './monitor.js';
import { seedUsers, type SeededUser } from './seed-users.js';
import type { LoadStack } from './stack.js';
import {
  checkCalendars,
  fireStorm,
  percentile,
  pickTargets,
  pushDeliveries,
  rewriteLatencies,
  type CalendarCheck,
  type StormTarget,
} from './storm.js';

export interface PushStormOptions {
  users: number;
  setupTimeoutMs: number;
  stormTimeoutMs: number;
  log?: (line: string) => void;
}

export interface PushStormResult {
  users: number;
  setup: { seedSeconds: number; firstPlanSeconds: number; usersWithFocusBlock: number };
  storm: {
    targets: number;
    firedSeconds: number;
    rewrittenWithinTimeout: number;
    latencyMs: { p50: number | null; p99: number | null; max: number | null; mean: number | null };
    drainSeconds: number;
    queueDepths: QueueDepths;
  };
  calendars: CalendarCheck;
  push: {
    delivered: number;
    non2xx: number;
    statuses: Record<string, number>;
    /** Deliveries that got no answer at all, over the whole run (setup included), by error. */
    unanswered: Record<string, number>;
  };
  failedJobs: Record<string, number>;
  failureReasons: string[];
  /** Errors (non-2xx push answers + failed jobs) per push notification delivered during the storm. */
  errorRate: number;
  redis: { baselineBytes: number; afterSetupBytes: number; afterStormBytes: number; bytesPerUser: number };
}

const seconds = (fromMs: number) => Math.round((Date.now() - fromMs) / 100) / 10;
const round = (n: number | null) => (n === null ? null : Math.round(n));

/** Waits until `count` users have a live focus block in the mirror and the pipeline is quiet. */
async function firstPlansApplied(
  stack: LoadStack,
  users: SeededUser[],
  timeoutMs: number,
  log: (l: string) => void,
) {
  const deadline = Date.now() + timeoutMs;
  let last = -1;
  await waitUntil(
    async () => {
      const { rows } = await stack.db.query<{ n: number }>(
        `select count(distinct c.user_id)::int as n from events e join connections c on c.id = e.connection_id
         where e.our_tag = 'focusBlock' and e.status <> 'cancelled'`,
      );
      if (rows[0]!.n !== last) log(`  users with focus blocks: ${(last = rows[0]!.n)}/${users.length}`);
      return rows[0]!.n >= users.length;
    },
    { timeoutMs, intervalMs: 1_000, what: 'every user’s first plan applied' },
  ).catch(() => undefined);
  await settled(stack, { timeoutMs: Math.max(60_000, deadline - Date.now()), quietMs: 3_000 });
}

export async function runPushStorm(
  stack: LoadStack,
  options: PushStormOptions,
): Promise<{ result: PushStormResult; users: SeededUser[] }> {
  const log = options.log ?? (() => undefined);
  await stack.startWorkers();
  await settled(stack, { timeoutMs: 30_000, quietMs: 1_000 });
  const baselineBytes = await redisUsedMemory(stack.redis);

  const seedStarted = Date.now();
  const users = await seedUsers(stack, options.users);
  const seedSeconds = seconds(seedStarted);
  log(`seeded ${users.length} users in ${seedSeconds} s`);
  const planStarted = Date.now();
  await firstPlansApplied(stack, users, options.setupTimeoutMs, log);
  const firstPlanSeconds = seconds(planStarted);
  const afterSetupBytes = await redisUsedMemory(stack.redis);
  const targets = await pickTargets(stack, users);
  log(`first plans applied in ${firstPlanSeconds} s; ${targets.length} users have a focus block to disturb`);

  const sampler = sampleQueueDepths(stack);
  const stormStarted = Date.now();
  await fireStorm(stack, targets);
  const firedSeconds = seconds(stormStarted);
  log(`storm of ${targets.length} calendar changes fired in ${firedSeconds} s`);
  const latencies = await waitForRewrites(stack, targets, options.stormTimeoutMs, log);
  await settled(stack, { timeoutMs: options.stormTimeoutMs, quietMs: 2_000 }).catch(() => undefined);
  const drainSeconds = seconds(stormStarted);
  const queueDepths = await sampler.stop();

  const calendars = await checkCalendars(stack, targets);
  const push = await pushDeliveries(stack, stormStarted);
  const failed = await failedJobs(stack);
  const failedTotal = Object.values(failed).reduce((a, b) => a + b, 0);
  const sorted = [...latencies.values()].sort((a, b) => a - b);
  const afterStormBytes = await redisUsedMemory(stack.redis);
  const result: PushStormResult = {
    users: users.length,
    setup: { seedSeconds, firstPlanSeconds, usersWithFocusBlock: targets.length },
    storm: {
      targets: targets.length,
      firedSeconds,
      rewrittenWithinTimeout: latencies.size,
      latencyMs: {
        p50: round(percentile(sorted, 0.5)),
        p99: round(percentile(sorted, 0.99)),
        max: round(sorted.at(-1) ?? null),
        mean: sorted.length === 0 ? null : Math.round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
      },
      drainSeconds,
      queueDepths,
    },
    calendars,
    push,
    failedJobs: failed,
    failureReasons: failedTotal > 0 ? await failureReasons(stack) : [],
    errorRate:
      push.delivered === 0 ? 1 : Math.round(((push.non2xx + failedTotal) / push.delivered) * 1e4) / 1e4,
    redis: {
      baselineBytes,
      afterSetupBytes,
      afterStormBytes,
      bytesPerUser: Math.round((afterStormBytes - baselineBytes) / Math.max(1, users.length)),
    },
  };
  return { result, users };
}

async function waitForRewrites(
  stack: LoadStack,
  targets: StormTarget[],
  timeoutMs: number,
  log: (l: string) => void,
) {
  let latencies = new Map<string, number>();
  let last = -1;
  await waitUntil(
    async () => {
      latencies = await rewriteLatencies(stack, targets);
      if (latencies.size !== last) log(`  rewritten: ${(last = latencies.size)}/${targets.length}`);
      return latencies.size >= targets.length;
    },
    { timeoutMs, intervalMs: 1_000, what: 'every calendar rewritten' },
  ).catch(() => undefined);
  return latencies;
}
