/**
 * Counterparts' free/busy, cached briefly per (connection, person, window day) in Redis: replans
 * in a burst (a sync, a preference change, a push) ask the provider only for the people not cached,
 * in one call. Five minutes is short enough that a counterpart's new meeting is seen on the next
 * plan after it, long enough to absorb a burst.
 */
import type { CounterpartAvailability } from '@frontload/domain';
import { CounterpartAvailabilitySchema } from '@frontload/domain';
import type { CalendarProvider, TimeWindow } from '@frontload/providers';
import type { Redis } from 'ioredis';
import { Value } from 'typebox/value';

export const FREE_BUSY_TTL_SECONDS = 300;

export interface FreeBusyCache {
  get(keys: string[]): Promise<(string | null)[]>;
  set(entries: [key: string, value: string][], ttlSeconds: number): Promise<void>;
}

export function redisFreeBusyCache(redis: Redis, prefix: string): FreeBusyCache {
  return {
    get: (keys) => (keys.length ? redis.mget(keys.map((k) => `${prefix}:${k}`)) : Promise.resolve([])),
    async set(entries, ttl) {
      const pipeline = redis.pipeline();
      for (const [key, value] of entries) pipeline.set(`${prefix}:${key}`, value, 'EX', ttl);
      await pipeline.exec();
    },
  };
}

/** Free/busy for `emails`, from the cache where fresh, else from the provider (one call for the rest). */
export async function cachedFreeBusy(
  cache: FreeBusyCache | undefined,
  provider: CalendarProvider,
  connectionId: string,
  emails: string[],
  window: TimeWindow,
): Promise<CounterpartAvailability[]> {
  if (!cache) return provider.freeBusy(emails, window);
  const key = (email: string) =>
    `freebusy:${connectionId}:${window.start.slice(0, 10)}:${window.end.slice(0, 10)}:${email}`;
  const cached = await cache.get(emails.map(key));
  const found: CounterpartAvailability[] = [];
  const missing: string[] = [];
  emails.forEach((email, i) => {
    const raw = cached[i];
    const parsed: unknown = raw ? JSON.parse(raw) : undefined;
    // Cached JSON is checked like any stored input; a bad entry is simply fetched again.
    if (parsed !== undefined && Value.Check(CounterpartAvailabilitySchema, parsed)) found.push(parsed);
    else missing.push(email);
  });
  if (missing.length === 0) return found;
  const fetched = await provider.freeBusy(missing, window);
  await cache.set(
    fetched.map((a) => [key(a.email.toLowerCase()), JSON.stringify(a)]),
    FREE_BUSY_TTL_SECONDS,
  );
  return [...found, ...fetched];
}
