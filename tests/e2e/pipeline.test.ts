/**
 * The rewrite pipeline end to end on the sandbox, for Google and for Microsoft, with the real
 * adapters, Redis and Postgres: a seeded TLM week is synced, planned (preview), applied through the
 * ledger, planned again (nothing left to do), and undone. The calendar is read back through a full
 * resync, so every check is made on what the provider holds, in our domain model.
 */
import { DEVELOPMENT_SEALING_KEY } from '@frontload/config';
import { openConnection } from '@frontload/connections';
import { repositories } from '@frontload/db';
import type { CalendarEvent } from '@frontload/domain';
import { startWorker } from '@frontload/jobs';
import { createLogger } from '@frontload/logging';
import { createOAuth } from '@frontload/providers/oauth';
import { createTokenVault } from '@frontload/security';
import { sandboxOAuthSettings } from '@frontload/api/testing';
import { waitUntil } from '@frontload/testing';
import { applyProcessors, type PlannerDeps } from '@frontload/worker-planner';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { startSyncHarness, type Provider, type SyncHarness } from './sync-harness.js';

const logger = createLogger({ LOG_LEVEL: 'silent', LOG_PRETTY: false }, 'e2e');
type Op = {
  id: string;
  kind: string;
  reason: string;
  emails: string[];
  desired: { seriesId?: string; after?: { start: string } };
};
type LogEntry = { emailsSent?: { to: string; kind: string }[] };

describe.each<[Provider, string]>([
  ['google', 'alex.tlm@sandbox.test'],
  ['microsoft', 'alex.tlm@contoso.sandbox.test'],
])('rewrite pipeline on %s: preview, apply, replan, undo', (provider, email) => {
  let h: SyncHarness;
  let deps: PlannerDeps;
  let accountId: string;
  let connectionId: string;
  let userId: string;
  let cookie: string;
  let writes: Record<string, string>;
  let original: CalendarEvent[];
  let plan: { id: string; operations: Op[] };
  let stopApply: () => Promise<void>;

  /** The calendar as the provider holds it: a full resync, then the mirror. */
  const calendar = async () => {
    await h.t.producers.enqueueSync({ connectionId, reason: 'resync' });
    await h.idle(60_000);
    const events = await repositories(h.t.db).mirror.eventsInWindow(
      connectionId,
      new Date(0),
      new Date(Date.now() + 60 * 86_400_000),
    );
    return events.filter((e) => e.status !== 'cancelled').sort((a, b) => a.id.localeCompare(b.id));
  };
  const shape = (events: CalendarEvent[]) =>
    events.filter((e) => !e.tag).map((e) => ({ title: e.title, start: e.start, end: e.end }));
  const finished = async (kind: 'plan' | 'undo') =>
    waitUntil(
      async () => {
        const { runs } = (
          await h.t.app.inject({ method: 'GET', url: '/api/v1/runs', headers: { cookie } })
        ).json<{ runs: { id: string; kind: string; state: string }[] }>();
        return runs.find(
          (r) => r.kind === kind && ['applied', 'partially_applied', 'stopped'].includes(r.state),
        );
      },
      { timeoutMs: 60_000, what: `the ${kind} run to finish` },
    );

  beforeAll(async () => {
    h = await startSyncHarness({ push: false });
    await h.sandbox.control('POST', '/reset', { seedDemo: true });
    const accounts = await h.sandbox.control<{ id: string; email: string; provider: string }[]>(
      'GET',
      '/accounts',
    );
    accountId = accounts.find((a) => a.provider === provider && a.email === email)!.id;
    ({ connectionId, userId } = await h.connect(provider, accountId));
    await h.idle(60_000);
    const user = await repositories(h.t.db).users.byId(userId);
    cookie = (await h.t.signIn(user!.email)).cookie;
    writes = await h.t.csrfHeaders(cookie);
    deps = {
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
      processors: applyProcessors(deps),
      connectionUrl: 'redis://127.0.0.1:6379',
      prefix: h.t.prefix,
      concurrency: 1,
      logger,
    });
    stopApply = () => worker.close();
    original = await calendar();
  }, 180_000);
  afterAll(async () => {
    await stopApply?.();
    await h?.close();
  });

  it('previews series moves into the first half and focus blocks, with reasons, writing nothing', async () => {
    expect(await planUser(userId, deps)).toMatchObject({ outcome: 'stored' });
    const res = await h.t.app.inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie } });
    plan = res.json<{ id: string; operations: Op[] }>();
    const kinds = plan.operations.map((o) => o.kind);
    expect(kinds).toContain('moveSeries');
    expect(kinds).toContain('createFocusBlock');
    // The skip-week cadence starts at connection: a new user's first weeks are never skip weeks.
    expect(kinds).not.toContain('cancelOccurrence');
    for (const op of plan.operations) expect(op.reason.length).toBeGreaterThan(20);
    for (const op of plan.operations.filter((o) => o.kind === 'createFocusBlock'))
      expect(op.emails).toEqual([]);
    expect(shape(await calendar())).toEqual(shape(original));
  }, 120_000);

  it('applies through the ledger: series meet on their new weekday, focus blocks are ours, one email per moved 1:1 at most', async () => {
    const logBefore = (await h.sandbox.control<LogEntry[]>('GET', `/requests?accountId=${accountId}`)).length;
    const res = await h.t.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${plan.id}/apply`,
      headers: writes,
      payload: { confirm: true },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect((await finished('plan'))?.state).toBe('applied');
    const after = await calendar();
    const zone = 'Europe/Berlin';
    for (const op of plan.operations.filter((o) => o.kind === 'moveSeries')) {
      const want = Temporal.Instant.from(op.desired.after!.start).toZonedDateTimeISO(zone);
      const occurrences = after.filter(
        (e) => e.seriesId === op.desired.seriesId || e.id === op.desired.seriesId,
      );
      expect(occurrences.length).toBeGreaterThan(0);
      for (const o of occurrences) {
        const at = Temporal.Instant.from(o.start).toZonedDateTimeISO(zone);
        expect([at.dayOfWeek, at.hour, at.minute]).toEqual([want.dayOfWeek, want.hour, want.minute]);
      }
    }
    expect(after.filter((e) => e.tag?.kind === 'focusBlock').length).toBe(
      plan.operations.filter((o) => o.kind === 'createFocusBlock').length,
    );
    const emails = (await h.sandbox.control<LogEntry[]>('GET', `/requests?accountId=${accountId}`))
      .slice(logBefore)
      .flatMap((e) => e.emailsSent ?? []);
    expect(emails.length).toBeLessThanOrEqual(plan.operations.filter((o) => o.kind === 'moveSeries').length);
  }, 180_000);

  it('planning again finds nothing left to do, and applying the old plan again is refused', async () => {
    await planUser(userId, deps);
    const res = await h.t.app.inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie } });
    const operations = res.statusCode === 200 ? res.json<{ operations: Op[] }>().operations : [];
    expect(operations.map((o) => `${o.kind}: ${o.reason}`)).toEqual([]);
    const again = await h.t.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${plan.id}/apply`,
      headers: writes,
      payload: {},
    });
    expect(again.json()).toMatchObject({ code: 'FL_PLAN_ALREADY_APPLIED' });
  }, 120_000);

  it('undo puts every event of the user back where it was and removes our focus blocks; undoing twice is refused', async () => {
    const res = await h.t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${plan.id}/undo`,
      headers: writes,
    });
    expect(res.statusCode, res.body).toBe(202);
    await finished('undo');
    const back = await calendar();
    expect(back.filter((e) => e.tag)).toEqual([]);
    expect(shape(back)).toEqual(shape(original));
    const twice = await h.t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${plan.id}/undo`,
      headers: writes,
    });
    expect(twice.json()).toMatchObject({ code: 'FL_ALREADY_UNDONE' });
  }, 180_000);
});
