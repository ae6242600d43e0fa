import type { FastifyRequest } from 'fastify';
import type { ProviderKind, RequestLog, RequestLogEntry, SandboxClock } from './types.js';

/** What a handler or hook learnt about a request before its response is logged. */
interface PendingNote {
  accountId?: string;
  emails: NonNullable<RequestLogEntry['emailsSent']>;
  faultId?: string;
}

export interface SandboxRequestLog extends RequestLog {
  /** Marks the request as answered by a fault rule (called by the fault hook). */
  noteFault(request: FastifyRequest, faultId: string): void;
  /** Writes the entry of a finished request, merging what handlers noted (called by the onResponse hook). */
  finish(request: FastifyRequest, entry: Omit<RequestLogEntry, 'at' | 'emailsSent' | 'faultId'>): void;
}

/**
 * The request log: one entry per provider request (method, route pattern, account, status, emails the
 * provider would have sent). Per-account counters are derived from it, so they can never drift.
 */
export function createRequestLog(clock: SandboxClock, limit = 50_000): SandboxRequestLog {
  let log: RequestLogEntry[] = [];
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
    clear: () => void (log = []),
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
