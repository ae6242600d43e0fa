/**
 * A seed → the script of one chaos simulation: about two and a half simulated weeks for two users
 * (the demo TLM on Google and on Microsoft), with calendar activity at each step (colleagues' invites,
 * the user's own events, and the user's edits Frontload must respect: a deleted focus block, a
 * protected person) and the faults the faulty run injects there. fast-check draws the script from the seed, so a seed always replays the
 * same script. Both runs of a seed play the same steps; only the faulty one injects the faults.
 */
import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { ZONE, type Provider } from './calendar-agent.js';

export const PROVIDERS: Provider[] = ['google', 'microsoft'];
export const USERS: Record<Provider, string> = {
  google: 'alex.tlm@sandbox.test',
  microsoft: 'alex.tlm@contoso.sandbox.test',
};
/** Colleagues with sandbox accounts (local parts; the domain is the user's). */
export const COLLEAGUES = ['priya.natarajan', 'marco.rossi', 'jonas.weber', 'dana.kim'];

/** Day: 1 = Monday of the week after the step. Hours are local (ZONE). */
export type Activity =
  | { kind: 'invite'; by: number; day: number; hour: number; minutes: number }
  | { kind: 'create'; day: number; hour: number; minutes: number }
  | { kind: 'move'; pick: number; minutes: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'oneOnOne'; with: number; day: number; hour: number }
  /** The user deletes one of Frontload's focus blocks ahead: Frontload must not put one there again. */
  | { kind: 'deleteOurs'; pick: number }
  /** The user marks a colleague protected in People: their 1:1s are never cancelled from then on. */
  | { kind: 'protect'; with: number };

export type Fault =
  | {
      kind: 'http';
      provider: Provider;
      status: 429 | 500 | 503;
      on: 'read' | 'write' | 'token';
      count: number;
    }
  | { kind: 'timeout'; provider: Provider; count: number }
  | { kind: 'syncTokenGone'; provider: Provider }
  | { kind: 'refreshTokenDeath'; provider: Provider }
  | { kind: 'push'; provider: Provider; mode: 'drop' | 'duplicate' | 'delay'; count: number }
  | { kind: 'reorderPushes' }
  | { kind: 'killWorker'; worker: 'sync' | 'planner'; queue: 'sync' | 'plan' | 'apply' }
  | { kind: 'restartRedis' }
  | { kind: 'dropPostgres' };

export interface Step {
  /** Simulated instant of the step (epoch ms). */
  at: number;
  label: string;
  /** The weekly plan's instant (Sunday 18:00): no activity, every user planned. */
  weekly: boolean;
  activity: Record<Provider, Activity[]>;
  faults: Fault[];
}

export interface Script {
  seed: number;
  startAtMs: number;
  steps: Step[];
}

/**
 * Activity days after the start's Monday, at 09:07 local; W = the weekly plan on Sunday 18:00. A
 * script always ends on a weekly plan: only changes start a plan between two Sundays, so before
 * that common planning point two runs may have planned different stretches of the horizon.
 */
const TIMELINE: (number | 'W')[] = [1, 3, 'W', 7, 9, 11, 'W', 15, 16, 'W'];

const provider = fc.constantFrom<Provider>(...PROVIDERS);
const day = fc.integer({ min: 1, max: 5 });
const hour = fc.integer({ min: 9, max: 16 });
const activity: fc.Arbitrary<Activity> = fc.oneof(
  fc.record({
    kind: fc.constant('invite' as const),
    by: fc.nat(COLLEAGUES.length - 1),
    day,
    hour: fc.integer({ min: 12, max: 16 }),
    minutes: fc.constantFrom(30, 60, 90),
  }),
  fc.record({ kind: fc.constant('create' as const), day, hour, minutes: fc.constantFrom(30, 60) }),
  fc.record({
    kind: fc.constant('move' as const),
    pick: fc.nat(1000),
    minutes: fc.constantFrom(-60, 60, 1440),
  }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat(1000) }),
  fc.record({
    kind: fc.constant('oneOnOne' as const),
    with: fc.nat(COLLEAGUES.length - 1),
    day: fc.integer({ min: 3, max: 5 }),
    hour: fc.integer({ min: 13, max: 15 }),
  }),
  fc.record({ kind: fc.constant('deleteOurs' as const), pick: fc.nat(1000) }),
  fc.record({ kind: fc.constant('protect' as const), with: fc.nat(COLLEAGUES.length - 1) }),
);
const fault: fc.Arbitrary<Fault> = fc.oneof(
  fc.record({
    kind: fc.constant('http' as const),
    provider,
    status: fc.constantFrom<429 | 500 | 503>(429, 500, 503),
    on: fc.constantFrom<'read' | 'write' | 'token'>('read', 'write', 'token'),
    count: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ kind: fc.constant('timeout' as const), provider, count: fc.constant(1) }),
  fc.record({ kind: fc.constant('syncTokenGone' as const), provider }),
  fc.record({ kind: fc.constant('refreshTokenDeath' as const), provider }),
  fc.record({
    kind: fc.constant('push' as const),
    provider,
    mode: fc.constantFrom<'drop' | 'duplicate' | 'delay'>('drop', 'duplicate', 'delay'),
    count: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({ kind: fc.constant('reorderPushes' as const) }),
  fc.oneof(
    fc.record({
      kind: fc.constant('killWorker' as const),
      worker: fc.constant('sync' as const),
      queue: fc.constant('sync' as const),
    }),
    fc.record({
      kind: fc.constant('killWorker' as const),
      worker: fc.constant('planner' as const),
      queue: fc.constantFrom<'plan' | 'apply'>('plan', 'apply'),
    }),
  ),
  fc.record({ kind: fc.constant('restartRedis' as const) }),
  fc.record({ kind: fc.constant('dropPostgres' as const) }),
);
const stepDraw = fc.record({
  google: fc.array(activity, { minLength: 0, maxLength: 3 }),
  microsoft: fc.array(activity, { minLength: 0, maxLength: 3 }),
  faults: fc.array(fault, { minLength: 1, maxLength: 3 }),
});

/** Monday 09:07 (ZONE) of the week after next, from `wallMs`: ahead of every real clock in the stack. */
export function startOf(wallMs: number): number {
  const today = Temporal.Instant.fromEpochMilliseconds(wallMs).toZonedDateTimeISO(ZONE).toPlainDate();
  const monday = today.add({ days: 14 - (today.dayOfWeek - 1) });
  return monday.toZonedDateTime({ timeZone: ZONE, plainTime: '09:07' }).epochMilliseconds;
}

export function scriptFor(seed: number, startAtMs: number, stepCount = TIMELINE.length): Script {
  const draws = fc.sample(fc.array(stepDraw, { minLength: TIMELINE.length, maxLength: TIMELINE.length }), {
    seed,
    numRuns: 1,
  })[0]!;
  const monday = Temporal.Instant.fromEpochMilliseconds(startAtMs).toZonedDateTimeISO(ZONE);
  let weeklies = 0;
  const slots = TIMELINE.slice(0, stepCount);
  if (slots.at(-1) !== 'W') slots.push('W');
  const steps = slots.map((slot, i): Step => {
    const draw = draws[i]!;
    if (slot === 'W') {
      weeklies += 1;
      const sunday = monday.add({ days: 7 * weeklies - 1 }).with({ hour: 18, minute: 0 });
      return {
        at: sunday.epochMilliseconds,
        label: `week ${weeklies}: weekly plan`,
        weekly: true,
        activity: { google: [], microsoft: [] },
        faults: draw.faults.filter((f) => f.kind === 'killWorker' || f.kind === 'restartRedis'),
      };
    }
    const at = monday.add({ days: slot });
    return {
      at: at.epochMilliseconds,
      label:
        `${at.toPlainDate().toString()} ${at.dayOfWeek === 1 ? 'Mon' : (['Tue', 'Wed', 'Thu', 'Fri'][at.dayOfWeek - 2] ?? '')}`.trim(),
      weekly: false,
      activity: { google: draw.google, microsoft: draw.microsoft },
      faults: draw.faults,
    };
  });
  return { seed, startAtMs, steps };
}
