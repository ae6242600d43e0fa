/**
 * Series moves keep history, on Google and on Microsoft: the demo TLM's calendar runs two weeks on
 * (so each weekly 1:1 has occurrences in the past), the plan moves recurring 1:1s into the first half
 * and is applied. Read back from the provider through a full resync: every past occurrence is where
 * it was, every occurrence from the first moved one on meets at the new time, the counterparts got
 * exactly the emails the preview listed (the sandbox's email records), and undo restores the calendar.
 */
import { repositories } from '@frontload/db';
import type { CalendarEvent } from '@frontload/domain';
import { waitUntil } from '@frontload/testing';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { moveSeriesAsUser, shape, usePipeline, type Op, type PipelineHarness } from './pipeline-harness.js';
import type { Provider } from './sync-harness.js';

const ZONE = 'Europe/Berlin';
const DAY = 86_400_000;
type Slot = { start: string; end: string };
type SeriesOp = Op & {
  desired: { seriesId: string; fromOriginalStart: string; before: Slot; after: Slot; counterpart: string };
};

const slot = (e: CalendarEvent) => ({ start: Date.parse(e.start), end: Date.parse(e.end) });
const recipients = (emails: { to: string }[]) => emails.map((e) => e.to.toLowerCase()).sort();
const wallTime = (instant: string) => {
  const at = Temporal.Instant.from(instant).toZonedDateTimeISO(ZONE);
  return [at.dayOfWeek, at.hour, at.minute];
};

type Preview = { id: string; operations: Op[] };

/** A new plan is stored for the user; its preview as `/api/v1/plan` shows it. */
async function preview(p: PipelineHarness): Promise<Preview> {
  expect(await planUser(p.userId, p.deps)).toMatchObject({ outcome: 'stored' });
  return (
    await p.h.t.app.inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie: p.cookie } })
  ).json<Preview>();
}

/** Asks for plan `id` to be applied; the API takes it. */
async function applyPlan(p: PipelineHarness, id: string): Promise<void> {
  const res = await p.h.t.app.inject({
    method: 'POST',
    url: `/api/v1/plans/${id}/apply`,
    headers: p.writes,
    payload: { confirm: true },
  });
  expect(res.statusCode, res.body).toBe(202);
}

/** Asks for run `id` to be undone; the API takes it. */
async function undoRun(p: PipelineHarness, id: string): Promise<void> {
  const res = await p.h.t.app.inject({ method: 'POST', url: `/api/v1/runs/${id}/undo`, headers: p.writes });
  expect(res.statusCode, res.body).toBe(202);
}

/** The state plan `id` ends in. */
const ended = (p: PipelineHarness, id: string, timeoutMs: number, what: string) =>
  waitUntil(
    async () => {
      const run = await repositories(p.h.t.db).plans.byId(id);
      return run && ['applied', 'partially_applied', 'stopped', 'failed'].includes(run.state)
        ? run.state
        : undefined;
    },
    { timeoutMs, what },
  );

describe.each<[Provider, string]>([
  ['google', 'alex.tlm@sandbox.test'],
  ['microsoft', 'alex.tlm@contoso.sandbox.test'],
])('series moves on %s keep past occurrences where they were', (provider, email) => {
  let original: CalendarEvent[];
  let plan: { id: string; operations: Op[] };
  let moves: SeriesOp[];
  const p = usePipeline(provider, email, {
    ready: async (pipeline) => {
      await pipeline.h.advance(14 * DAY);
      original = await pipeline.calendar();
    },
    timeoutMs: 240_000,
  });

  it('moves each recurring 1:1 from its next occurrence on, leaving every past occurrence at its time, with exactly the emails the preview listed', async () => {
    plan = await preview(p);
    moves = plan.operations.filter((o): o is SeriesOp => o.kind === 'moveSeries');
    expect(moves.length).toBeGreaterThan(0);
    const now = p.h.deps.now().getTime();
    const pastOf = (events: CalendarEvent[], seriesId: string) =>
      events.filter((e) => e.seriesId === seriesId && Date.parse(e.start) < now).map(slot);
    for (const op of moves) expect(pastOf(original, op.desired.seriesId).length).toBeGreaterThanOrEqual(2);

    const logBefore = (await p.requests()).length;
    await applyPlan(p, plan.id);
    expect((await p.finished('plan'))?.state).toBe('applied');
    const sent = (await p.requests(logBefore)).flatMap((e) => e.emailsSent ?? []);
    const after = await p.calendar();

    for (const op of moves) {
      const series = op.desired.seriesId;
      const from = Date.parse(op.desired.fromOriginalStart);
      // History: the old series' past occurrences are where they were, and it has none from the move on.
      expect(pastOf(after, series)).toEqual(pastOf(original, series));
      expect(
        after.filter((e) => e.seriesId === series && Date.parse(e.originalStart ?? e.start) >= from),
      ).toEqual([]);
      // The future: the 1:1 meets at the new time, every week from the first moved occurrence on.
      const title = original.find((e) => e.seriesId === series)!.title;
      const continuing = after.filter(
        (e) => e.title === title && e.kind === 'occurrence' && e.seriesId !== series,
      );
      expect(continuing.length).toBeGreaterThan(1);
      expect(Math.min(...continuing.map((e) => Date.parse(e.start)))).toBe(
        Date.parse(op.desired.after.start),
      );
      for (const e of continuing) expect(wallTime(e.start)).toEqual(wallTime(op.desired.after.start));
    }
    expect(recipients(sent)).toEqual(
      recipients(plan.operations.flatMap((o) => o.emails.map((to) => ({ to })))),
    );
  }, 240_000);

  it('undo restores the series exactly (the old rule back, the continuing series gone), with the emails its operations listed', async () => {
    const logBefore = (await p.requests()).length;
    await undoRun(p, plan.id);
    const undo = await p.finished('undo');
    expect(undo.state).toBe('applied');
    const sent = (await p.requests(logBefore)).flatMap((e) => e.emailsSent ?? []);
    const back = await p.calendar();
    expect(back.filter((e) => e.tag)).toEqual([]);
    expect(shape(back)).toEqual(shape(original));
    const run = (
      await p.h.t.app.inject({ method: 'GET', url: `/api/v1/runs/${undo.id}`, headers: { cookie: p.cookie } })
    ).json<{ operations: Op[] }>();
    expect(run.operations.filter((o) => o.kind === 'rejoinSeries').length).toBe(moves.length);
    expect(recipients(sent)).toEqual(
      recipients(run.operations.flatMap((o) => o.emails.map((to) => ({ to })))),
    );
  }, 240_000);

  it('the continuing series is Frontload’s: moved back by the user, it is an override, never moved again and nobody is emailed', async () => {
    const again = await preview(p);
    await applyPlan(p, again.id);
    const state = await ended(p, again.id, 90_000, 'the second run to finish');
    expect(state).toBe('applied');
    const rows = await repositories(p.h.t.db).plans.operations(again.id);
    const row = rows.find((r) => r.kind === 'moveSeries' && r.status === 'applied')!;
    const op = again.operations.find((o) => o.id === row.id) as SeriesOp;
    const continuingId = (row.provider_result as { id: string }).id;
    expect(continuingId).not.toBe(op.desired.seriesId);
    await p.calendar();

    // The user moves the continuing series back to the old weekday and time ("all events").
    const connection = (await repositories(p.h.t.db).connections.byId(p.connectionId))!;
    const user = await p.deps.providerFor(connection);
    await moveSeriesAsUser(user, continuingId, op.desired.after, op.desired.before, ZONE);
    await p.calendar();
    const logFrom = (await p.requests()).length;
    for (let round = 0; round < 2; round++) {
      await planUser(p.userId, p.deps);
      const next = await p.h.t.app.inject({
        method: 'GET',
        url: '/api/v1/plan',
        headers: { cookie: p.cookie },
      });
      const operations = next.statusCode === 200 ? next.json<{ operations: Op[] }>().operations : [];
      const movesOfIt = operations.filter(
        (o) =>
          (o.kind === 'moveSeries' || o.kind === 'moveOccurrence') &&
          (o.desired.seriesId === continuingId || o.desired.seriesId === op.desired.seriesId),
      );
      expect(movesOfIt.map((o) => o.reason)).toEqual([]);
    }
    const emails = (await p.requests(logFrom)).flatMap((e) => e.emailsSent ?? []);
    expect(emails.filter((m) => m.to.toLowerCase() === op.desired.counterpart.toLowerCase())).toEqual([]);
    const { overrides } = (
      await p.h.t.app.inject({ method: 'GET', url: '/api/v1/overrides', headers: { cookie: p.cookie } })
    ).json<{ overrides: { counterpart: string }[] }>();
    expect(overrides.map((o) => o.counterpart)).toContain(op.desired.counterpart.toLowerCase());
  }, 240_000);
});

describe.each<[Provider, string, string]>([
  ['google', 'alex.tlm@sandbox.test', '/calendar/v3/'],
  ['microsoft', 'alex.tlm@contoso.sandbox.test', '/v1.0/'],
])('a series move on %s that fails halfway is finished by the retry', (provider, email, api) => {
  const p = usePipeline(provider, email, {
    ready: (pipeline) => pipeline.h.advance(14 * DAY),
    beforeClose: (pipeline) => pipeline.h.sandbox.control('DELETE', '/faults').catch(() => undefined),
    timeoutMs: 240_000,
  });

  it('after the continuing series was created and the old one not yet ended, the retry ends it once, creates nothing twice, sends only the previewed emails, and undo still restores the calendar', async () => {
    const original = await p.calendar();
    const plan = await preview(p);
    const moves = plan.operations.filter((o): o is SeriesOp => o.kind === 'moveSeries');
    expect(moves.length).toBeGreaterThan(0);
    // The first series move's second write (ending the old series) fails once: the job is retried.
    await p.h.sandbox.control('POST', '/faults', {
      provider,
      route: `PATCH ${api}*`,
      accountId: p.accountId,
      status: 503,
      count: 1,
    });
    const logBefore = (await p.requests()).length;
    await applyPlan(p, plan.id);
    const state = await ended(p, plan.id, 120_000, 'the run to finish after its retry');
    expect(state).toBe('applied');
    const log = await p.requests(logBefore);
    expect(log.filter((e) => (e as { status?: number }).status === 503).length).toBe(1);
    const after = await p.calendar();
    const now = p.h.deps.now().getTime();
    for (const op of moves) {
      const series = op.desired.seriesId;
      const title = original.find((e) => e.seriesId === series)!.title;
      const continuations = new Set(
        after.filter((e) => e.title === title && e.seriesId !== series).map((e) => e.seriesId),
      );
      expect(continuations.size).toBe(1);
      const past = (events: CalendarEvent[]) =>
        events.filter((e) => e.seriesId === series && Date.parse(e.start) < now).map(slot);
      expect(past(after)).toEqual(past(original));
    }
    expect(recipients(log.flatMap((e) => e.emailsSent ?? []))).toEqual(
      recipients(plan.operations.flatMap((o) => o.emails.map((to) => ({ to })))),
    );

    await undoRun(p, plan.id);
    expect((await p.finished('undo')).state).toBe('applied');
    expect(shape(await p.calendar())).toEqual(shape(original));
  }, 240_000);
});

describe('undoing a series move once the continuing series has met (google)', () => {
  const p = usePipeline('google', 'alex.tlm@sandbox.test', {
    ready: (pipeline) => pipeline.h.advance(14 * DAY),
    timeoutMs: 240_000,
  });

  it('leaves the split in place with the reason, so the meetings held at the new time stay in the calendar', async () => {
    const plan = await preview(p);
    const moves = plan.operations.filter((o): o is SeriesOp => o.kind === 'moveSeries');
    expect(moves.length).toBeGreaterThan(0);
    await applyPlan(p, plan.id);
    expect((await p.finished('plan')).state).toBe('applied');
    // A week and a bit later every continuing series has met at its new time.
    const last = Math.max(...moves.map((o) => Date.parse(o.desired.after.end)));
    await p.h.advance(last - p.h.deps.now().getTime() + 3_600_000);
    const held = (await p.calendar()).filter(
      (e) =>
        e.kind === 'occurrence' &&
        moves.some((o) => Date.parse(e.start) === Date.parse(o.desired.after.start)),
    );
    expect(held.length).toBe(moves.length);

    await undoRun(p, plan.id);
    const run = await p.finished('undo');
    const ops = (
      await p.h.t.app.inject({ method: 'GET', url: `/api/v1/runs/${run.id}`, headers: { cookie: p.cookie } })
    ).json<{ operations: Op[] }>().operations;
    const rejoins = ops.filter((o) => o.kind === 'rejoinSeries');
    expect(rejoins.map((o) => [o.status, o.error])).toEqual(
      moves.map(() => [
        'skipped',
        'the series has met at its new time already; undoing the move would rewrite that past',
      ]),
    );
    const after = await p.calendar();
    for (const e of held)
      expect(after.find((a) => a.id === e.id)).toMatchObject({ start: e.start, end: e.end });
  }, 240_000);
});
