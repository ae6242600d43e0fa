/**
 * The notifier worker as the worker runtime starts it (main.ts, and the test harnesses that start a
 * notifier process): the notify queue, sending through the SSRF policy of the config.
 */
import type { QueueBinding } from '@frontload/jobs';
import type { WorkerRuntime, WorkerRuntimeOptions } from '@frontload/worker-runtime';
import { WORKER_NAME, queueBindings } from './processors.js';

/** The notifier's queues, built from the runtime. */
export function notifierQueues(rt: WorkerRuntime): QueueBinding[] {
  return queueBindings({
    db: rt.db,
    producers: rt.producers,
    vault: rt.vault,
    policy: { allowHttp: rt.env.WEBHOOK_ALLOW_HTTP, allowLoopback: rt.env.WEBHOOK_ALLOW_LOOPBACK },
    now: rt.now,
    random: Math.random,
    publicUrl: rt.env.PUBLIC_URL,
  });
}

export const notifierWorker = { name: WORKER_NAME, queues: notifierQueues } satisfies WorkerRuntimeOptions;
