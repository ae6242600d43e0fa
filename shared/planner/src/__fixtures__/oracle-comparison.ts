// The planner against the exact oracle over generated realistic weeks: focus hours, 1:1s moved into
// the first half and attendee emails, week by week and in summary. Used by the CI test and by the
// 300-week benchmark (tests/bench/planner-oracle.bench.ts).
import { plan } from '../plan.js';
import { solveWeek } from './milp-oracle.js';
import { realisticWeek } from './realistic-weeks.js';

export interface WeekComparison {
  readonly week: number;
  readonly zone: string;
  readonly dst: boolean;
  readonly events: number;
  readonly reports: number;
  readonly planner: { readonly moved: number; readonly emails: number; readonly focusMinutes: number };
  readonly optimum: { readonly moved: number; readonly emails: number; readonly focusMinutes: number };
  /** Planner focus over optimal focus (1 when the optimum is 0). */
  readonly focusRatio: number;
}

export interface OracleSummary {
  readonly weeks: number;
  readonly dstWeeks: number;
  readonly zones: readonly string[];
  readonly eventsPerWeek: { readonly min: number; readonly max: number };
  readonly focus: { readonly meanRatio: number; readonly worstRatio: number; readonly worstWeek: number };
  readonly moved: {
    readonly weeksAtOptimum: number;
    readonly share: number;
    readonly shortWeeks: readonly number[];
  };
  readonly emails: { readonly planner: number; readonly optimum: number };
  /** Weeks where the planner beat the "optimum": the model would be wrong. Must be empty. */
  readonly beyondOptimum: readonly number[];
  readonly comparisons: readonly WeekComparison[];
}

const minutes = (r: { start: string; end: string }) => (Date.parse(r.end) - Date.parse(r.start)) / 60_000;

export async function compareWeek(index: number): Promise<WeekComparison> {
  const { input, movable, dst } = realisticWeek(index);
  const result = plan(input);
  if (!result.ok) throw new Error(`week ${index} rejected: ${JSON.stringify(result.errors)}`);
  let moved = 0;
  let emails = 0;
  let focusMinutes = 0;
  for (const op of result.operations) {
    if (op.kind === 'moveOccurrence' || op.kind === 'moveSeries') moved++;
    if (op.kind === 'createFocusBlock') focusMinutes += minutes(op.after);
    emails += op.emails.length;
  }
  const optimum = await solveWeek(input, movable);
  return {
    week: index,
    zone: input.zone,
    dst,
    events: input.events.length,
    reports: input.counterparts.length,
    planner: { moved, emails, focusMinutes },
    optimum: { moved: optimum.maxMoved, emails: optimum.emails, focusMinutes: optimum.focusMinutes },
    focusRatio: optimum.focusMinutes === 0 ? 1 : focusMinutes / optimum.focusMinutes,
  };
}

export async function compareWeeks(count: number): Promise<OracleSummary> {
  const comparisons: WeekComparison[] = [];
  for (let i = 0; i < count; i++) comparisons.push(await compareWeek(i));
  const ratios = comparisons.map((c) => c.focusRatio);
  const worst = comparisons.reduce((a, b) => (b.focusRatio < a.focusRatio ? b : a));
  const atOptimum = comparisons.filter((c) => c.planner.moved >= c.optimum.moved);
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  return {
    weeks: count,
    dstWeeks: comparisons.filter((c) => c.dst).length,
    zones: [...new Set(comparisons.map((c) => c.zone))].sort(),
    eventsPerWeek: {
      min: Math.min(...comparisons.map((c) => c.events)),
      max: Math.max(...comparisons.map((c) => c.events)),
    },
    focus: {
      meanRatio: round(ratios.reduce((s, r) => s + r, 0) / ratios.length),
      worstRatio: round(worst.focusRatio),
      worstWeek: worst.week,
    },
    moved: {
      weeksAtOptimum: atOptimum.length,
      share: round(atOptimum.length / count),
      shortWeeks: comparisons.filter((c) => c.planner.moved < c.optimum.moved).map((c) => c.week),
    },
    emails: {
      planner: comparisons.reduce((s, c) => s + c.planner.emails, 0),
      optimum: comparisons.reduce((s, c) => s + c.optimum.emails, 0),
    },
    beyondOptimum: comparisons
      .filter((c) => c.planner.moved > c.optimum.moved || c.planner.focusMinutes > c.optimum.focusMinutes)
      .map((c) => c.week),
    comparisons,
  };
}
