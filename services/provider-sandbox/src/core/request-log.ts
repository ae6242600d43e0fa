import type { FastifyRequest } from 'fastify';
import type { ProviderKind, RequestLog, RequestLogEntry, SandboxClock } from './types.js';

/** What a handler or hook learnt about a request before its response is logged. */
interface PendingNote {
  accountId?: string;
  emails: NonNullable<RequestLogEntry['emailsSent']>;
  faultId?: string;
}

/** How hard one account was driven: requests in flight (now and at most at once) and starts per second. */
export interface AccountLoad {
  inFlight: number;
  maxInFlight: number;
  /** Requests started since the log was last cleared. */
  started: number;
  /** The most requests started within any one second of wall-clock time. */
  maxStartedPerSecond: number;
}

export interface SandboxRequestLog extends RequestLog {
  /** Marks the request as answered by a fault rule (called by the fault hook). */
  noteFault(request: FastifyRequest, faultId: string): void;
  /** Writes the entry of a finished request, merging what handlers noted (called by the onResponse hook). */
  finish(request: FastifyRequest, entry: Omit<RequestLogEntry, 'at' | 'emailsSent' | 'faultId'>): void;
  /**
   * A request of `accountId` arrived; the returned function marks it over (answered, faulted or
   * dropped; calling it again does nothing).
   */
  begin(accountId: string): () => void;
  /** Load per account since the last clear or reset (wall-clock time: the sandbox clock may be frozen). */
  load(): Record<string, AccountLoad>;
  /** Starts measuring the load afresh; requests in flight now are no longer counted. */
  resetLoad(): void;
}

/**
 * The request log: one entry per provider request (method, route pattern, account, status, emails the
 * provider would have sent). Per-account counters are derived from it, so they can never drift.
 */
export function createRequestLog(clock: SandboxClock, limit = 50_000): SandboxRequestLog {
  let log: RequestLogEntry[] = [];
  const loads = createLoadTracker();
  const pending = new WeakMap<FastifyRequest, PendingNote>();
  const noteOf = (request: FastifyRequest): PendingNote => {
    let note = pending.get(request);
    if (!note) {
      note = { emails: [] };
      pending.set(request, note);
    }
    return note;
  };
  const record = (entry: RequestLogEntry) => {
    log.push(entry);
    // A long load test must not grow memory without bound; the oldest entries go first.
    if (log.length > limit) log = log.slice(log.length - limit);
  };
  return {
    record,
    noteEmails: (request, emails) => void noteOf(request).emails.push(...emails),
    noteAccount: (request, accountId) => void (noteOf(request).accountId = accountId),
    noteFault: (request, faultId) => void (noteOf(request).faultId = faultId),
    finish(request, entry) {
      const note = pending.get(request);
      const accountId = note?.accountId ?? entry.accountId;
      record({
        at: clock.nowMs(),
        ...entry,
        ...(accountId === undefined ? {} : { accountId }),
        ...(note && note.emails.length > 0 ? { emailsSent: note.emails } : {}),
        ...(note?.faultId === undefined ? {} : { faultId: note.faultId }),
      });
    },
    entries: (filter) => log.filter((e) => matches(e, filter)),
    counters() {
      const counters: Record<string, { apiCalls: number; emailsSent: number }> = {};
      for (const entry of log) {
        if (entry.accountId === undefined) continue;
        const counter = (counters[entry.accountId] ??= { apiCalls: 0, emailsSent: 0 });
        counter.apiCalls += 1;
        counter.emailsSent += entry.emailsSent?.length ?? 0;
      }
      return counters;
    },
    begin: loads.begin,
    load: loads.snapshot,
    resetLoad: loads.reset,
    clear() {
      log = [];
      loads.reset();
    },
  };
}

/** Per-account requests in flight and starts in the last second (the limits providers enforce). */
function createLoadTracker(wall: () => number = performance.now.bind(performance)) {
  let loads = new Map<string, AccountLoad & { recent: number[] }>();
  const loadOf = (accountId: string) => {
    let load = loads.get(accountId);
    if (!load) {
      load = { inFlight: 0, maxInFlight: 0, started: 0, maxStartedPerSecond: 0, recent: [] };
      loads.set(accountId, load);
    }
    return load;
  };
  return {
    begin(accountId: string): () => void {
      const load = loadOf(accountId);
      const now = wall();
      load.inFlight += 1;
      load.started += 1;
      load.maxInFlight = Math.max(load.maxInFlight, load.inFlight);
      load.recent = load.recent.filter((at) => at > now - 1_000);
      load.recent.push(now);
      load.maxStartedPerSecond = Math.max(load.maxStartedPerSecond, load.recent.length);
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        // A request still in flight across a clear is not counted again by the new tracker.
        if (loads.get(accountId) === load) load.inFlight -= 1;
      };
    },
    snapshot(): Record<string, AccountLoad> {
      const result: Record<string, AccountLoad> = {};
      for (const [accountId, { recent: _recent, ...load }] of loads) result[accountId] = { ...load };
      return result;
    },
    reset() {
      loads = new Map();
    },
  };
}

function matches(
  entry: RequestLogEntry,
  filter: { accountId?: string; provider?: ProviderKind; sinceMs?: number } | undefined,
): boolean {
  if (!filter) return true;
  if (filter.accountId !== undefined && entry.accountId !== filter.accountId) return false;
  if (filter.provider !== undefined && entry.provider !== filter.provider) return false;
  return filter.sinceMs === undefined || entry.at >= filter.sinceMs;
}
