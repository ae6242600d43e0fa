/**
 * The per-account limiter, as a provider call hook: before each request it takes a place for the
 * connected account in Redis — a concurrency lease (Graph allows 4 requests in flight per mailbox), a
 * GCRA rate slot (Google's per-user quota), and no active "blocked until" — or throws a `rate_limited`
 * ProviderError saying when to come back, which the worker turns into a job deferral (no sleeping).
 * After the request it gives the lease back, and a throttled answer (429, Google's 403 rate reasons,
 * Graph's 503/509) blocks the whole account until its Retry-After, or for an exponential backoff
 * that grows with consecutive throttled answers and resets on the first success. Every worker
 * process shares the state, so one account is paced as a whole (PROVIDERS.md §7).
 */
import { randomUUID } from 'node:crypto';
import type { WorkerEnv } from '@frontload/config';
import type { ProviderCall, ProviderCallHook, ProviderCallOutcome, ProviderKind } from '@frontload/providers';
import { ProviderError } from '@frontload/providers/errors';
import type { Redis } from 'ioredis';
import { LocalLeases } from './local-leases.js';
import { accountKeys, limiterScripts, type AccountKeys, type LimiterScripts } from './limiter-scripts.js';

/** Limits of one provider, per connected account. */
export interface ProviderLimits {
  /** Requests in flight at once (0: no cap). */
  maxConcurrent: number;
  /** Sustained requests per second (0: no rate limit). */
  ratePerSecond: number;
  /** Requests that may go back to back before the rate applies. */
  burst: number;
}

export interface AccountLimiterOptions {
  /** Key prefix (the queue prefix, a Redis Cluster hash tag). */
  prefix: string;
  limits: Record<ProviderKind, ProviderLimits>;
  /**
   * How long a lease lives unless released: longer than any request may take (the adapters time out
   * after 30 s), so it only ends the leases of a process that died mid-request. Default 60 s.
   */
  leaseTtlMs?: number;
  /** A call that finds every lease taken by this process waits at most this long for one. Default 2 s. */
  maxLeaseWaitMs?: number;
  /** When every lease is held elsewhere, the job comes back after about this long. Default 500 ms. */
  busyRetryMs?: number;
  /** Backoff after a throttled answer without Retry-After: base·2^(strikes-1), capped. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** 0..1, for tests; default Math.random. Spreads the return of deferred jobs. */
  random?: () => number;
}

/** The defaults: Google 10 req/s per user (600/min quota), Graph 4 in flight and 16 req/s per mailbox. */
export function limitsFromEnv(
  env: Pick<
    WorkerEnv,
    | 'GOOGLE_REQUESTS_PER_SECOND'
    | 'GOOGLE_REQUEST_BURST'
    | 'MICROSOFT_REQUESTS_PER_SECOND'
    | 'MICROSOFT_REQUEST_BURST'
    | 'MICROSOFT_CONCURRENT_REQUESTS'
  >,
): Record<ProviderKind, ProviderLimits> {
  return {
    google: {
      maxConcurrent: 0,
      ratePerSecond: env.GOOGLE_REQUESTS_PER_SECOND,
      burst: env.GOOGLE_REQUEST_BURST,
    },
    microsoft: {
      maxConcurrent: env.MICROSOFT_CONCURRENT_REQUESTS,
      ratePerSecond: env.MICROSOFT_REQUESTS_PER_SECOND,
      burst: env.MICROSOFT_REQUEST_BURST,
    },
  };
}

/** A throttled answer: the provider asks us to slow down for the whole account. */
function throttled(outcome: ProviderCallOutcome): boolean {
  if (outcome.error?.kind === 'rate_limited') return true;
  // Graph throttles some workloads with 503 or 509 and a Retry-After (learn.microsoft.com/graph/throttling).
  return outcome.provider === 'microsoft' && (outcome.status === 503 || outcome.status === 509);
}

/**
 * The deferral for a call that may not go yet: come back when the wait is over, spread by up to a
 * fifth (at most 1 s) so the deferred jobs of one account do not all return at the same instant.
 */
function deferral(call: ProviderCall, reason: string, waitMs: number, random: () => number): ProviderError {
  return new ProviderError(
    'rate_limited',
    call.provider,
    `${call.provider} account ${call.account ?? '?'} is ${reason}; ${call.route} deferred`,
    {
      reason: `limiter_${reason}`,
      retryAfterMs: Math.ceil(waitMs + random() * Math.min(1_000, waitMs / 5 + 50)),
    },
  );
}

/** Gives the lease back; a throttled answer also blocks the account, a success clears its strikes. */
async function settle(
  scripts: LimiterScripts,
  backoff: { backoffBaseMs: number; backoffMaxMs: number },
  outcome: ProviderCallOutcome,
  keys: AccountKeys,
  leaseId: string,
): Promise<void> {
  if (throttled(outcome)) {
    const retryAfterMs = outcome.error?.retryAfterMs;
    await scripts.throttled(keys, {
      leaseId,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...backoff,
    });
  } else {
    await scripts.release(keys, leaseId, outcome.status !== 'network' && outcome.status < 400);
  }
}

/**
 * A job deferred by the rate comes back when this many requests (at most the burst) may go back to
 * back, not one. Its operations take several calls each (read, then write); coming back for a single
 * slot, it would spend that slot on the read, be deferred again at the write, and never finish.
 */
export const RATE_HEADROOM_SLOTS = 8;

/** Builds the hook. It keeps no connection of its own: `redis` is the caller's (a producer client suits). */
export function createAccountLimiter(redis: Redis, options: AccountLimiterOptions): ProviderCallHook {
  const scripts = limiterScripts(redis);
  const leaseTtlMs = options.leaseTtlMs ?? 60_000;
  const maxLeaseWaitMs = options.maxLeaseWaitMs ?? 2_000;
  const busyRetryMs = options.busyRetryMs ?? 500;
  const backoff = {
    backoffBaseMs: options.backoffBaseMs ?? 1_000,
    backoffMaxMs: options.backoffMaxMs ?? 300_000,
  };
  const random = options.random ?? Math.random;
  const local = new LocalLeases();

  const keysOf = (call: ProviderCall): AccountKeys | undefined =>
    call.account === undefined ? undefined : accountKeys(options.prefix, call.provider, call.account);

  async function acquire(call: ProviderCall, keys: AccountKeys): Promise<void> {
    const limits = options.limits[call.provider];
    // Every call brings a lease id: even without a cap, a probe after a throttled answer takes one.
    const leaseId = randomUUID();
    const args = {
      leaseId,
      leaseTtlMs,
      maxConcurrent: limits.maxConcurrent,
      intervalMs: limits.ratePerSecond > 0 ? Math.ceil(1_000 / limits.ratePerSecond) : 0,
      burst: Math.max(1, limits.burst),
    };
    const deadline = Date.now() + maxLeaseWaitMs;
    for (;;) {
      const answer = await scripts.acquire(keys, args);
      if (answer.ok) return local.hold(keys.lease, leaseId);
      if (answer.reason === 'rate') {
        const headroom = Math.min(args.burst, RATE_HEADROOM_SLOTS) - 1;
        throw deferral(call, 'rate', answer.waitMs + headroom * args.intervalMs, random);
      }
      if (answer.reason !== 'busy') throw deferral(call, answer.reason, answer.waitMs, random);
      // Every lease is in use. If this process holds some, one is released when its request
      // ends: wait for that (an event, not a timer), within the deadline. Otherwise come back later.
      const remaining = deadline - Date.now();
      if (!local.holds(keys.lease) || remaining <= 0 || !(await local.released(keys.lease, remaining))) {
        throw deferral(call, 'busy', busyRetryMs, random);
      }
    }
  }

  return {
    async before(call) {
      const keys = keysOf(call);
      if (keys) await acquire(call, keys);
    },
    async after(outcome) {
      const keys = keysOf(outcome);
      if (!keys) return;
      const leaseId = local.take(keys.lease);
      try {
        await settle(scripts, backoff, outcome, keys, leaseId ?? '');
      } finally {
        if (leaseId) local.wake(keys.lease);
      }
    },
  };
}
