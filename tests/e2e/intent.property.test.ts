/**
 * Intent property: generated scripts of what a user does between plans — delete one of Frontload's
 * focus blocks, move a Frontload-moved 1:1 series back, mark a person protected, hand their overrides
 * back, let a skip week fall due — each step followed by a plan and its apply, against the real
 * ledger, planner and sandbox on Google and Microsoft. After every step:
 *  - an overridden series (moved back, not handed back) is not moved again, by the preview nor on
 *    the calendar;
 *  - no focus block is proposed or written over a block the user deleted;
 *  - no protected person's 1:1 is cancelled, in the preview or by a run.
 * Each script runs on a fresh stack. INTENT_SCRIPTS sets how many scripts per provider (default 2).
 */
import { repositories } from '@frontload/db';
import type { CalendarEvent } from '@frontload/domain';
import type { CalendarProvider } from '@frontload/providers';
import { waitUntil } from '@frontload/testing';
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { shiftedMaster } from '../../workers/planner/src/ledger/series-move.js';
import { planUser } from '../../workers/planner/src/plan-user.js';
import { startPipeline, type PipelineHarness, type Plan } from './pipeline-harness.js';
import type { Provider } from './sync-harness.js';

const ZONE = 'Europe/Berlin';
const SCRIPTS = Number(process.env.INTENT_SCRIPTS ?? 2);

type Slot = { start: string; end: string };
type Action =
  | { kind: 'deleteBlock'; pick: number }
  | { kind: 'moveBack'; pick: number }
  | { kind: 'protect'; pick: number }
  | { kind: 'handBack' }
  | { kind: 'skipWeekDue' };
type SeriesMove = { seriesId: string; before: Slot; after: Slot; counterpart: string };

const overlaps = (a: Slot, b: Slot) =>
  Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);
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
);

/** What the user did so far, and so what must hold. */
interface Expectations {
  overridden: Map<string, SeriesMove>;
  deleted: Slot[];
  protectedPeople: Set<string>;
}

class Script {
  readonly expect: Expectations = { overridden: new Map(), deleted: [], protectedPeople: new Set() };
  private constructor(
    readonly p: PipelineHarness,
    readonly user: CalendarProvider,
  ) {}

  static async start(provider: Provider, email: string): Promise<Script> {
    const p = await startPipeline(provider, email);
    const connection = (await repositories(p.h.t.db).connections.byId(p.connectionId))!;
    return new Script(p, await p.deps.providerFor(connection));
  }

  private inject(method: 'GET' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) {
    const headers = method === 'GET' ? { cookie: this.p.cookie } : this.p.writes;
    return this.p.h.t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  }

  /** Plans, checks the preview, applies it, checks the calendar and the ledger. */
  async planAndApply(): Promise<void> {
    await planUser(this.p.userId, this.p.deps);
    const res = await this.inject('GET', '/api/v1/plan');
    const plan = res.statusCode === 200 ? res.json<Plan>() : undefined;
    if (plan) this.checkPreview(plan);
    if (plan && plan.operations.length > 0) {
      const applied = await this.p.h.t.app.inject({
        method: 'POST',
        url: `/api/v1/plans/${plan.id}/apply`,
        headers: this.p.writes,
        payload: { confirm: true, confirmIrreversible: true },
      });
      expect(applied.statusCode, applied.body).toBe(202);
      const plans = repositories(this.p.h.t.db).plans;
      await waitUntil(
        async () =>
          ['applied', 'partially_applied', 'stopped', 'failed'].includes(
            (await plans.byId(plan.id))!.state,
          ) || undefined,
        { timeoutMs: 90_000, what: 'the run to finish' },
      );
      await this.checkLedger(plan.id);
    }
    await this.checkCalendar(await this.p.calendar());
  }

  private checkPreview(plan: Plan): void {
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
    }
  }

  private async checkLedger(planId: string): Promise<void> {
    for (const row of await repositories(this.p.h.t.db).plans.operations(planId)) {
      if (row.status !== 'applied' || row.kind !== 'cancelOccurrence') continue;
      const counterpart = (row.desired as { counterpart: string }).counterpart.toLowerCase();
      expect(this.expect.protectedPeople.has(counterpart), 'a run cancelled a protected 1:1').toBe(false);
    }
  }

  private async checkCalendar(events: CalendarEvent[]): Promise<void> {
    for (const block of events.filter((e) => e.tag?.kind === 'focusBlock'))
      for (const slot of this.expect.deleted)
        expect(overlaps(block, slot), 'a block over a deleted one').toBe(false);
    for (const [seriesId, move] of this.expect.overridden) {
      const next = events.find((e) => e.seriesId === seriesId && Date.parse(e.start) > Date.now());
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
      const next = events.find((e) => e.seriesId === m.seriesId && Date.parse(e.start) > Date.now());
      return next !== undefined && localTime(next.start) === localTime(m.after.start);
    });
  }

  async act(a: Action): Promise<void> {
    switch (a.kind) {
      case 'deleteBlock': {
        const blocks = (await this.p.calendar()).filter(
          (e) => e.tag?.kind === 'focusBlock' && Date.parse(e.start) > Date.now(),
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
        const master = (await this.user.getEvent(move.seriesId))!;
        await this.user.moveEvent({
          id: move.seriesId,
          ...shiftedMaster(master, move.after, move.before, ZONE),
          zone: ZONE,
          seriesWeekday: Temporal.Instant.from(move.before.start).toZonedDateTimeISO(ZONE).dayOfWeek,
          notifyAttendees: false,
        });
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
        const prefs = (await this.inject('GET', '/api/v1/preferences')).json<{
          skipWeeks: Record<string, unknown>;
        }>();
        const today = Temporal.Now.zonedDateTimeISO(ZONE).toPlainDate();
        const monday = today.subtract({ days: today.dayOfWeek - 1 });
        const res = await this.inject('PUT', '/api/v1/preferences', {
          ...prefs,
          skipWeeks: { ...prefs.skipWeeks, lastSkipWeek: monday.subtract({ weeks: 5 }).toString() },
        });
        expect(res.statusCode, res.body).toBe(200);
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
    `${SCRIPTS} generated scripts of user edits between plans: overrides, deletions and protected people are respected after every step`,
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(action, { minLength: 2, maxLength: 4 }), async (actions) => {
          const script = await Script.start(provider, email);
          try {
            await script.planAndApply();
            for (const a of actions) {
              await script.act(a);
              await script.p.calendar();
              await script.planAndApply();
            }
          } finally {
            await script.close();
          }
        }),
        { numRuns: SCRIPTS, endOnFailure: true },
      );
    },
    600_000 + SCRIPTS * 180_000,
  );
});
