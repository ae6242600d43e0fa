import {
  DAY_MS,
  clip,
  coveredMs,
  intersect,
  parseEpochDay,
  type PlanNote,
  type WeekFrame,
} from '@frontload/domain';
import { describeCount, describeDay, describeInstant, describeWeeks, yearOf } from './describe.js';
import { personName, weekContaining, type ParsedEvent, type PlanContext } from './model.js';

/** The skip week this plan acts on, and the occurrences it cancels. */
export interface SkipPlan {
  readonly week: WeekFrame | null;
  readonly cancel: readonly ParsedEvent[];
  readonly notes: readonly PlanNote[];
}

const NONE: SkipPlan = { week: null, cancel: [], notes: [] };

const PERIOD_DAYS = { daily: 1, weekly: 7, monthly: 31, yearly: 366 } as const;

/** How far apart a series' occurrences are (an upper bound for monthly/yearly), or undefined if unknown. */
export function seriesPeriod(ctx: PlanContext, occurrence: ParsedEvent): number | undefined {
  const seriesId = occurrence.event.seriesId;
  const recurrence =
    occurrence.event.recurrence ??
    (seriesId === undefined ? undefined : ctx.byId.get(seriesId)?.event.recurrence);
  if (recurrence) return PERIOD_DAYS[recurrence.frequency] * recurrence.interval * DAY_MS;
  // No rule given: the spacing of the occurrences we can see.
  const starts = ctx.events
    .filter((e) => e.event.seriesId === seriesId && e.originalStart !== undefined)
    .map((e) => e.originalStart ?? 0)
    .sort((a, b) => a - b);
  const gaps = starts
    .slice(1)
    .map((s, i) => s - (starts[i] ?? s))
    .filter((g) => g > 0);
  return gaps.length > 0 ? Math.min(...gaps) : undefined;
}

/** True for a recurring 1:1 occurrence that the skip week is about. */
function isRecurringOneOnOne(e: ParsedEvent): boolean {
  return e.event.kind === 'occurrence' && e.verdict.isOneOnOne && e.verdict.counterpart !== null;
}

/**
 * What skipping a week costs: the recurring 1:1s that would otherwise be held, scaled down by the share
 * of the week's working time the user is out of office. Occurrences already cancelled or declined by
 * the other person do not count, so weeks with holidays come out cheapest. Nothing here depends on
 * where in the week a 1:1 sits, so this plan's own moves cannot change which week wins.
 */
function skipCost(ctx: PlanContext, week: WeekFrame): number {
  const held = ctx.events.filter((e) => {
    if (!isRecurringOneOnOne(e) || e.start < week.start || e.start >= week.end) return false;
    const counterpart = e.verdict.counterpart ?? '';
    if (ctx.people.get(counterpart)?.protected) return false;
    return !e.event.attendees.some(
      (a) => a.email.toLowerCase() === counterpart && a.responseStatus === 'declined',
    );
  }).length;
  const working = clip(ctx.userWorking, week);
  const away = intersect(
    working,
    ctx.events.filter((e) => e.outOfOffice),
  );
  const share = coveredMs(working) === 0 ? 1 : coveredMs(away) / coveredMs(working);
  return held * (1 - share);
}

/**
 * The weeks that may be the skip week, best first, following the cadence window: the recorded skip
 * week alone when one is in view, else the window's weeks cheapest first, then the later weeks in view
 * in order (the next that can skip, when the window's cannot); empty when none is due yet.
 */
function rankWeeks(
  ctx: PlanContext,
  lastSkip: number,
): { weeks: WeekFrame[]; recorded: boolean; overdue: boolean } {
  const { minWeeks, maxWeeks } = ctx.prefs.skipWeeks;
  const weeksAfter = (w: WeekFrame) => Math.floor((w.startDay - lastSkip) / 7);
  const current = ctx.weeks.find((w) => w.startDay <= lastSkip && lastSkip < w.startDay + 7);
  if (current) return { weeks: [current], recorded: true, overdue: false };
  const first = ctx.weeks[0];
  const last = ctx.weeks[ctx.weeks.length - 1];
  if (!first || !last) return { weeks: [], recorded: false, overdue: false };
  const overdue = weeksAfter(first) > maxWeeks;
  // Decide only once every remaining week of the window is visible, so the cheaper one can win.
  if (!overdue && weeksAfter(last) < maxWeeks) return { weeks: [], recorded: false, overdue };
  const candidates = overdue
    ? ctx.weeks
    : ctx.weeks.filter((w) => weeksAfter(w) >= minWeeks && weeksAfter(w) <= maxWeeks);
  // Cheapest first; on a tie, a week still wholly ahead (all of it can be skipped), then the earlier.
  const ranked = candidates
    .map((week) => ({ week, cost: skipCost(ctx, week), underway: week.start < ctx.cutoff ? 1 : 0 }))
    .sort((a, b) => a.cost - b.cost || a.underway - b.underway || a.week.start - b.week.start)
    .map((r) => r.week);
  // Should none of them have anything to skip, the weeks after the window follow, in order.
  const later = overdue ? [] : ctx.weeks.filter((w) => weeksAfter(w) > maxWeeks);
  const weeks = [...ranked, ...later];
  return { weeks, recorded: false, overdue };
}

/**
 * The longest this person could go without a held 1:1 if they had none in `week`, or undefined when
 * the cadence is unknown. Held 1:1s inside the horizon count at the far edge of their week, and any
 * left in the skip week are ignored: moves stay within a week, so the answer (and the decision) does
 * not change once this plan's moves are applied, and it never understates the real gap.
 */
function worstGap(
  ctx: PlanContext,
  week: WeekFrame,
  person: string,
  period: number | undefined,
): number | undefined {
  const held = ctx.events.filter(
    (o) => o.verdict.isOneOnOne && o.verdict.counterpart === person && o.event.kind !== 'series',
  );
  const edge = (o: ParsedEvent, side: 'start' | 'end') => {
    const w = weekContaining(ctx, o.start);
    return w ? w[side] : o.start;
  };
  const before = held.filter((o) => o.start < week.start).map((o) => edge(o, 'start'));
  const after = held.filter((o) => o.start >= week.end).map((o) => edge(o, 'end'));
  const last = Math.max(ctx.lastHeld.get(person) ?? -Infinity, ...before);
  const next = Math.min(...after);
  const previous = Number.isFinite(last) ? last : period === undefined ? undefined : week.start - period;
  const following = Number.isFinite(next) ? next : period === undefined ? undefined : week.end + period;
  return previous === undefined || following === undefined ? undefined : following - previous;
}

/** The verdict for one person's 1:1s in the skip week: all cancelled, or all kept with a reason. */
function decidePerson(
  ctx: PlanContext,
  week: WeekFrame,
  person: string,
  occurrences: readonly ParsedEvent[],
  excluded: ReadonlySet<string>,
): { cancel: ParsedEvent[]; keep: { e: ParsedEvent; why: string }[] } {
  const upcoming = occurrences.filter((e) => e.start >= ctx.now);
  const who = personName(ctx, person);
  if (ctx.people.get(person)?.protected) {
    return {
      cancel: [],
      keep: upcoming.map((e) => ({ e, why: `${who} is protected: their 1:1s are never skipped.` })),
    };
  }
  const keep: { e: ParsedEvent; why: string }[] = [];
  const cancel: ParsedEvent[] = [];
  for (const e of upcoming) {
    const blocked = e.verdict.reasons.find((r) => !r.ok);
    if (blocked) keep.push({ e, why: `Frontload may not cancel it: ${blocked.message}` });
    else if (excluded.has(e.id)) keep.push({ e, why: 'it looks like a duplicate, so it is left alone.' });
    else cancel.push(e);
  }
  if (cancel.length === 0) return { cancel, keep };
  const gap = worstGap(ctx, week, person, cancel[0] ? seriesPeriod(ctx, cancel[0]) : undefined);
  const limit = ctx.prefs.skipWeeks.maxGapDays;
  const why =
    gap === undefined
      ? `the series has no known cadence, so the gap to the next 1:1 with ${who} cannot be checked.`
      : gap > limit * DAY_MS
        ? `skipping could leave ${who} up to ${Math.ceil(gap / DAY_MS)} days without a 1:1 (limit ${limit}).`
        : null;
  return why === null
    ? { cancel, keep }
    : { cancel: [], keep: [...keep, ...cancel.map((e) => ({ e, why }))] };
}

/** What skipping `week` would do: the occurrences cancelled, and a note for each one kept. */
function decideWeek(
  ctx: PlanContext,
  week: WeekFrame,
  excluded: ReadonlySet<string>,
): { cancel: ParsedEvent[]; notes: PlanNote[] } {
  const notes: PlanNote[] = [];
  const cancel: ParsedEvent[] = [];
  const byPerson = new Map<string, ParsedEvent[]>();
  for (const e of ctx.events) {
    if (!isRecurringOneOnOne(e) || e.start < week.start || e.start >= week.end) continue;
    const person = e.verdict.counterpart ?? '';
    byPerson.set(person, [...(byPerson.get(person) ?? []), e]);
  }
  for (const [person, occurrences] of [...byPerson].sort(([a], [b]) => a.localeCompare(b))) {
    const decision = decidePerson(ctx, week, person, occurrences, excluded);
    cancel.push(...decision.cancel);
    for (const { e, why } of decision.keep) {
      notes.push({
        code: 'skipWeekKept',
        message: `Skip week: kept the 1:1 "${e.event.title}" with ${personName(ctx, person)} on ${describeInstant(ctx.clock, e.start)}, because ${why}`,
        eventId: e.id,
        ...(e.event.seriesId === undefined ? {} : { seriesId: e.event.seriesId }),
        email: person,
        week: week.startDate,
      });
    }
  }
  cancel.sort((a, b) => a.start - b.start || a.id.localeCompare(b.id));
  return { cancel, notes };
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Picks the skip week (5–6 weeks after the last one, the cheapest inside that window) and the 1:1
 * occurrences to cancel in it: the user's own, after the freeze window, not with protected people and
 * not stretching anyone's gap between held 1:1s past the limit. `excluded` are events left alone.
 *
 * A week is a skip week only when it skips something: a candidate that would cancel nothing (its 1:1s
 * inside the freeze window, everyone protected, no 1:1s at all) is passed over for the next candidate
 * that can, and when none can, there is no skip week in this plan: the cadence still counts from the
 * last real one and moves on to the next week that can skip.
 */
export function planSkipWeek(ctx: PlanContext, excluded: ReadonlySet<string>): SkipPlan {
  const { skipWeeks } = ctx.prefs;
  const lastSkipWeek = ctx.input.history.lastSkipWeek;
  if (!skipWeeks.enabled || lastSkipWeek === null) return NONE;
  const lastDay = parseEpochDay(lastSkipWeek);
  const ranked = rankWeeks(ctx, lastDay);
  const first = ranked.weeks[0];
  const year = yearOf(ctx.clock, ctx.now);
  const weekOf = (weeks: readonly WeekFrame[]) =>
    describeWeeks(
      weeks.map((w) => w.startDay),
      year,
    );
  const cancelled = (n: number, more = '') =>
    `${describeCount(n, `${more}1:1`, `${more}1:1s`)} ${n === 1 ? 'is' : 'are'} cancelled`;
  if (!first) return NONE;
  if (ranked.recorded) {
    // The recorded skip week: any 1:1 added to it since is cancelled too; it stays the skip week.
    const { cancel, notes } = decideWeek(ctx, first, excluded);
    if (cancel.length === 0) return { week: first, cancel, notes };
    return {
      week: first,
      cancel,
      notes: [
        {
          code: 'skipWeek',
          message: `${capitalize(weekOf([first]))} is the skip week: ${cancelled(cancel.length, 'more ')} in it.`,
          week: first.startDate,
        },
        ...notes,
      ],
    };
  }
  for (const week of ranked.weeks) {
    const { cancel, notes } = decideWeek(ctx, week, excluded);
    if (cancel.length === 0) continue;
    const passed = ranked.weeks.slice(0, ranked.weeks.indexOf(week));
    const why = ranked.overdue
      ? 'the cadence window has passed, so the cheapest week in view that has a 1:1 to skip is used'
      : `it is the cheapest week ${skipWeeks.minWeeks}–${skipWeeks.maxWeeks} weeks after the last skip week, the week of ${describeDay(lastDay, year)}, that has a 1:1 to skip`;
    const skipped = passed.length ? ` ${capitalize(weekOf(passed))} had no 1:1 Frontload may cancel.` : '';
    notes.unshift({
      code: 'skipWeek',
      message: `${capitalize(weekOf([week]))} is a skip week (${why}): ${cancelled(cancel.length)}.${skipped}`,
      week: week.startDate,
    });
    return { week, cancel, notes };
  }
  return {
    week: null,
    cancel: [],
    notes: [
      {
        code: 'skipWeek',
        message: `No skip week yet: ${weekOf(ranked.weeks)}, when one is due, ${ranked.weeks.length === 1 ? 'has' : 'have'} no 1:1 Frontload may cancel (inside the freeze window, with protected people, or none at all). The next week that has one will be the skip week; the cadence still counts from the week of ${describeDay(lastDay, year)}.`,
        week: first.startDate,
      },
    ],
  };
}
