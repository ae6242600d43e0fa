import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROPERTY_SEED } from './__fixtures__/scenario.js';
import { mustPlan } from './__fixtures__/builders.js';
import { solveSmallWeek } from './__fixtures__/exhaustive-solver.js';
import { smallWeekArb } from './__fixtures__/small-weeks.js';

const WEEKS = 500;
const minutes = (range: { start: string; end: string }) =>
  (Date.parse(range.end) - Date.parse(range.start)) / 60_000;

describe('plan quality against an exhaustive solver', () => {
  it(`reaches ≥ 95 % of the optimal focus hours on average over ${WEEKS} small weeks (never < 80 %) and moves every 1:1 that can move`, () => {
    const weeks = fc.sample(smallWeekArb, { seed: PROPERTY_SEED, numRuns: WEEKS });
    const ratios: number[] = [];
    weeks.forEach(({ input, oneOnOnes }, i) => {
      const output = mustPlan(input);
      const optimum = solveSmallWeek(input, oneOnOnes);
      const moved = new Set(
        output.operations.flatMap((op) =>
          op.kind === 'moveOccurrence' || op.kind === 'moveSeries' ? [op.eventId] : [],
        ),
      );
      expect(
        moved.size,
        `week ${i}: moved ${moved.size} of the ${optimum.maxMoved} 1:1s that can move together`,
      ).toBe(optimum.maxMoved);
      for (const id of moved)
        expect(optimum.feasible.get(id), `week ${i}: moved ${id} with no feasible slot`).toBe(true);
      const focus = output.operations.reduce(
        (sum, op) => sum + (op.kind === 'createFocusBlock' ? minutes(op.after) : 0),
        0,
      );
      expect(focus, `week ${i}: more focus than the optimum`).toBeLessThanOrEqual(optimum.focusMinutes);
      ratios.push(optimum.focusMinutes === 0 ? 1 : focus / optimum.focusMinutes);
    });
    const average = ratios.reduce((sum, r) => sum + r, 0) / ratios.length;
    const worst = Math.min(...ratios);
    console.info(
      `focus hours vs exhaustive optimum over ${WEEKS} small weeks (seed ${PROPERTY_SEED}): average ${(average * 100).toFixed(2)} %, worst ${(worst * 100).toFixed(2)} %`,
    );
    expect(average).toBeGreaterThanOrEqual(0.95);
    expect(worst).toBeGreaterThanOrEqual(0.8);
  }, 120_000);
});
