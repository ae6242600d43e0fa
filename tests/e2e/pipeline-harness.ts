/**
 * The rewrite pipeline on the sandbox for one demo user: the sync harness (API, sync worker, Redis,
 * Postgres), the user connected and synced, signed in, and the real `apply` queue worker running with
 * the planner's dependencies. The end-to-end pipeline suites build on it.
 */
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { openConnection } from '@frontload/connections';
import { repositories } from '@frontload/db';
import type { CalendarEvent } from '@frontload/domain';
import { startWorker } from '@frontload/jobs';
import { createLogger } from '@frontload/logging';
import type { CalendarProvider } from '@frontload/providers';
import { createOAuth } from '@frontload/providers/oauth';
import { createTokenVault } from '@frontload/security';
import { sandboxOAuthSettings } from '@frontload/api/testing';
import { waitUntil } from '@frontload/testing';
import { applyProcessors, type PlannerDeps } from '@frontload/worker-planner';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll } from 'vitest';
import { shiftedMaster } from '../../workers/planner/src/ledger/series-move.js';
import { startSyncHarness, type Provider, type SyncHarness } from './sync-harness.js';

/** An operation as `/api/v1/plan` and `/api/v1/runs/:id` show it. */
export type Op = {
  id: string;
  kind: string;
  eventId: string;
  reason: string;
  emails: string[];
  status: string;
  error: string | null;
  desired: { seriesId?: string; after?: { start: string }; skipWeek?: string; message?: string };
};
export type Note = { code: string; email?: string; week?: string; message: string };
export type Plan = { id: string; state: string; operations: Op[]; notes: Note[] };
export type Run = { id: string; kind: string; state: string };
export type LogEntry = { emailsSent?: { to: string; kind: string; message?: string }[] };

const logger = createLogger({ LOG_LEVEL: 'silent', LOG_PRETTY: false }, 'e2e');
const FINISHED = ['applied', 'partially_applied', 'stopped'];

export interface PipelineHarness {
  h: SyncHarness;
  deps: PlannerDeps;
  accountId: string;
  connectionId: string;
  userId: string;
  cookie: string;
  /** Headers for a state-changing request: the session cookie and its CSRF token. */
  writes: Record<string, string>;
  /** The calendar as the provider holds it (a full resync, then the mirror), without cancelled events. */
  calendar(): Promise<CalendarEvent[]>;
  /** The newest run of `kind` once it finished. */
  finished(kind: 'plan' | 'undo'): Promise<Run>;
  /** The sandbox's request log of this account, from entry `from` on. */
  requests(from?: number): Promise<LogEntry[]>;
  close(): Promise<void>;
}

/** The planner's dependencies on the harness: its database and queues, calendars opened at the sandbox. */
export function sandboxPlannerDeps(h: SyncHarness): PlannerDeps {
  return {
    db: h.t.db,
    producers: h.deps.producers,
    now: h.deps.now,
    providerFor: (connection) =>
      openConnection(
        {
          db: h.t.db,
          producers: h.deps.producers,
          now: h.deps.now,
          vault: createTokenVault(DEVELOPMENT_SEALING_KEY),
          // On the harness's clock, as the sandbox issues id_tokens on it.
          oauth: createOAuth(sandboxOAuthSettings(h.sandbox.url), () => h.deps.now().getTime()),
          apiBaseUrls: { google: h.sandbox.url, microsoft: h.sandbox.url },
        },
        connection,
      ),
  };
}

export async function startPipeline(provider: Provider, email: string): Promise<PipelineHarness> {
  const h = await startSyncHarness({ push: false });
  await h.sandbox.control('POST', '/reset', { seedDemo: true });
  const accounts = await h.sandbox.control<{ id: string; email: string; provider: string }[]>(
    'GET',
    '/accounts',
  );
  const accountId = accounts.find((a) => a.provider === provider && a.email === email)!.id;
  const { connectionId, userId } = await h.connect(provider, accountId);
  await h.idle(60_000);
  const user = await repositories(h.t.db).users.byId(userId);
  const cookie = (await h.t.signIn(user!.email)).cookie;
  const writes = await h.t.csrfHeaders(cookie);
  const deps = sandboxPlannerDeps(h);
  const worker = startWorker({
    queue: 'apply',
    processors: applyProcessors(deps),
    connectionUrl: 'redis://127.0.0.1:6379',
    prefix: h.t.prefix,
    concurrency: 1,
    logger,
  });

  return {
    h,
    deps,
    accountId,
    connectionId,
    userId,
    cookie,
    writes,
    async calendar() {
      await h.t.producers.enqueueSync({ connectionId, reason: 'resync' });
      await h.idle(60_000);
      const events = await repositories(h.t.db).mirror.eventsInWindow(
        connectionId,
        new Date(0),
        new Date(Date.now() + 60 * 86_400_000),
      );
      return events.filter((e) => e.status !== 'cancelled').sort((a, b) => a.id.localeCompare(b.id));
    },
    finished: (kind) =>
      waitUntil(
        async () => {
          const { runs } = (
            await h.t.app.inject({ method: 'GET', url: '/api/v1/runs', headers: { cookie } })
          ).json<{ runs: Run[] }>();
          return runs.find((r) => r.kind === kind && FINISHED.includes(r.state));
        },
        { timeoutMs: 60_000, what: `the ${kind} run to finish` },
      ),
    async requests(from = 0) {
      return (await h.sandbox.control<LogEntry[]>('GET', `/requests?accountId=${accountId}`)).slice(from);
    },
    async close() {
      await worker.close();
      await h.close();
    },
  };
}

/**
 * One pipeline for the enclosing `describe`: started before its tests (then `ready` runs on it),
 * closed after them (`beforeClose` first). The object returned is filled in once the pipeline started.
 */
export function usePipeline(
  provider: Provider,
  email: string,
  options: {
    ready?: (p: PipelineHarness) => Promise<unknown>;
    beforeClose?: (p: PipelineHarness) => Promise<unknown>;
    timeoutMs?: number;
  } = {},
): PipelineHarness {
  const p = {} as PipelineHarness;
  let started: PipelineHarness | undefined;
  beforeAll(async () => {
    started = await startPipeline(provider, email);
    Object.assign(p, started);
    await options.ready?.(p);
  }, options.timeoutMs ?? 180_000);
  afterAll(async () => {
    if (!started) return;
    await options.beforeClose?.(started);
    await started.close();
  });
  return p;
}

/** The user's own events (not ours) reduced to what a person sees: title and times. */
/**
 * The user moves a recurring series from one weekday and time to another ("all events", no email to
 * the attendees), as they would in their own calendar app: `from` and `to` are one occurrence's slots.
 */
export async function moveSeriesAsUser(
  user: CalendarProvider,
  seriesId: string,
  from: { start: string; end: string },
  to: { start: string; end: string },
  zone: string,
): Promise<void> {
  const master = (await user.getEvent(seriesId))!;
  await user.moveEvent({
    id: seriesId,
    ...shiftedMaster(master, from, to, zone),
    zone,
    seriesWeekday: Temporal.Instant.from(to.start).toZonedDateTimeISO(zone).dayOfWeek,
    notifyAttendees: false,
  });
}

export const shape = (events: CalendarEvent[]) =>
  events.filter((e) => !e.tag).map((e) => ({ title: e.title, start: e.start, end: e.end }));
