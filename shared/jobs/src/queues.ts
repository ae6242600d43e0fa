/**
 * Queue names and the BullMQ key prefix. The names are part of the data stored in Redis: renaming
 * one strands every job already queued under the old name, so these values never change. Add a
 * new queue instead.
 */

/** Every queue Frontload uses. DO NOT rename the values. */
export const QUEUES = {
  /** Calendar sync, one job per connection. */
  sync: 'sync',
  /** Planning, one debounced job per user. */
  plan: 'plan',
  /** Applying a plan run (or undoing one) through the operation ledger. */
  apply: 'apply',
  /** Outbound webhook deliveries. */
  notify: 'notify',
  /** Push channel renewal and catch-up sweeps. */
  maintenance: 'maintenance',
} as const;

/** A queue name from {@link QUEUES}. */
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * Default BullMQ key prefix. The braces make it a Redis Cluster hash tag, so every key of every
 * queue hashes to one slot and BullMQ's multi-key Lua scripts work on a cluster.
 */
export const DEFAULT_QUEUE_PREFIX = '{frontload}';
