/**
 * Test-only worker process for the shutdown tests: the worker runtime (as every workers/* main.ts
 * starts it) serving the `sync` queue with a processor that records each execution in Redis
 * (`<prefix>:fixture:started|finished:<jobId>`, INCR) and takes `argv[2]` milliseconds. Config comes
 * from the environment like a real worker's.
 * argv: durationMs stalledIntervalMs lockDurationMs
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { startWorkerRuntime } from '../runtime.js';

const [durationMs = 2_000, stalledIntervalMs = 30_000, lockDurationMs = 30_000] = process.argv
  .slice(2)
  .map(Number);

await startWorkerRuntime({
  name: 'fixture-worker',
  stalledIntervalMs,
  lockDurationMs,
  drainDelaySeconds: 1,
  queues: ({ redis, env }) => [
    {
      queue: 'sync',
      processors: {
        sync: async (payload, job) => {
          await redis.incr(`${env.QUEUE_PREFIX}:fixture:started:${job.id}`);
          await sleep(durationMs);
          await redis.incr(`${env.QUEUE_PREFIX}:fixture:finished:${job.id}`);
          return { connectionId: payload.connectionId };
        },
      },
    },
  ],
});
