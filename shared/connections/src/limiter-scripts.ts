/**
 * The per-account limiter's state in Redis, changed only by these Lua scripts so that every worker
 * process sees one consistent answer (BullMQ style: the state machine sits in Lua, TypeScript
 * orchestrates it). Time is Redis's own `TIME`, so processes with skewed clocks still agree.
 *
 * Keys of one account (all under the queue prefix's hash tag, so they share one Cluster slot):
 * - `lease`: sorted set of in-flight requests, scored by when the lease expires. A process killed
 *   mid-request never releases its lease; it is dropped once its expiry passes.
 * - `tat`: the GCRA "theoretical arrival time" of the next request (a token bucket in one number).
 * - `block`: epoch ms before which no request may be sent (a 429 and its Retry-After, or backoff).
 * - `strikes`: consecutive throttled answers, for the exponential backoff when no Retry-After came.
 */
import type { Redis } from 'ioredis';

const NOW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * KEYS: block, lease, tat, strikes. ARGV: leaseId, leaseTtlMs, maxConcurrent (0: no cap),
 * intervalMs (0: no rate), burst. Returns {1, 0, 'ok'} or {0, waitMs, reason} with reason
 * blocked|busy|rate. Nothing is changed unless every check passes. After a throttled answer and
 * until the next success, one request at a time probes the account: when a block ends, the jobs
 * waiting for it do not all hit the provider at once.
 */
const ACQUIRE = `${NOW}
local blocked = tonumber(redis.call('GET', KEYS[1]) or '0')
if blocked > now then return {0, blocked - now, 'blocked'} end
local max = tonumber(ARGV[3])
if redis.call('EXISTS', KEYS[4]) == 1 then max = 1 end
if max > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= max then
    local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
    return {0, tonumber(oldest[2]) - now, 'busy'}
  end
end
local interval = tonumber(ARGV[4])
if interval > 0 then
  local tat = math.max(tonumber(redis.call('GET', KEYS[3]) or '0'), now)
  local allowAt = tat + interval - interval * tonumber(ARGV[5])
  if allowAt > now then return {0, allowAt - now, 'rate'} end
  redis.call('SET', KEYS[3], tat + interval, 'PX', tat + interval - now)
end
if max > 0 then
  local ttl = tonumber(ARGV[2])
  redis.call('ZADD', KEYS[2], now + ttl, ARGV[1])
  redis.call('PEXPIRE', KEYS[2], ttl)
end
return {1, 0, 'ok'}
`;

/** KEYS: lease, strikes. ARGV: leaseId ('' when none), success ('1' resets the strikes). */
const RELEASE = `
if ARGV[1] ~= '' then redis.call('ZREM', KEYS[1], ARGV[1]) end
if ARGV[2] == '1' then redis.call('DEL', KEYS[2]) end
return 1
`;

/**
 * KEYS: lease, strikes, block. ARGV: leaseId, retryAfterMs (-1: none given), backoffBaseMs,
 * backoffMaxMs, strikesTtlMs. Releases the lease and blocks the account until the later of the
 * current block and now + the delay; returns how long the account stays blocked. Answers that
 * land while a block is already in force (requests sent together) count as one strike.
 */
const THROTTLED = `${NOW}
if ARGV[1] ~= '' then redis.call('ZREM', KEYS[1], ARGV[1]) end
local current = tonumber(redis.call('GET', KEYS[3]) or '0')
local strikes = tonumber(redis.call('GET', KEYS[2]) or '0')
if current <= now then
  strikes = redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[5]))
end
local delay = tonumber(ARGV[2])
if delay < 0 then
  delay = math.min(tonumber(ARGV[4]), tonumber(ARGV[3]) * 2 ^ (math.max(strikes, 1) - 1))
end
local untilMs = now + math.floor(delay)
if untilMs > current and untilMs > now then
  redis.call('SET', KEYS[3], untilMs, 'PX', untilMs - now)
  current = untilMs
end
return math.max(current - now, 0)
`;

/** The scripts as typed calls on one client (registered once per client with `defineCommand`). */
export interface LimiterScripts {
  acquire(
    keys: AccountKeys,
    args: { leaseId: string; leaseTtlMs: number; maxConcurrent: number; intervalMs: number; burst: number },
  ): Promise<{ ok: true } | { ok: false; waitMs: number; reason: 'blocked' | 'busy' | 'rate' }>;
  release(keys: AccountKeys, leaseId: string, success: boolean): Promise<void>;
  throttled(
    keys: AccountKeys,
    args: { leaseId: string; retryAfterMs?: number; backoffBaseMs: number; backoffMaxMs: number },
  ): Promise<number>;
}

/** The Redis keys of one provider account. */
export interface AccountKeys {
  block: string;
  lease: string;
  tat: string;
  strikes: string;
}

export function accountKeys(prefix: string, provider: string, account: string): AccountKeys {
  const base = `${prefix}:limit:${provider}:${account.toLowerCase()}`;
  return { block: `${base}:block`, lease: `${base}:lease`, tat: `${base}:tat`, strikes: `${base}:strikes` };
}

/** Strikes are forgotten after an hour without a throttled answer. */
const STRIKES_TTL_MS = 3_600_000;

type ScriptClient = Redis & {
  frontloadLimitAcquire(...args: (string | number)[]): Promise<[number, number, string]>;
  frontloadLimitRelease(...args: (string | number)[]): Promise<number>;
  frontloadLimitThrottled(...args: (string | number)[]): Promise<number>;
};

export function limiterScripts(redis: Redis): LimiterScripts {
  const client = redis as ScriptClient;
  // defineCommand is idempotent per client; ioredis sends EVALSHA and falls back to EVAL.
  client.defineCommand('frontloadLimitAcquire', { numberOfKeys: 4, lua: ACQUIRE });
  client.defineCommand('frontloadLimitRelease', { numberOfKeys: 2, lua: RELEASE });
  client.defineCommand('frontloadLimitThrottled', { numberOfKeys: 3, lua: THROTTLED });
  return {
    async acquire(keys, a) {
      const [ok, waitMs, reason] = await client.frontloadLimitAcquire(
        keys.block,
        keys.lease,
        keys.tat,
        keys.strikes,
        a.leaseId,
        a.leaseTtlMs,
        a.maxConcurrent,
        a.intervalMs,
        a.burst,
      );
      if (ok === 1) return { ok: true };
      return { ok: false, waitMs: Math.max(0, waitMs), reason: reason as 'blocked' | 'busy' | 'rate' };
    },
    async release(keys, leaseId, success) {
      await client.frontloadLimitRelease(keys.lease, keys.strikes, leaseId, success ? '1' : '0');
    },
    throttled: (keys, a) =>
      client.frontloadLimitThrottled(
        keys.lease,
        keys.strikes,
        keys.block,
        a.leaseId,
        a.retryAfterMs ?? -1,
        a.backoffBaseMs,
        a.backoffMaxMs,
        STRIKES_TTL_MS,
      ),
  };
}
