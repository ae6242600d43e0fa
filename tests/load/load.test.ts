/**
 * Load, CI size: 1,000 connected users on the provider sandbox, the API and the sync, planner and
 * notifier worker processes (tests/load/stack.ts). Every user's first plan is applied (focus blocks on
 * the calendar), then a storm of push notifications: each user gets a meeting over a focus block at
 * about the same moment, the sandbox notifies the API, and the pipeline has to move every block. What
 * a user relies on is asserted; the figures (latency p50/p99, queue depths, Redis memory per user,
 * errors, receiver throughput beside a bare enqueue-only handler) are printed. The 10,000-user run
 * and the weekly replan are in tests/bench/load.bench.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPushStorm, type PushStormResult } from './push-storm.js';
import { measureReceivers, type ReceiverThroughput } from './receiver-throughput.js';
import { startLoadStack, type LoadStack } from './stack.js';

const USERS = 1_000;
const log = (line: string) => process.stdout.write(`[load] ${line}\n`);

describe(`load: a push storm over ${USERS.toLocaleString('en')} users`, () => {
  let stack: LoadStack | undefined;
  let storm: PushStormResult;
  let receivers: ReceiverThroughput;

  beforeAll(async () => {
    stack = await startLoadStack({ workerConcurrency: 8 });
    try {
      ({ result: storm } = await runPushStorm(stack, {
        users: USERS,
        setupTimeoutMs: 600_000,
        stormTimeoutMs: 240_000,
        log,
      }));
      receivers = await measureReceivers(stack, { durationSeconds: 5, rounds: 1 });
    } catch (error) {
      log(stack.workerOutput().slice(-4_000));
      throw error;
    }
    const { latencyMs, queueDepths } = storm.storm;
    log(
      `setup: seeded in ${storm.setup.seedSeconds} s, first plans applied in ${storm.setup.firstPlanSeconds} s`,
    );
    log(
      `push → calendar rewritten: p50 ${latencyMs.p50} ms, p99 ${latencyMs.p99} ms, max ${latencyMs.max} ms`,
    );
    log(
      `storm drained in ${storm.storm.drainSeconds} s; max backlog ${JSON.stringify(queueDepths.maxBacklog)}`,
    );
    log(`Redis: ${storm.redis.bytesPerUser} bytes per user; error rate ${storm.errorRate}`);
    log(
      `receiver: real ${receivers.realRequestsPerSecond} req/s, bare ${receivers.bareRequestsPerSecond} req/s, ratio ${receivers.ratio} (goal ≥ 0.8)`,
    );
  }, 1_200_000);

  afterAll(async () => {
    await stack?.close();
  }, 120_000);

  it('gives every user focus blocks before the storm (first plans applied in autopilot)', () => {
    expect(storm.setup.usersWithFocusBlock).toBe(USERS);
  });

  it('moves every focus block off the new meeting, as the sandbox calendars show', () => {
    expect(storm.storm.rewrittenWithinTimeout).toBe(USERS);
    expect(storm.calendars.examples).toEqual([]);
    expect(storm.calendars.rewritten).toBe(USERS);
  });

  it('answers every push notification 2xx and fails no job', () => {
    expect(storm.push.delivered).toBeGreaterThanOrEqual(USERS);
    expect(storm.push.statuses).toEqual({});
    expect(storm.failureReasons).toEqual([]);
    expect(Object.values(storm.failedJobs).every((n) => n === 0)).toBe(true);
    expect(storm.errorRate).toBe(0);
  });

  it('writes no Frontload event twice', () => {
    expect(storm.calendars.withDuplicates).toBe(0);
    expect(storm.calendars.frontloadEvents).toBeGreaterThanOrEqual(USERS);
  });

  it('measures the latency, queue depths and Redis memory it reports', () => {
    expect(storm.storm.latencyMs.p50).toBeGreaterThan(0);
    expect(storm.storm.latencyMs.p99).toBeGreaterThanOrEqual(storm.storm.latencyMs.p50!);
    expect(storm.storm.queueDepths.maxBacklog.sync).toBeGreaterThan(0);
    expect(storm.redis.bytesPerUser).toBeGreaterThan(0);
  });

  it('accepts every replayed notification at full speed on the real receiver and on the bare one', () => {
    for (const run of [...receivers.real, ...receivers.bare]) {
      expect(run.total).toBeGreaterThan(0);
      expect({ non2xx: run.non2xx, errors: run.errors, timeouts: run.timeouts }).toEqual({
        non2xx: 0,
        errors: 0,
        timeouts: 0,
      });
    }
    expect(receivers.channels).toBe(USERS);
  });
});
