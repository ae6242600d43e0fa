/**
 * Intent property: generated scripts of what a user does between plans — delete one of Frontload's
 * focus blocks, move a Frontload-moved 1:1 series back, mark a person protected, hand their overrides
 * back, let a skip week fall due, change their preferences, accept a meeting on a slot the preview
 * planned for a focus block or a 1:1 (and maybe apply that preview at once), try to apply an earlier
 * preview, let the clock run on until part of the preview is due — each step followed by a plan and
 * its apply, against the real ledger, planner and sandbox on Google and Microsoft. After every step:
 *  - an overridden series (moved back, not handed back) is not moved again, by the preview nor on
 *    the calendar;
 *  - no focus block is proposed or written over a block the user deleted;
 *  - no protected person's 1:1 is cancelled, in the preview or by a run;
 *  - a preview replaced by a newer plan, or one already applied, answers 409 and changes nothing;
 *  - and the invariants of intent-invariants.ts: nothing written in the past or, for a 1:1, inside
 *    the freeze window; no focus block or 1:1 put on an accepted meeting; no focus block written over
 *    an event holding the user's time; no attendee mailed more often than the preview said; past
 *    occurrences keep their times.
 * Each script runs on a fresh stack. INTENT_SCRIPTS sets how many scripts per provider (default 2).
 */
import { repositories } from '@frontload/db';
import type { CalendarEvent } from '@frontload/domain';
import type { CalendarProvider } from '@frontload/providers';
import { waitUntil } from '@frontload/testing';
import { DEFAULT_TUNING } from '@frontload/worker-sync';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { planUser } from '../../workers/planner/src/plan-user.js';
import {
  blocksOverBusy,
  moreEmailsThanShown,
  overlaps,
  overMeeting,
  pastOccurrencesMoved,
  writtenTooLate,
  type Clock,
  type Planned,
  type Slot,
} from './intent-invariants.js';
import {
  moveSeriesAsUser,
  startPipeline,
  type Op,
  type PipelineHarness,
  type Plan,
} from './pipeline-harness.js';
import type { Provider } from './sync-harness.js';

const ZONE = 'Europe/Berlin';
const SCRIPTS = Number(process.env.INTENT_SCRIPTS ?? 2);
const HOUR = 3_600_000;
/** The longest a clock step moves the clock on (the sync's listing window reaches eight weeks back). */
const MAX_ADVANCE_MS = 6 * 24 * HOUR;
/** Past occurrences this close to the sync's listing window are left out (the window moves with the clock). */
const PAST_WINDOW_MS = DEFAULT_TUNING.windowBackMs - 2 * 86_400_000;

type Action =
  | { kind: 'deleteBlock'; pick: number }
  | { kind: 'moveBack'; pick: number }
  | { kind: 'protect'; pick: number }
  | { kind: 'handBack' }
  | { kind: 'skipWeekDue' }
  | { kind: 'changePreferences'; pick: number }
  | { kind: 'acceptMeeting'; pick: number; applyNow: boolean }
  | { kind: 'applyEarlier'; pick: number }
  | { kind: 'clockRunsOn'; pick: number };
type SeriesMove = { seriesId: string; before: Slot; after: Slot; counterpart: string };
type Preferences = {
  workingHours: { start: string; end: string; days: number[] };
  focus: { targetHours: number };
  freezeWindowHours: number;
  blastRadius: number;
  skipWeeks: Record<string, unknown>;
};

const localTime = (instant: string) => {
  const at = Temporal.Instant.from(instant).toZonedDateTimeISO(ZONE);
  return `${at.dayOfWeek} ${at.hour}:${at.minute}`;
};

const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('deleteBlock' as const), pick: fc.nat(9) }),
  fc.record({ kind: fc.constant('moveBack' as const), pick: fc.nat(9) }),
  fc.record({ kind: fc.constant('protect' as const), pick: fc.nat(9) }),
  fc.constant({ kind: 'handBack' as const }),
  fc.constant({ kind: 'skipWeekDue' as const }),
  fc.record({ kind: fc.constant('changePreferences' as const), pick: fc.nat(9) }),
  fc.record({ kind: fc.constant('acceptMeeting' as const), pick: fc.nat(9), applyNow: fc.boolean() }),
  fc.record({ kind: fc.constant('applyEarlier' as const), pick: fc.nat(9) }),
  fc.record({ kind: fc.constant('clockRunsOn' as const), pick: fc.nat(9) }),
);

/** A step: what the user does, then a plan, which the user applies or leaves for now. */
const step = fc.record({ act: action, apply: fc.boolean() });

/** Preference changes the API accepts, each away from the value the user has. */
const preferenceChanges: ((p: Preferences) => Preferences)[] = [
  (p) => ({ ...p, focus: { ...p.focus, targetHours: p.focus.targetHours === 6 ? 12 : 6 } }),
  (p) => ({
    ...p,
    workingHours: {
      ...p.workingHours,
      ...(p.workingHours.start === '08:00'
        ? { start: '10:00', end: '18:00' }
        : { start: '08:00', end: '16:00' }),
    },
  }),
  (p) => ({ ...p, blastRadius: p.blastRadius === 5 ? 50 : 5 }),
  (p) => ({ ...p, freezeWindowHours: p.freezeWindowHours === 48 ? 12 : 48 }),
];

/** What the user did so far, and so what must hold. */
interface Expectations {
  overridden: Map<string, SeriesMove>;
  deleted: Slot[];
  protectedPeople: Set<string>;
  /** Meetings the user accepted. */
  meetings: Slot[];
}

class Script {
  readonly expect: Expectations = {
    overridden: new Map(),
    deleted: [],
    protectedPeople: new Set(),
    meetings: [],
  };
  /** Every preview the user saw, oldest first, and whether it was applied. */
  private readonly previews: { id: string; applied: boolean }[] = [];
  private constructor(
    readonly p: PipelineHarness,
    readonly user: CalendarProvider,
    private readonly provider: Provider,
    private readonly self: string,
  ) {}

  static async start(provider: Provider, email: string): Promise<Script> {
    const p = await startPipeline(provider, email);
    const connection = (await repositories(p.h.t.db).connections.byId(p.connectionId))!;
    return new Script(p, await p.deps.providerFor(connection), provider, email);
  }

  private inject(method: 'GET' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) {
    const headers = method === 'GET' ? { cookie: this.p.cookie } : this.p.writes;
    return this.p.h.t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  }

  private now(): number {
    return this.p.deps.now().getTime();
  }

  private async preferences(): Promise<Preferences> {
    return (await this.inject('GET', '/api/v1/preferences')).json<Preferences>();
  }

  /** The planner's clock and the user's freeze window, as they are now. */
  private async clock(): Promise<Clock> {
    return { now: this.now(), freezeMs: (await this.preferences()).freezeWindowHours * HOUR };
  }

  /** Plans, and checks the current preview (if any) against the clock it was planned at. */
  private async plan(): Promise<Plan | undefined> {
    const clock = await this.clock();
    await planUser(this.p.userId, this.p.deps);
    const res = await this.inject('GET', '/api/v1/plan');
    const plan = res.statusCode === 200 ? res.json<Plan>() : undefined;
    if (!plan) return undefined;
    if (!this.previews.some((v) => v.id === plan.id)) this.previews.push({ id: plan.id, applied: false });
    this.checkPreview(plan, clock);
    return plan;
  }

  /** Plans, checks the preview, applies it (unless the user leaves it for now), checks the run and the calendar. */
  async planAndApply(apply: boolean): Promise<void> {
    const plan = await this.plan();
    if (apply && plan && plan.operations.length > 0) await this.apply(plan);
    await this.checkCalendar(await this.p.calendar());
  }

  private applyRequest(planId: string) {
    return this.p.h.t.app.inject({
      method: 'POST',
      url: `/api/v1/plans/${planId}/apply`,
      headers: this.p.writes,
      payload: { confirm: true, confirmIrreversible: true },
    });
  }

  /** Applies `plan` (the current preview) and checks what its run did. */
  private async apply(plan: Plan): Promise<void> {
    const before = await this.p.calendar();
    const clock = await this.clock();
    const logFrom = (await this.p.requests()).length;
    const applied = await this.applyRequest(plan.id);
    expect(applied.statusCode, applied.body).toBe(202);
    this.previews.find((v) => v.id === plan.id)!.applied = true;
    const plans = repositories(this.p.h.t.db).plans;
    await waitUntil(
      async () =>
        ['applied', 'partially_applied', 'stopped', 'failed'].includes((await plans.byId(plan.id))!.state) ||
        undefined,
      { timeoutMs: 90_000, what: 'the run to finish' },
    );
    const after = await this.p.calendar();
    await this.checkRun(plan, { before, after, clock, logFrom });
  }

  private checkPreview(plan: Plan, clock: Clock): void {
    for (const op of plan.operations) {
      const desired = op.desired as { seriesId?: string; after?: Slot; counterpart?: string };
      if ((op.kind === 'moveSeries' || op.kind === 'moveOccurrence') && desired.seriesId)
        expect(this.expect.overridden.has(desired.seriesId), `moves overridden ${desired.seriesId}`).toBe(
          false,
        );
      if ((op.kind === 'createFocusBlock' || op.kind === 'updateFocusBlock') && desired.after)
        for (const slot of this.expect.deleted)
          expect(overlaps(desired.after, slot), 'a block over a deleted one').toBe(false);
      if (op.kind === 'cancelOccurrence')
        expect(
          this.expect.protectedPeople.has(desired.counterpart!.toLowerCase()),
          'cancels a protected 1:1',
        ).toBe(false);
      expect(writtenTooLate(op, clock), `the preview's ${op.kind}`).toBeUndefined();
      expect(
        overMeeting(op, this.expect.meetings),
        `the preview's ${op.kind} over a meeting`,
      ).toBeUndefined();
    }
  }

  /** What a run wrote, checked against the ledger, the calendar around it and the sandbox's emails. */
  private async checkRun(
    plan: Plan,
    run: { before: CalendarEvent[]; after: CalendarEvent[]; clock: Clock; logFrom: number },
  ): Promise<void> {
    const rows = await repositories(this.p.h.t.db).plans.operations(plan.id);
    const applied: Planned[] = rows.filter((row) => row.status === 'applied');
    for (const row of rows.filter((r) => r.status === 'applied')) {
      if (row.kind === 'cancelOccurrence') {
        const counterpart = (row.desired as { counterpart: string }).counterpart.toLowerCase();
        expect(this.expect.protectedPeople.has(counterpart), 'a run cancelled a protected 1:1').toBe(false);
      }
      expect(writtenTooLate(row, run.clock), `the run wrote ${row.kind}`).toBeUndefined();
      expect(overMeeting(row, this.expect.meetings), `the run's ${row.kind} over a meeting`).toBeUndefined();
    }
    expect(blocksOverBusy(applied, run.before, run.after), 'blocks written over busy time').toEqual([]);
    const sent = (await this.p.requests(run.logFrom)).flatMap((e) => e.emailsSent ?? []);
    expect(moreEmailsThanShown(plan.operations, sent), 'emails beyond the preview').toEqual([]);
    expect(
      pastOccurrencesMoved(run.before, run.after, run.clock.now, PAST_WINDOW_MS),
      'past occurrences moved',
    ).toEqual([]);
  }

  private async checkCalendar(events: CalendarEvent[]): Promise<void> {
    for (const block of events.filter((e) => e.tag?.kind === 'focusBlock'))
      for (const slot of this.expect.deleted)
        expect(overlaps(block, slot), 'a block over a deleted one').toBe(false);
    for (const [seriesId, move] of this.expect.overridden) {
      const next = events.find((e) => e.seriesId === seriesId && Date.parse(e.start) > this.now());
      if (next)
        expect(localTime(next.start), `overridden ${seriesId} moved`).toBe(localTime(move.before.start));
    }
  }

  /** The series Frontload moved (its latest applied move each) that are still where it put them. */
  private async movedSeries(): Promise<SeriesMove[]> {
    const { rows } = await this.p.h.t.db.query<{ desired: SeriesMove & { kind: string } }>(
      `select o.desired from operations o join plans p on p.id = o.plan_id
       where p.user_id = $1 and p.kind = 'plan' and o.kind = 'moveSeries' and o.status = 'applied'
       order by o.updated_at`,
      [this.p.userId],
    );
    const latest = new Map(rows.map((r) => [r.desired.seriesId, r.desired]));
    const events = await this.p.calendar();
    return [...latest.values()].filter((m) => {
      const next = events.find((e) => e.seriesId === m.seriesId && Date.parse(e.start) > this.now());
      return next !== undefined && localTime(next.start) === localTime(m.after.start);
    });
  }

  /**
   * Tries to apply `planId`, which a newer plan replaced or a run already applied: 409 with `code`,
   * and the calendar and the plan stay as they were.
   */
  private async refusedApply(planId: string, code: string): Promise<void> {
    const plans = repositories(this.p.h.t.db).plans;
    const before = await this.p.calendar();
    const state = (await plans.byId(planId))!.state;
    const res = await this.applyRequest(planId);
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json<{ code: string }>().code).toBe(code);
    expect((await plans.byId(planId))!.state).toBe(state);
    expect(await this.p.calendar(), 'the calendar after a refused apply').toEqual(before);
  }

  /** A busy meeting with a customer on `slot`, accepted by the user, in the provider's own shape. */
  private async acceptMeeting(slot: Slot): Promise<void> {
    const guest = 'dana@customer.sandbox.test';
    const event =
      this.provider === 'google'
        ? {
            summary: 'Customer escalation',
            start: { dateTime: slot.start },
            end: { dateTime: slot.end },
            organizer: { email: guest },
            attendees: [
              { email: guest, organizer: true, responseStatus: 'accepted' },
              { email: this.self, self: true, responseStatus: 'accepted' },
            ],
          }
        : {
            subject: 'Customer escalation',
            start: { dateTime: new Date(slot.start).toISOString().slice(0, 19), timeZone: 'UTC' },
            end: { dateTime: new Date(slot.end).toISOString().slice(0, 19), timeZone: 'UTC' },
            attendees: [{ emailAddress: { address: guest }, type: 'required' }],
          };
    await this.p.h.sandbox.control('POST', `/accounts/${this.p.accountId}/events`, { events: [event] });
    this.expect.meetings.push(slot);
    await this.p.calendar(); // the meeting reaches the mirror
  }

  /**
   * How far the clock must run for `op` to be due: a 1:1 an hour inside the freeze window, a focus
   * block begun (or, to be removed, over) a quarter of an hour ago.
   */
  private dueIn(op: Op, clock: Clock): number | undefined {
    const { before, after } = op.desired as { before?: Slot; after?: Slot };
    const starts = [before, after].flatMap((s) => (s ? [Date.parse(s.start)] : []));
    if (starts.length === 0) return undefined;
    const first = Math.min(...starts);
    if (['moveSeries', 'moveOccurrence', 'cancelOccurrence'].includes(op.kind))
      return first - clock.now - clock.freezeMs + HOUR;
    const at = op.kind === 'deleteFocusBlock' && before ? Date.parse(before.end) : first;
    return at - clock.now + 15 * 60_000;
  }

  async act(a: Action): Promise<void> {
    switch (a.kind) {
      case 'deleteBlock': {
        const blocks = (await this.p.calendar()).filter(
          (e) => e.tag?.kind === 'focusBlock' && Date.parse(e.start) > this.now(),
        );
        const block = blocks[a.pick % Math.max(1, blocks.length)];
        if (!block) return;
        await this.user.deleteEvent({ id: block.id });
        this.expect.deleted.push({ start: block.start, end: block.end });
        return;
      }
      case 'moveBack': {
        const moves = await this.movedSeries();
        const move = moves[a.pick % Math.max(1, moves.length)];
        if (!move) return;
        await moveSeriesAsUser(this.user, move.seriesId, move.after, move.before, ZONE);
        this.expect.overridden.set(move.seriesId, move);
        return;
      }
      case 'protect': {
        const { people } = (await this.inject('GET', '/api/v1/people')).json<{
          people: { email: string }[];
        }>();
        const person = people[a.pick % Math.max(1, people.length)];
        if (!person) return;
        const res = await this.inject('PATCH', `/api/v1/people/${person.email}`, { protected: true });
        expect(res.statusCode, res.body).toBe(200);
        this.expect.protectedPeople.add(person.email.toLowerCase());
        return;
      }
      case 'handBack': {
        const { overrides } = (await this.inject('GET', '/api/v1/overrides')).json<{
          overrides: { id: string }[];
        }>();
        for (const o of overrides)
          expect((await this.inject('DELETE', `/api/v1/overrides/${o.id}`)).statusCode).toBe(200);
        this.expect.overridden.clear();
        return;
      }
      case 'skipWeekDue': {
        const prefs = await this.preferences();
        const today = Temporal.Instant.fromEpochMilliseconds(this.now())
          .toZonedDateTimeISO(ZONE)
          .toPlainDate();
        const monday = today.subtract({ days: today.dayOfWeek - 1 });
        const res = await this.inject('PUT', '/api/v1/preferences', {
          ...prefs,
          skipWeeks: { ...prefs.skipWeeks, lastSkipWeek: monday.subtract({ weeks: 5 }).toString() },
        });
        expect(res.statusCode, res.body).toBe(200);
        return;
      }
      case 'changePreferences': {
        // The preview the user is looking at, then a change that makes a new plan.
        const old = await this.plan();
        const change = preferenceChanges[a.pick % preferenceChanges.length]!;
        const res = await this.inject('PUT', '/api/v1/preferences', change(await this.preferences()));
        expect(res.statusCode, res.body).toBe(200);
        const replanned = await planUser(this.p.userId, this.p.deps);
        expect(replanned, 'a new plan after the preferences changed').toMatchObject({ outcome: 'stored' });
        if (old) await this.refusedApply(old.id, 'FL_PLAN_STALE');
        await this.plan();
        return;
      }
      case 'acceptMeeting': {
        const plan = await this.plan();
        const clock = await this.clock();
        const slots = (plan?.operations ?? [])
          .filter((op) =>
            ['createFocusBlock', 'updateFocusBlock', 'moveSeries', 'moveOccurrence'].includes(op.kind),
          )
          .map((op) => (op.desired as { after: Slot }).after)
          .filter((slot) => Date.parse(slot.start) > clock.now);
        const slot = slots[a.pick % Math.max(1, slots.length)];
        if (!plan || !slot) return;
        await this.acceptMeeting(slot);
        // Applied at once, the preview made before the meeting meets it at apply time.
        if (a.applyNow) await this.apply(plan);
        return;
      }
      case 'applyEarlier': {
        const current = (await this.plan())?.id;
        const earlier = this.previews.filter((v) => v.id !== current);
        const chosen = earlier[a.pick % Math.max(1, earlier.length)];
        if (!chosen) return;
        await this.refusedApply(chosen.id, chosen.applied ? 'FL_PLAN_ALREADY_APPLIED' : 'FL_PLAN_STALE');
        return;
      }
      case 'clockRunsOn': {
        // The clock runs on until one of the preview's operations is due, then the preview is applied.
        const plan = await this.plan();
        const clock = await this.clock();
        const due = (plan?.operations ?? [])
          .map((op) => this.dueIn(op, clock))
          .filter((ms): ms is number => ms !== undefined && ms > 0 && ms <= MAX_ADVANCE_MS);
        const advance = due[a.pick % Math.max(1, due.length)];
        await this.p.h.advance(advance ?? (a.pick + 1) * HOUR);
        await this.p.calendar();
        if (plan && plan.operations.length > 0) await this.apply(plan);
        return;
      }
    }
  }

  close(): Promise<void> {
    return this.p.close();
  }
}

describe.each<[Provider, string]>([
  ['google', 'alex.tlm@sandbox.test'],
  ['microsoft', 'alex.tlm@contoso.sandbox.test'],
])('intent property on %s', (provider, email) => {
  it(
    `${SCRIPTS} generated scripts of user edits between plans: overrides, deletions, protected people, accepted meetings, settings, old previews and the clock are respected after every step`,
    async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.boolean(),
          fc.array(step, { minLength: 2, maxLength: 4 }),
          async (first, steps) => {
            const script = await Script.start(provider, email);
            try {
              await script.planAndApply(first);
              for (const { act, apply } of steps) {
                await script.act(act);
                await script.p.calendar();
                await script.planAndApply(apply);
              }
            } finally {
              await script.close();
            }
          },
        ),
        { numRuns: SCRIPTS, endOnFailure: true },
      );
    },
    600_000 + SCRIPTS * 240_000,
  );
});
