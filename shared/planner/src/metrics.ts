import {
  HOUR_MS,
  MINUTE_MS,
  clip,
  coveredMs,
  union,
  type Interval,
  type OverloadRule,
  type PlanNote,
  type WeekFrame,
  type WeekMetrics,
} from '@frontload/domain';
import { roleOf } from './detect-roles.js';
import { personName, type ParsedEvent, type PlanContext } from './model.js';

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

/** The people the user meets one-on-one in a week, and which of them are reports and partners. */
interface OneOnOnePeople {
  readonly people: ReadonlySet<string>;
  readonly reports: ReadonlySet<string>;
  readonly partners: ReadonlySet<string>;
}

/** Reports with a 1:1 this many or more give no note; fewer (but some) give a gentle one. */
export const FEW_REPORTS = 3;

/**
 * Distinct people with a recurring 1:1 in the week, by role; a cancelled occurrence still means a
 * recurring 1:1. Reports and partners come from the roles (the user's, else the calendar's
 * suggestion): a partner never counts as a report unless the user made them one. A 1:1 with someone
 * outside the organisation is not one Frontload moves, but it is still time with a partner.
 */
function oneOnOnePeople(ctx: PlanContext, week: WeekFrame): OneOnOnePeople {
  const people = new Set<string>();
  const reports = new Set<string>();
  const partners = new Set<string>();
  for (const e of ctx.events) {
    if (e.event.kind !== 'occurrence' || e.start < week.start || e.start >= week.end) continue;
    const verdict =
      e.event.status === 'cancelled' ? ctx.classify({ ...e.event, status: 'confirmed' }) : e.verdict;
    const who = verdict.counterpart;
    if (who === null) continue;
    const role = roleOf(ctx.roles, who);
    if (verdict.isOneOnOne) {
      people.add(who);
      if (role === 'report') reports.add(who);
    }
    const onlyExternal = verdict.reasons.every(
      (r) => r.ok || r.code === 'externalGuest' || r.code === 'notOneOnOne',
    );
    if (role === 'partner' && (verdict.isOneOnOne || onlyExternal)) partners.add(who);
  }
  return { people, reports, partners };
}

/**
 * A gentle note (never an alert) when the user has some reports but fewer than FEW_REPORTS with a
 * 1:1 over the horizon. Nothing when they have none: they may not manage anyone.
 */
export function fewReportsNote(ctx: PlanContext): PlanNote | undefined {
  const reports = new Set(ctx.weeks.flatMap((week) => [...oneOnOnePeople(ctx, week).reports]));
  if (reports.size === 0 || reports.size >= FEW_REPORTS) return undefined;
  const names = [...reports].sort().map((email) => personName(ctx, email));
  return {
    code: 'fewReports',
    message: `You have recurring 1:1s with ${reports.size === 1 ? 'one report' : `${reports.size} reports`} (${names.join(' and ')}). Three to four is a comfortable number, so there is room for another when you want it; if someone is missing, set their role to Report in People.`,
  };
}

function overloadRules(ctx: PlanContext, m: Omit<WeekMetrics, 'overload'>): OverloadRule[] {
  const limits = ctx.prefs.overload;
  const rules: OverloadRule[] = [];
  if (m.meetingHours > limits.maxMeetingHours) rules.push('meetingHours');
  if (m.focusHours < m.focusTargetHours * limits.minFocusShare) rules.push('focusShortfall');
  // The limit is on reports (the preference keeps its first name): partners never trip it.
  if ((m.reportsWithOneOnOnes ?? 0) > limits.maxPeopleWithOneOnOnes) rules.push('tooManyOneOnOnes');
  if (m.longestBackToBack.minutes > limits.maxBackToBackMinutes) rules.push('backToBack');
  return rules;
}

/**
 * Per horizon week, after the plan: meeting hours, focus achieved against the target, people with
 * recurring 1:1s (and of them, reports and partners), the longest back-to-back chain, the share of first-half working time spent with
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
    const oneOnOnes = oneOnOnePeople(ctx, week);
    const metrics = {
      week: week.startDate,
      meetingHours: round(totalMs(inWeek) / HOUR_MS),
      focusHours: round(coveredMs(clip([...focusBlocks, ...userFocus], week)) / HOUR_MS),
      focusTargetHours: ctx.prefs.focus.enabled ? ctx.prefs.focus.targetHours : 0,
      peopleWithOneOnOnes: oneOnOnes.people.size,
      reportsWithOneOnOnes: oneOnOnes.reports.size,
      partnersWithOneOnOnes: oneOnOnes.partners.size,
      longestBackToBack: { count: chain.count, minutes: round(chain.minutes) },
      firstHalfPeopleShare: firstHalfMs === 0 ? 0 : round(peopleMs / firstHalfMs, 3),
    };
    return { ...metrics, overload: overloadRules(ctx, metrics) };
  });
}
