/**
 * The rewrite pipeline end to end on the sandbox's Google Calendar, with the real adapters, Redis
 * and Postgres: a seeded TLM week is synced, planned (preview), applied through the ledger, checked
 * in the sandbox calendar, planned again (nothing left to do), and undone field by field.
 */
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { openConnection } from '@frontload/connections';
import { repositories } from '@frontload/db';
import { createLogger } from '@frontload/logging';
import { createOAuth } from '@frontload/providers/oauth';
import { createTokenVault } from '@frontload/security';
import { sandboxOAuthSettings } from '@frontload/api/testing';
import { waitUntil } from '@frontload/testing';
import { startWorker } from '@frontload/jobs';
import { applyProcessors, type PlannerDeps } from '@frontload/worker-planner';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSyncHarness, type SyncHarness } from './sync-harness.js';

interface SandboxEvent {
  id: string;
  summary?: string;
  status?: string;
  start?: { dateTime?: string };
  end?: { dateTime?: string };
  recurrence?: string[];
  eventType?: string;
  extendedProperties?: { private?: Record<string, string> };
}

const logger = createLogger({ LOG_LEVEL: 'silent', LOG_PRETTY: false }, 'e2e');

describe('rewrite pipeline on Google: preview, apply, replan, undo', () => {
  let h: SyncHarness;
  let plannerDeps: PlannerDeps;
  let alexId: string;
  let userId: string;
  let cookie: string;
  let writeHeaders: Record<string, string>;
  let original: SandboxEvent[];
  let runId: string;
  let stopApply: () => Promise<void>;

  const sandboxEvents = async () => h.sandbox.control<SandboxEvent[]>('GET', `/accounts/${alexId}/events`);

  beforeAll(async () => {
    h = await startSyncHarness({ push: false });
    await h.sandbox.control('POST', '/reset', { seedDemo: true });
    const accounts = await h.sandbox.control<{ id: string; email: string; provider: string }[]>(
      'GET',
      '/accounts',
    );
    alexId = accounts.find((a) => a.provider === 'google' && a.email.startsWith('alex.tlm'))!.id;
    const connected = await h.connect('google', alexId);
    userId = connected.userId;
    await h.idle(30_000);
    const user = await repositories(h.t.db).users.byId(userId);
    cookie = (await h.t.signIn(user!.email)).cookie;
    writeHeaders = await h.t.csrfHeaders(cookie);
    plannerDeps = {
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
            oauth: createOAuth(sandboxOAuthSettings(h.sandbox.url)),
            apiBaseUrls: { google: h.sandbox.url, microsoft: h.sandbox.url },
          },
          connection,
        ),
    };
    const worker = startWorker({
      queue: 'apply',
      processors: applyProcessors(plannerDeps),
      connectionUrl: 'redis://127.0.0.1:6379',
      prefix: h.t.prefix,
      concurrency: 1,
      logger,
    });
    stopApply = () => worker.close();
  }, 120_000);
  afterAll(async () => {
    await stopApply?.();
    await h?.close();
  });

  it('previews moves of the 1:1s the user organizes, focus blocks and reasons, and writes nothing yet', async () => {
    const before = await sandboxEvents();
    original = before;
    const outcome = await planUser(userId, plannerDeps);
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ outcome: 'stored' });
    const res = await h.t.app.inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie } });
    expect(res.statusCode, res.body).toBe(200);
    const plan = res.json<{
      operations: { kind: string; reason: string; emails: string[] }[];
      notes: { code: string }[];
    }>();
    const kinds = plan.operations.map((o) => o.kind);
    expect(kinds).toContain('createFocusBlock');
    expect(kinds.some((k) => k === 'moveSeries' || k === 'moveOccurrence')).toBe(true);
    for (const op of plan.operations) expect(op.reason.length).toBeGreaterThan(10);
    for (const op of plan.operations.filter((o) => o.kind === 'createFocusBlock'))
      expect(op.emails).toEqual([]);
    // 1:1s that others organize are reported, never changed.
    expect(plan.notes.map((n) => n.code)).toContain('organizedByOther');
    expect(await sandboxEvents()).toEqual(before);
  });

  it('applies the plan through the ledger: every operation applied once, focus blocks tagged, at most one email per moved 1:1', async () => {
    const plan = (await h.t.app.inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie } })).json<{
      id: string;
      operations: { kind: string }[];
    }>();
    type LogEntry = { method: string; route: string; emailsSent?: { to: string; kind: string }[] };
    const log = () => h.sandbox.control<LogEntry[]>('GET', `/requests?accountId=${alexId}`);
    const logBefore = (await log()).length;
    const apply = await h.t.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${plan.id}/apply`,
      headers: writeHeaders,
      payload: { confirm: true },
    });
    expect(apply.statusCode, apply.body).toBe(202);
    const run = await waitUntil(
      async () => {
        const r = (
          await h.t.app.inject({ method: 'GET', url: `/api/v1/runs/${plan.id}`, headers: { cookie } })
        ).json<{ state: string; operations: { status: string; kind: string; error: string | null }[] }>();
        return ['applied', 'partially_applied', 'stopped'].includes(r.state) ? r : undefined;
      },
      { timeoutMs: 60_000, what: 'the run to finish' },
    );
    expect(run.state, JSON.stringify(run.operations.filter((o) => o.status !== 'applied'))).toBe('applied');
    expect(run.operations.filter((o) => o.status === 'applied').length).toBeGreaterThan(0);
    const focus = (await sandboxEvents()).filter((e) => e.extendedProperties?.private?.frontload);
    expect(focus.length).toBe(plan.operations.filter((o) => o.kind === 'createFocusBlock').length);
    const again = await h.t.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${plan.id}/apply`,
      headers: writeHeaders,
      payload: {},
    });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'FL_PLAN_ALREADY_APPLIED' });
    runId = plan.id;
    // The moved 1:1 series now meet on the new weekday and time (Europe/Berlin), first half of the week.
    const events = await sandboxEvents();
    const berlin = (iso: string) => Temporal.Instant.from(iso).toZonedDateTimeISO('Europe/Berlin');
    for (const op of plan.operations.filter((o) => o.kind === 'moveSeries') as unknown as {
      desired: { seriesId: string; after: { start: string } };
    }[]) {
      const master = events.find((e) => e.id === op.desired.seriesId);
      const [now, want] = [berlin(master!.start!.dateTime!), berlin(op.desired.after.start)];
      expect([now.dayOfWeek, now.hour, now.minute]).toEqual([want.dayOfWeek, want.hour, want.minute]);
      expect(want.dayOfWeek <= 3).toBe(true);
    }
    // Moving a series notifies the other attendee once; focus blocks notify nobody.
    const emails = (await log()).slice(logBefore).flatMap((e) => e.emailsSent ?? []);
    expect(emails.length).toBeLessThanOrEqual(plan.operations.filter((o) => o.kind === 'moveSeries').length);
    expect(emails.every((e) => e.kind === 'update')).toBe(true);
  }, 90_000);

  it('planning again after a sync finds nothing left to do', async () => {
    await h.t.producers.enqueueSync({
      connectionId: (await repositories(h.t.db).connections.listForUser(userId))[0]!.id,
      reason: 'push',
    });
    await h.idle(30_000);
    const outcome = await planUser(userId, plannerDeps);
    const res = await h.t.app.inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie } });
    const ops = res.statusCode === 200 ? res.json<{ operations: unknown[] }>().operations : [];
    expect(ops, JSON.stringify({ outcome, ops })).toEqual([]);
  }, 90_000);

  it('undo puts every event back as it was, field by field, and undoing twice is refused', async () => {
    const res = await h.t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${runId}/undo`,
      headers: writeHeaders,
    });
    expect(res.statusCode, res.body).toBe(202);
    await waitUntil(
      async () => {
        const { runs } = (
          await h.t.app.inject({ method: 'GET', url: '/api/v1/runs', headers: { cookie } })
        ).json<{ runs: { kind: string; state: string }[] }>();
        return (
          runs.some(
            (r) => r.kind === 'undo' && ['applied', 'partially_applied', 'stopped'].includes(r.state),
          ) || undefined
        );
      },
      { timeoutMs: 60_000, what: 'the undo run to finish' },
    );
    const shape = (events: SandboxEvent[]) =>
      events
        .filter((e) => e.status !== 'cancelled')
        .map((e) => ({
          id: e.id,
          summary: e.summary,
          start: e.start?.dateTime,
          end: e.end?.dateTime,
          recurrence: e.recurrence,
        }))
        .sort((a, b) => a.id.localeCompare(b.id));
    expect(shape(await sandboxEvents())).toEqual(shape(original));
    const twice = await h.t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${runId}/undo`,
      headers: writeHeaders,
    });
    expect(twice.statusCode).toBe(409);
    expect(twice.json()).toMatchObject({ code: 'FL_ALREADY_UNDONE' });
  }, 90_000);
});
