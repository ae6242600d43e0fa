/**
 * The apply-time guard on the sandbox (Google): a preview is applied after the world changed under it.
 * Between the plan and its run, the user marks one report protected (whose 1:1 the skip week cancels)
 * and another fixed (whose series the plan moves), a third report's calendar fills up at the new time
 * of their 1:1, and a meeting lands on the slot of a planned focus block; in a second calendar, the
 * clock runs on until a planned move falls inside the freeze window; in a third, the user accepts a
 * meeting (with someone else) at a planned 1:1's new time. Each such operation is skipped
 * with its reason and writes nothing; the rest of the run applies; the counterparts' availability is
 * read with one free/busy request for the whole run. The freeze window is checked on Microsoft too.
 */
import { repositories } from '@frontload/db';
import type { CalendarEvent } from '@frontload/domain';
import { waitUntil } from '@frontload/testing';
import { Temporal } from 'temporal-polyfill';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { startPipeline, usePipeline, type Op, type PipelineHarness } from './pipeline-harness.js';
import type { Provider } from './sync-harness.js';

const ZONE = 'Europe/Berlin';
const EMAIL = 'alex.tlm@sandbox.test';
type RunView = { id: string; state: string; operations: Op[] };
type Slot = { start: string; end: string };
type Account = { id: string; email: string; provider: string };

const desiredOf = (op: Op) =>
  op.desired as Op['desired'] & { counterpart?: string; after?: Slot; before?: Slot };

async function currentPlan(p: PipelineHarness): Promise<RunView> {
  expect(await planUser(p.userId, p.deps)).toMatchObject({ outcome: 'stored' });
  return (
    await p.h.t.app.inject({ method: 'GET', url: '/api/v1/plan', headers: { cookie: p.cookie } })
  ).json<RunView>();
}

/**
 * Starts the stored preview as a run (as the apply route or autopilot does) without queuing its job
 * yet: what changes before `finishRun` happens while the run waits for the worker.
 */
async function startRun(p: PipelineHarness, planId: string): Promise<void> {
  const plans = repositories(p.h.t.db).plans;
  expect(await plans.transition(planId, ['preview', 'confirm_required'], 'applying')).toBe(true);
}

/** Queues the run's job and waits for the run to end. */
async function finishRun(p: PipelineHarness, planId: string): Promise<RunView> {
  await p.h.t.producers.enqueueApply({ runId: planId });
  return waitUntil(
    async () => {
      const view = (
        await p.h.t.app.inject({
          method: 'GET',
          url: `/api/v1/runs/${planId}`,
          headers: { cookie: p.cookie },
        })
      ).json<RunView>();
      return view.state === 'applying' ? undefined : view;
    },
    { timeoutMs: 90_000, what: `run ${planId} to finish` },
  );
}

/** A busy meeting organized by someone else, in Google's shape, on `slot`. */
const meetingOn = (slot: Slot, self: string, title: string) => ({
  summary: title,
  start: { dateTime: slot.start },
  end: { dateTime: slot.end },
  organizer: { email: 'dana@customer.sandbox.test' },
  attendees: [
    { email: 'dana@customer.sandbox.test', organizer: true, responseStatus: 'accepted' },
    { email: self, self: true, responseStatus: 'accepted' },
  ],
});

async function accountFor(p: PipelineHarness, email: string): Promise<string> {
  const accounts = await p.h.sandbox.control<Account[]>('GET', '/accounts?provider=google');
  const found = accounts.find((a) => a.email.toLowerCase() === email.toLowerCase());
  if (found) return found.id;
  const created = await p.h.sandbox.createAccount({ provider: 'google', email, name: email, timeZone: ZONE });
  return created.id;
}

describe('apply-time guard on google: settings, availability and the calendar changed after the plan', () => {
  let p: PipelineHarness;
  let plan: RunView;
  let run: RunView;
  let protectedCancel: Op;
  let fixedMove: Op;
  let busyMove: Op;
  let takenBlock: Op;
  let logFrom: number;

  beforeAll(async () => {
    p = await startPipeline('google', EMAIL);
    const api = p.h.t.app;
    // A skip week is due (the last one five weeks ago), so the plan cancels 1:1s as well as moving them.
    const prefs = (
      await api.inject({ method: 'GET', url: '/api/v1/preferences', headers: { cookie: p.cookie } })
    ).json<{
      skipWeeks: Record<string, unknown>;
    }>();
    const today = Temporal.Now.zonedDateTimeISO(ZONE).toPlainDate();
    const monday = today.subtract({ days: today.dayOfWeek - 1 });
    const saved = await api.inject({
      method: 'PUT',
      url: '/api/v1/preferences',
      headers: p.writes,
      payload: {
        ...prefs,
        skipWeeks: { ...prefs.skipWeeks, lastSkipWeek: monday.subtract({ weeks: 5 }).toString() },
      },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    plan = await currentPlan(p);

    const cancels = plan.operations.filter((o) => o.kind === 'cancelOccurrence');
    const moves = plan.operations.filter((o) => o.kind === 'moveSeries' || o.kind === 'moveOccurrence');
    const blocks = plan.operations.filter((o) => o.kind === 'createFocusBlock');
    expect(cancels.length, 'the plan cancels 1:1s').toBeGreaterThan(0);
    expect(blocks.length, 'the plan adds focus blocks').toBeGreaterThan(0);
    protectedCancel = cancels[0]!;
    const others = moves.filter((o) => desiredOf(o).counterpart !== desiredOf(protectedCancel).counterpart);
    const people = [...new Set(others.map((o) => desiredOf(o).counterpart))];
    expect(people.length, 'the plan moves 1:1s of two other people').toBeGreaterThanOrEqual(2);
    fixedMove = others.find((o) => desiredOf(o).counterpart === people[0])!;
    busyMove = others.find((o) => desiredOf(o).counterpart === people[1])!;
    takenBlock = blocks[0]!;

    await startRun(p, plan.id);
    for (const [email, change] of [
      [desiredOf(protectedCancel).counterpart!, { protected: true }],
      [desiredOf(fixedMove).counterpart!, { fixed: true }],
    ] as const) {
      const res = await api.inject({
        method: 'PATCH',
        url: `/api/v1/people/${email}`,
        headers: p.writes,
        payload: change,
      });
      expect(res.statusCode, res.body).toBe(200);
    }
    const busyPerson = desiredOf(busyMove).counterpart!;
    await p.h.sandbox.control('POST', `/accounts/${await accountFor(p, busyPerson)}/events`, {
      events: [meetingOn(desiredOf(busyMove).after!, busyPerson, 'Offsite planning')],
    });
    await p.h.sandbox.control('POST', `/accounts/${p.accountId}/events`, {
      events: [meetingOn(desiredOf(takenBlock).after!, EMAIL, 'Customer escalation')],
    });
    await p.calendar(); // the escalation reaches the mirror
    logFrom = (await p.requests()).length;
    run = await finishRun(p, plan.id);
  }, 240_000);
  afterAll(async () => {
    await p?.close();
  });

  const outcome = (op: Op) => run.operations.find((o) => o.id === op.id)!;

  it('does not cancel the 1:1 of a person marked protected after the plan', () => {
    expect(outcome(protectedCancel)).toMatchObject({
      status: 'skipped',
      error: expect.stringContaining('now protected'),
    });
  });

  it('does not move the 1:1 of a person marked fixed after the plan', () => {
    expect(outcome(fixedMove)).toMatchObject({
      status: 'skipped',
      error: expect.stringContaining('now fixed'),
    });
  });

  it('does not move a 1:1 to a time the counterpart is no longer free, and reads availability once per run', async () => {
    expect(outcome(busyMove)).toMatchObject({
      status: 'skipped',
      error: expect.stringContaining('no longer free'),
    });
    const routes = (await p.requests(logFrom)).map((e) => (e as { route?: string }).route ?? '');
    expect(routes.filter((r) => r.includes('freeBusy'))).toHaveLength(1);
  });

  it('does not put a focus block on a slot a meeting took after the plan', () => {
    expect(outcome(takenBlock)).toMatchObject({
      status: 'skipped',
      error: expect.stringContaining('slot is no longer free'),
    });
  });

  it('applies the rest of the run, and the refused operations changed nothing', async () => {
    const refused = new Set([protectedCancel.id, fixedMove.id, busyMove.id, takenBlock.id]);
    // A focus block planned into the slot a refused move was to vacate finds that 1:1 still there.
    const stayed = new Set(
      [fixedMove, busyMove].flatMap((op) => [op.eventId, op.desired.seriesId ?? op.eventId]),
    );
    const rest = run.operations.filter((o) => !refused.has(o.id));
    for (const op of rest.filter((o) => o.status !== 'applied')) {
      expect(op).toMatchObject({
        kind: 'createFocusBlock',
        status: 'skipped',
        error: expect.stringContaining('the slot is no longer free'),
      });
      const block = desiredOf(op).after!;
      const mirror = await repositories(p.h.t.db).mirror.eventsInWindow(
        p.connectionId,
        new Date(block.start),
        new Date(block.end),
      );
      const held = mirror.filter(
        (e) => stayed.has(e.id) || (e.seriesId !== undefined && stayed.has(e.seriesId)),
      );
      expect(held.length, `${op.error} is one of the 1:1s whose move was refused`).toBeGreaterThan(0);
    }
    expect(rest.filter((o) => o.status === 'applied').length).toBeGreaterThan(0);
    expect(run.state).toBe('applied');
    const calendar: CalendarEvent[] = await p.calendar();
    const at = (slot: Slot) => (e: CalendarEvent) =>
      Date.parse(e.start) === Date.parse(slot.start) && Date.parse(e.end) === Date.parse(slot.end);
    const cancelled = calendar.find((e) => e.id === protectedCancel.eventId);
    expect(cancelled?.status, 'the protected 1:1 is still on').not.toBe('cancelled');
    expect(calendar.filter((e) => e.tag?.kind === 'focusBlock').some(at(desiredOf(takenBlock).after!))).toBe(
      false,
    );
    for (const move of [fixedMove, busyMove]) {
      const person = desiredOf(move).counterpart!.toLowerCase();
      const withPerson = calendar.filter((e) => e.attendees.some((a) => a.email.toLowerCase() === person));
      expect(withPerson.some(at(desiredOf(move).after!)), `${person}'s 1:1 was not moved`).toBe(false);
    }
  });
});

describe.each<[Provider, string]>([
  ['google', EMAIL],
  ['microsoft', 'alex.tlm@contoso.sandbox.test'],
])('apply-time guard on %s: the clock ran into the freeze window', (provider, email) => {
  const p = usePipeline(provider, email);

  it('skips a move whose new time is now inside the freeze window, with no email, and applies the rest', async () => {
    const plan = await currentPlan(p);
    const moves = plan.operations
      .filter((o) => o.kind === 'moveSeries' || o.kind === 'moveOccurrence')
      .sort((a, b) => Date.parse(desiredOf(a).before!.start) - Date.parse(desiredOf(b).before!.start));
    const late = moves.at(-1)!;
    const early = moves.filter(
      (o) => Date.parse(desiredOf(o).before!.start) < Date.parse(desiredOf(late).before!.start),
    );
    expect(early.length, 'moves at different times').toBeGreaterThan(0);
    // Twelve hours before the earliest planned 1:1 of the earlier moves (inside the 24 h window).
    const first = Math.min(
      ...early.flatMap((o) => [
        Date.parse(desiredOf(o).before!.start),
        Date.parse(desiredOf(o).after!.start),
      ]),
    );
    const advance = first - 12 * 3_600_000 - p.h.deps.now().getTime();
    expect(advance).toBeGreaterThan(0);
    await p.h.advance(advance);
    const logFrom = (await p.requests()).length;
    await startRun(p, plan.id);
    const run = await finishRun(p, plan.id);
    for (const op of early) {
      expect(run.operations.find((o) => o.id === op.id)).toMatchObject({
        status: 'skipped',
        error: expect.stringMatching(/freeze window|already started/),
      });
    }
    const mailed = (await p.requests(logFrom))
      .flatMap((e) => e.emailsSent ?? [])
      .map((m) => m.to.toLowerCase());
    for (const op of early) expect(mailed).not.toContain(desiredOf(op).counterpart!.toLowerCase());
  }, 180_000);
});

/** A busy meeting with a customer on `slot` that the user organizes, in Graph's shape. */
const graphMeetingOn = (slot: Slot, title: string) => ({
  subject: title,
  start: { dateTime: new Date(slot.start).toISOString().slice(0, 19), timeZone: 'UTC' },
  end: { dateTime: new Date(slot.end).toISOString().slice(0, 19), timeZone: 'UTC' },
  attendees: [{ emailAddress: { address: 'dana@customer.sandbox.test' }, type: 'required' }],
});

describe.each<[Provider, string]>([
  ['google', EMAIL],
  ['microsoft', 'alex.tlm@contoso.sandbox.test'],
])('apply-time guard on %s: the user took the new time of a planned 1:1 move', (provider, email) => {
  const p = usePipeline(provider, email);

  it('does not move the 1:1 onto a meeting the user accepted after the plan: the move is skipped with its reason, the 1:1 stays and nobody is emailed about it', async () => {
    const plan = await currentPlan(p);
    const move = plan.operations.find((o) => o.kind === 'moveSeries' || o.kind === 'moveOccurrence')!;
    expect(move, 'the plan moves a 1:1').toBeDefined();
    const { before, after, counterpart } = desiredOf(move);
    // Someone outside the 1:1 books the user at its new time: the counterpart's free/busy stays free.
    const meeting =
      provider === 'google'
        ? meetingOn(after!, email, 'Customer escalation')
        : graphMeetingOn(after!, 'Customer escalation');
    await startRun(p, plan.id);
    await p.h.sandbox.control('POST', `/accounts/${p.accountId}/events`, { events: [meeting] });
    await p.calendar(); // the meeting reaches the mirror
    const logFrom = (await p.requests()).length;
    const run = await finishRun(p, plan.id);

    expect(run.operations.find((o) => o.id === move.id)).toMatchObject({
      status: 'skipped',
      error: expect.stringContaining('"Customer escalation" is there now'),
    });
    const calendar = await p.calendar();
    const oneOnOne = (e: CalendarEvent) =>
      e.attendees.some((a) => a.email.toLowerCase() === counterpart!.toLowerCase());
    const at = (slot: Slot) => (e: CalendarEvent) => Date.parse(e.start) === Date.parse(slot.start);
    expect(calendar.filter(oneOnOne).some(at(before!)), 'the 1:1 is where it was').toBe(true);
    expect(calendar.filter(oneOnOne).some(at(after!)), 'the 1:1 is not on the meeting').toBe(false);
    const mailed = (await p.requests(logFrom))
      .flatMap((e) => e.emailsSent ?? [])
      .map((m) => m.to.toLowerCase());
    expect(mailed).not.toContain(counterpart!.toLowerCase());
  }, 180_000);
});
