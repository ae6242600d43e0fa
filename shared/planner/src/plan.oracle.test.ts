import { describe, expect, it } from 'vitest';
import { compareWeeks } from './__fixtures__/oracle-comparison.js';

// 100 realistic weeks in CI; ORACLE_WEEKS=300 (or more) for the full comparison the benchmark records.
const WEEKS = Number(process.env.ORACLE_WEEKS ?? 100);

describe('plan quality against an exact MILP oracle (HiGHS) on realistic weeks', () => {
  it(`over ${WEEKS} weeks of 80–200 events, 3–15 reports, several zones and DST weeks: focus hours ≥ 99 % of the optimum on average and ≥ 95 % in the worst week, the optimal number of 1:1s moved in ≥ 99 % of weeks, one email per moved 1:1`, async () => {
    const summary = await compareWeeks(WEEKS);
    const { comparisons, ...figures } = summary;
    console.info(`planner vs exact optimum: ${JSON.stringify(figures)}`);
    // The oracle is the same problem solved exactly: the planner can never do better than it.
    expect(summary.beyondOptimum, 'weeks where the planner beat the exact optimum').toEqual([]);
    expect(summary.focus.meanRatio).toBeGreaterThanOrEqual(0.99);
    expect(summary.focus.worstRatio, `worst week ${summary.focus.worstWeek}`).toBeGreaterThanOrEqual(0.95);
    expect(
      summary.moved.share,
      `weeks with fewer 1:1s moved: ${summary.moved.shortWeeks.join(', ')}`,
    ).toBeGreaterThanOrEqual(0.99);
    for (const c of comparisons) {
      expect(c.planner.emails, `week ${c.week}: emails beyond one per moved 1:1`).toBe(c.planner.moved);
    }
    // The generated weeks are what the issue asks for.
    expect(summary.dstWeeks).toBeGreaterThan(0);
    expect(summary.zones.length).toBeGreaterThanOrEqual(4);
    expect(summary.eventsPerWeek.min).toBeGreaterThanOrEqual(80);
    expect(summary.eventsPerWeek.max).toBeLessThanOrEqual(200);
  }, 600_000);
});
