import {
  HOUR_MS,
  MINUTE_MS,
  clip,
  coveredMs,
  union,
  type Interval,
  type OverloadRule,
  type WeekFrame,
  type WeekMetrics,
} from '@frontload/domain';
import type { ParsedEvent, PlanContext } from './model.js';

/** An event where it will be after the plan. */
export interface ProjectedEvent {
  readonly parsed: ParsedEvent;
  readonly start: number;
  readonly end: number;
  readonly cancelled: boolean;
}

/** Time covered by intervals already sorted and disjoint. */
const totalMs = (disjoint: readonly Interval[]): number => {
  let sum = 0;
  for (const i of disjoint) sum += i.end - i.start;
  return sum;
};

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Longest run of meetings less than `gapMs` apart: how many, and how long from first start to last end. */
export function longestChain(
  meetings: readonly Interval[],
  gapMs: number,
): { count: number; minutes: number } {
  const sorted = [...meetings].sort((a, b) => a.start - b.start || a.end - b.end);
  let best = { count: 0, minutes: 0 };
  let count = 0;
  let chainStart = 0;
  let chainEnd = -Infinity;
  for (const m of sorted) {
    if (m.start - chainEnd <= gapMs) {
      count += 1;
      chainEnd = Math.max(chainEnd, m.end);
    } else {
      [count, chainStart, chainEnd] = [1, m.start, m.end];
    }
    const minutes = (chainEnd - chainStart) / MINUTE_MS;
    if (count > best.count || (count === best.count && minutes > best.minutes)) best = { count, minutes };
  }
  return best;
}

/** Distinct people with a recurring 1:1 in the week; a cancelled occurrence still means a recurring 1:1. */
function peopleWithOneOnOnes(ctx: PlanContext, week: WeekFrame): number {
  const people = new Set<string>();
  for (const e of ctx.events) {
    if (e.event.kind !== 'occurrence' || e.start < week.start || e.start >= week.end) continue;
    const verdict =
      e.event.status === 'cancelled' ? ctx.classify({ ...e.event, status: 'confirmed' }) : e.verdict;
    if (verdict.isOneOnOne && verdict.counterpart !== null) people.add(verdict.counterpart);
  }
  return people.size;
}

function overloadRules(ctx: PlanContext, m: Omit<WeekMetrics, 'overload'>): OverloadRule[] {
  const limits = ctx.prefs.overload;
  const rules: OverloadRule[] = [];
  if (m.meetingHours > limits.maxMeetingHours) rules.push('meetingHours');
  if (m.focusHours < m.focusTargetHours * limits.minFocusShare) rules.push('focusShortfall');
  if (m.peopleWithOneOnOnes > limits.maxPeopleWithOneOnOnes) rules.push('tooManyOneOnOnes');
  if (m.longestBackToBack.minutes > limits.maxBackToBackMinutes) rules.push('backToBack');
  return rules;
}

/**
 * Per horizon week, after the plan: meeting hours, focus achieved against the target, people with
 * recurring 1:1s, the longest back-to-back chain, the share of first-half working time spent with
 * people, and the overload rules the week trips.
 */
export function computeMetrics(
  ctx: PlanContext,
  projected: readonly ProjectedEvent[],
  focusBlocks: readonly Interval[],
): WeekMetrics[] {
  const meetings = projected
    .filter((p) => !p.cancelled && p.parsed.busy && p.parsed.withPeople && !p.parsed.event.allDay)
    .map((p) => ({ start: p.start, end: p.end }));
  // Merged once: clipped to a week or a window it stays sorted and disjoint, so its time is a plain sum.
  const merged = union(meetings);
  const userFocus = ctx.events.filter((e) => e.userFocus);
  return ctx.weeks.map((week) => {
    const inWeek = clip(merged, week);
    const firstHalfWorking = union(clip(ctx.userWorking, { start: week.start, end: week.firstHalfEnd }));
    const firstHalfMs = totalMs(firstHalfWorking);
    const peopleMs = firstHalfWorking.reduce((sum, w) => sum + totalMs(clip(inWeek, w)), 0);
    const chain = longestChain(
      meetings.filter((m) => m.start >= week.start && m.start < week.end),
      ctx.prefs.overload.backToBackGapMinutes * MINUTE_MS,
    );
    const metrics = {
      week: week.startDate,
      meetingHours: round(totalMs(inWeek) / HOUR_MS),
      focusHours: round(coveredMs(clip([...focusBlocks, ...userFocus], week)) / HOUR_MS),
      focusTargetHours: ctx.prefs.focus.enabled ? ctx.prefs.focus.targetHours : 0,
      peopleWithOneOnOnes: peopleWithOneOnOnes(ctx, week),
      longestBackToBack: { count: chain.count, minutes: round(chain.minutes) },
      firstHalfPeopleShare: firstHalfMs === 0 ? 0 : round(peopleMs / firstHalfMs, 3),
    };
    return { ...metrics, overload: overloadRules(ctx, metrics) };
  });
}
