/**
 * The rewrite pipeline end to end on the sandbox, for Google and for Microsoft, with the real
 * adapters, Redis and Postgres: a seeded TLM week is synced, planned (preview), applied through the
 * ledger, planned again (nothing left to do), and undone. The calendar is read back through a full
 * resync, so every check is made on what the provider holds, in our domain model.
 */
import type { CalendarEvent } from '@frontload/domain';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { shape, startPipeline, type Op, type PipelineHarness } from './pipeline-harness.js';
import type { Provider } from './sync-harness.js';

describe.each<[Provider, string]>([
  ['google', 'alex.tlm@sandbox.test'],
  ['microsoft', 'alex.tlm@contoso.sandbox.test'],
])('rewrite pipeline on %s: preview, apply, replan, undo', (provider, email) => {
  let p: PipelineHarness;
  let original: CalendarEvent[];
  let plan: { id: string; operations: Op[] };

  beforeAll(async () => {
    p = await startPipeline(provider, email);
    original = await p.calendar();
  }, 180_000);
  afterAll(async () => {
    await p?.close();
  });

  it('previews series moves into the first half and focus blocks, with reasons, writing nothing', async () => {
    expect(await planUser(p.userId, p.deps)).toMatchObject({ outcome: 'stored' });
    const res = await p.h.t.app.inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie: p.cookie } });
    plan = res.json<{ id: string; operations: Op[] }>();
    const kinds = plan.operations.map((o) => o.kind);
    expect(kinds).toContain('moveSeries');
    expect(kinds).toContain('createFocusBlock');
    // The skip-week cadence starts at connection: a new user's first weeks are never skip weeks.
    expect(kinds).not.toContain('cancelOccurrence');
    for (const op of plan.operations) expect(op.reason.length).toBeGreaterThan(20);
    for (const op of plan.operations.filter((o) => o.kind === 'createFocusBlock'))
      expect(op.emails).toEqual([]);
    expect(shape(await p.calendar())).toEqual(shape(original));
  }, 120_000);

  it('applies through the ledger: series meet on their new weekday, focus blocks are ours, no more emails than the preview listed', async () => {
    const logBefore = (await p.requests()).length;
    const res = await p.h.t.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${plan.id}/apply`,
      headers: p.writes,
      payload: { confirm: true, confirmIrreversible: true },
    });
    expect(res.statusCode, res.body).toBe(202);
    expect((await p.finished('plan'))?.state).toBe('applied');
    const after = await p.calendar();
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
    const emails = (await p.requests(logBefore)).flatMap((e) => e.emailsSent ?? []);
    expect(emails.length).toBeLessThanOrEqual(plan.operations.flatMap((o) => o.emails).length);
  }, 180_000);

  it('planning again finds nothing left to do, and applying the old plan again is refused', async () => {
    await planUser(p.userId, p.deps);
    const res = await p.h.t.app.inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie: p.cookie } });
    const operations = res.statusCode === 200 ? res.json<{ operations: Op[] }>().operations : [];
    expect(operations.map((o) => `${o.kind}: ${o.reason}`)).toEqual([]);
    const again = await p.h.t.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${plan.id}/apply`,
      headers: p.writes,
      payload: {},
    });
    expect(again.json()).toMatchObject({ code: 'FL_PLAN_ALREADY_APPLIED' });
  }, 120_000);

  it('undo puts every event of the user back where it was and removes our focus blocks; undoing twice is refused', async () => {
    const res = await p.h.t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${plan.id}/undo`,
      headers: p.writes,
    });
    expect(res.statusCode, res.body).toBe(202);
    await p.finished('undo');
    const back = await p.calendar();
    expect(back.filter((e) => e.tag)).toEqual([]);
    expect(shape(back)).toEqual(shape(original));
    const twice = await p.h.t.app.inject({
      method: 'POST',
      url: `/api/v1/runs/${plan.id}/undo`,
      headers: p.writes,
    });
    expect(twice.json()).toMatchObject({ code: 'FL_ALREADY_UNDONE' });
  }, 180_000);
});
