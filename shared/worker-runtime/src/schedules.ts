/**
 * Keeps a worker's BullMQ job schedulers in Redis. They live only there: after Redis loses its data
 * (FLUSHALL, a restart without persistence, a failover to an empty replica) the catch-up sweep and
 * every weekly plan would be gone until some process upserted them again, and polling, push renewal,
 * disconnect clean-up and stuck-run recovery would stop without a word.
 *
 * The keeper upserts them at start, and afterwards whenever a marker key it writes after each
 * success is missing: it looks when the Redis connection is ready again (a reconnect, perhaps to a
 * Redis that restarted empty) and every `checkEveryMs` (a FLUSHALL leaves the connection up). A look
 * is one EXISTS; upserting a job scheduler is idempotent, so processes doing it at once are harmless.
 */
import type { Logger } from '@frontload/logging';
import type { Redis } from 'ioredis';

/** How often a worker looks whether Redis still holds its schedulers. */
export const SCHEDULES_CHECK_EVERY_MS = 30_000;

export interface ScheduleKeeperOptions {
  redis: Redis;
  /** The marker key, one per worker kind: written after every successful upsert of all schedulers. */
  key: string;
  /** Upserts every scheduler (idempotent). */
  ensure: () => Promise<void>;
  checkEveryMs: number;
  logger: Logger;
}

export interface ScheduleKeeper {
  /**
   * Upserts the schedulers when `force` or when the marker is missing; resolves true when it did.
   * A failure is logged and left to the next look.
   */
  check(force?: boolean): Promise<boolean>;
  stop(): void;
}

export function keepSchedules(options: ScheduleKeeperOptions): ScheduleKeeper {
  const { redis, key, logger } = options;
  let asserted = false;
  let inFlight: Promise<boolean> | undefined;

  const run = async (force: boolean): Promise<boolean> => {
    if (!force && asserted && (await redis.exists(key)) === 1) return false;
    await options.ensure();
    await redis.set(key, new Date().toISOString());
    if (asserted) logger.warn('job schedulers were missing from Redis: upserted them again');
    else logger.info('job schedulers upserted');
    asserted = true;
    return true;
  };
  const check = (force = false): Promise<boolean> =>
    (inFlight ??= run(force)
      .catch((error: unknown) => {
        logger.error({ err: error }, 'could not upsert the job schedulers; trying again later');
        return false;
      })
      .finally(() => {
        inFlight = undefined;
      }));

  const onReady = () => void check();
  redis.on('ready', onReady);
  if (redis.status === 'ready') void check(true);
  const timer = setInterval(() => {
    if (redis.status === 'ready') void check();
  }, options.checkEveryMs);
  timer.unref();
  return {
    check,
    stop() {
      clearInterval(timer);
      redis.off('ready', onReady);
    },
  };
}
