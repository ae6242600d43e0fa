/**
 * Gauges read at scrape time rather than recorded as things happen: queue depths from BullMQ and
 * each connection's sync lag from the database. Both describe the whole system, so the API
 * exposes them (once), not every worker.
 */
import { repositories, type Queryable } from '@frontload/db';
import { QUEUES, type QueueName } from '@frontload/jobs';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Gauge } from 'prom-client';
import type { FrontloadMetrics } from './metrics.js';

/** Told when a collector could not read its source; the scrape goes on without that family's values. */
export type CollectError = (family: string, error: unknown) => void;

/** Settings for {@link collectQueueDepth}. */
export interface QueueDepthSource {
  /** A producer connection (`createRedisConnection(url, { role: 'producer' })`); it stays open. */
  connection: Redis;
  prefix: string;
  /** Default: every queue of the catalogue. */
  queues?: readonly QueueName[];
  onError?: CollectError;
}

/**
 * Registers `frontload_queue_jobs{queue,state}`: BullMQ's job counts of every queue (waiting,
 * active, delayed, prioritized, waiting-children, paused, completed, failed) at each scrape.
 * `close()` closes the queue handles, not the connection.
 */
export function collectQueueDepth(
  metrics: Pick<FrontloadMetrics, 'registry'>,
  source: QueueDepthSource,
): { close(): Promise<void> } {
  const names = source.queues ?? Object.values(QUEUES);
  let queues: Queue[] | undefined;
  // Opened at the first scrape, as the producers open theirs at the first enqueue.
  const open = () =>
    (queues ??= names.map((name) => {
      const queue = new Queue(name, { connection: source.connection, prefix: source.prefix });
      queue.on('error', (error) => source.onError?.('frontload_queue_jobs', error));
      return queue;
    }));
  new Gauge({
    name: 'frontload_queue_jobs',
    help: 'Jobs in each BullMQ queue by state (waiting, active, delayed, prioritized, failed, ...), read at scrape.',
    labelNames: ['queue', 'state'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      try {
        const counts = await Promise.all(
          open().map(async (queue) => [queue.name, await queue.getJobCounts()] as const),
        );
        for (const [queue, byState] of counts) {
          for (const [state, count] of Object.entries(byState)) this.set({ queue, state }, count);
        }
      } catch (error) {
        source.onError?.('frontload_queue_jobs', error);
      }
    },
  });
  return { close: async () => void (await Promise.all((queues ?? []).map((queue) => queue.close()))) };
}

/** Settings for {@link collectSyncLag}. */
export interface SyncLagSource {
  db: Queryable;
  now: () => Date;
  onError?: CollectError;
}

/**
 * Registers `frontload_sync_lag_seconds{connection_id,provider}`: seconds since each live
 * connection last synced successfully (since it was connected, before its first sync).
 */
export function collectSyncLag(metrics: Pick<FrontloadMetrics, 'registry'>, source: SyncLagSource): void {
  const syncState = repositories(source.db).syncState;
  new Gauge({
    name: 'frontload_sync_lag_seconds',
    help: "Seconds since each live connection's last successful sync (or its creation, before the first), read at scrape.",
    labelNames: ['connection_id', 'provider'],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      try {
        const now = source.now().getTime();
        for (const { id, provider, syncedAt } of await syncState.lastSyncTimes()) {
          this.set({ connection_id: id, provider }, Math.max(0, (now - syncedAt.getTime()) / 1000));
        }
      } catch (error) {
        source.onError?.('frontload_sync_lag_seconds', error);
      }
    },
  });
}
