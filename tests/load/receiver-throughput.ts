/**
 * Push-receiver throughput: the API's real `/push/google` route against a bare Fastify handler that
 * only enqueues the sync job to BullMQ — same Redis, same producers, same notifications (the exact
 * headers the sandbox sent during the storm, one per user channel, sent in turn). autocannon runs in
 * its own process; the two servers are measured alternately, `rounds` times each, on the same port
 * setup. Both enqueue under a queue prefix no worker reads, so the workers stay idle meanwhile.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProducers, type Producers } from '@frontload/jobs';
import { createOAuth } from '@frontload/providers/oauth';
import { buildApp } from '@frontload/api';
import { sandboxOAuthSettings } from '@frontload/api/testing';
import { REPO_ROOT, spawnTypeScript } from '@frontload/testing/spawn';
import { Queue } from 'bullmq';
import Fastify, { type FastifyInstance } from 'fastify';
import type { LoadStack } from './stack.js';

export interface AutocannonFigures {
  requestsPerSecond: number;
  total: number;
  latencyMs: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

export interface ReceiverThroughput {
  channels: number;
  connections: number;
  durationSeconds: number;
  rounds: number;
  real: AutocannonFigures[];
  bare: AutocannonFigures[];
  realRequestsPerSecond: number;
  bareRequestsPerSecond: number;
  /** real ÷ bare (goal ≥ 0.8). */
  ratio: number;
}

type Delivery = { at: number; provider: string; url: string; headers: Record<string, string> };

/** The newest `exists` notification of each Google channel the sandbox delivered. */
export async function recordedNotifications(stack: LoadStack): Promise<Record<string, string>[]> {
  const deliveries = await stack.sandbox.control<Delivery[]>('GET', '/push/deliveries');
  const byChannel = new Map<string, Record<string, string>>();
  for (const d of deliveries) {
    if (d.provider === 'google' && d.headers['x-goog-resource-state'] === 'exists') {
      byChannel.set(d.headers['x-goog-channel-id']!, d.headers);
    }
  }
  return [...byChannel.values()];
}

/** Only what every receiver must do: take the notification and enqueue the sync. */
async function bareReceiver(producers: Producers): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.post('/push/google', async (request, reply) => {
    const channelId = request.headers['x-goog-channel-id'];
    if (typeof channelId !== 'string') return reply.status(400).send();
    await producers.enqueueSync({ connectionId: channelId, reason: 'push' });
    return reply.status(200).send();
  });
  return app;
}

async function cannon(
  url: string,
  headers: Record<string, string>[],
  connections: number,
  durationSeconds: number,
  dir: string,
) {
  const file = join(dir, `${randomUUID()}.json`);
  await writeFile(
    file,
    JSON.stringify({ url, connections, durationSeconds, requests: headers.map((h) => ({ headers: h })) }),
  );
  const run = spawnTypeScript(join(REPO_ROOT, 'tests/load/autocannon-runner.ts'), { args: [file] });
  const code = await run.exited;
  const line = run.output().trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('{')) throw new Error(`autocannon exited ${code}: ${run.output()}`);
  return JSON.parse(line) as AutocannonFigures;
}

export async function measureReceivers(
  stack: LoadStack,
  { connections = 32, durationSeconds = 10, rounds = 2 } = {},
): Promise<ReceiverThroughput> {
  const headers = await recordedNotifications(stack);
  if (headers.length === 0) throw new Error('no recorded push notifications to replay');
  const prefix = `{load-rx-${randomUUID().slice(0, 8)}}`;
  const producers = createProducers(stack.redis, prefix);
  const real = await buildApp({
    db: stack.db,
    redis: stack.redis,
    producers,
    oauth: createOAuth(sandboxOAuthSettings(stack.sandbox.url)),
    vault: stack.vault,
  });
  const bare = await bareReceiver(producers);
  const realUrl = `${await real.listen({ host: '127.0.0.1', port: 0 })}/push/google`;
  const bareUrl = `${await bare.listen({ host: '127.0.0.1', port: 0 })}/push/google`;
  const dir = await mkdtemp(join(tmpdir(), 'frontload-cannon-'));
  const figures = { real: [] as AutocannonFigures[], bare: [] as AutocannonFigures[] };
  try {
    // Warm both (JIT, pools, Redis scripts) before anything counts.
    await cannon(realUrl, headers, connections, 2, dir);
    await cannon(bareUrl, headers, connections, 2, dir);
    for (let round = 0; round < rounds; round++) {
      figures.real.push(await cannon(realUrl, headers, connections, durationSeconds, dir));
      figures.bare.push(await cannon(bareUrl, headers, connections, durationSeconds, dir));
    }
  } finally {
    await real.close();
    await bare.close();
    const queue = new Queue('sync', { connection: stack.redis, prefix });
    await queue.obliterate({ force: true });
    await queue.close();
    await producers.close();
    await rm(dir, { recursive: true, force: true });
  }
  const mean = (list: AutocannonFigures[]) => list.reduce((a, f) => a + f.requestsPerSecond, 0) / list.length;
  const realRps = Math.round(mean(figures.real));
  const bareRps = Math.round(mean(figures.bare));
  return {
    channels: headers.length,
    connections,
    durationSeconds,
    rounds,
    ...figures,
    realRequestsPerSecond: realRps,
    bareRequestsPerSecond: bareRps,
    ratio: Math.round((realRps / bareRps) * 100) / 100,
  };
}
