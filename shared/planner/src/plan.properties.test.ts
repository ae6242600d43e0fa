import fc from 'fast-check';
import { Temporal } from 'temporal-polyfill';
import { describe, expect, it } from 'vitest';
import { PROPERTY_PARAMS, scenarioArb } from './__fixtures__/arbitraries.js';
import { PROPERTY_SEED, ZONES, buildInput } from './__fixtures__/scenario.js';
import type { PlannerInput } from './input.js';
import { mustPlan } from './__fixtures__/builders.js';
import {
  checkFocusGeometry,
  checkMovesLandWell,
  checkNoOverlap,
  checkOnlyMovableTouched,
  checkSkipWeeks,
} from './__fixtures__/property-checks.js';
import { applyOperations } from './apply-operations.js';

console.info(
  `plan properties: fast-check seed ${PROPERTY_SEED}, ${PROPERTY_PARAMS.numRuns} generated weeks each`,
);

/** Builds the input inside the property, so a failure prints the short spec rather than the whole input. */
function planned(
  spec: Parameters<typeof buildInput>[0],
  check: (input: PlannerInput, output: ReturnType<typeof mustPlan>) => void,
) {
  const input = buildInput(spec);
  check(input, mustPlan(input));
}

describe('plan properties', () => {
  it('1. nothing planned overlaps a busy interval of the user or of the counterpart', () => {
    fc.assert(
      fc.property(scenarioArb, (spec) => planned(spec, checkNoOverlap)),
      PROPERTY_PARAMS,
    );
  });

  it('1b. moved 1:1s land in the first half, inside both working hours, after the freeze window', () => {
    fc.assert(
      fc.property(scenarioArb, (spec) => planned(spec, checkMovesLandWell)),
      PROPERTY_PARAMS,
    );
  });

  it('2. events that are not movable (other organizer, fixed, frozen, all-day, not a 1:1, not ours) are never in an operation', () => {
    fc.assert(
      fc.property(scenarioArb, (spec) => planned(spec, checkOnlyMovableTouched)),
      PROPERTY_PARAMS,
    );
  });

  it('3. applying the operations and planning again yields no operations', () => {
    fc.assert(
      fc.property(scenarioArb, (spec) => {
        const input = buildInput(spec);
        const settled = applyOperations(input, mustPlan(input).operations);
        expect(mustPlan(settled).operations).toEqual([]);
      }),
      PROPERTY_PARAMS,
    );
  });

  it('5. focus blocks lie in the second half and inside working hours, with lengths within bounds', () => {
    fc.assert(
      fc.property(scenarioArb, (spec) => planned(spec, checkFocusGeometry)),
      PROPERTY_PARAMS,
    );
  });

  it('6. skip weeks respect the cadence window, protected people and the 21-day gap', () => {
    fc.assert(
      fc.property(scenarioArb, (spec) => planned(spec, checkSkipWeeks)),
      PROPERTY_PARAMS,
    );
  });

  it('7. generated weeks cover Berlin, New York, Kolkata, Adelaide and Chatham, with DST changes often', () => {
    const specs = fc.sample(scenarioArb, { seed: PROPERTY_SEED, numRuns: PROPERTY_PARAMS.numRuns });
    const zones = new Set(specs.map((s) => s.zone));
    for (const zone of ZONES) expect(zones.has(zone), zone).toBe(true);
    // A DST week really contains a transition in the two planned weeks (checked with Temporal).
    const withChange = specs.filter((s) => {
      const monday = Temporal.PlainDate.from('1970-01-01').add({ days: s.mondayDay }).toZonedDateTime(s.zone);
      const next = monday.getTimeZoneTransition('next');
      return next !== null && next.epochMilliseconds < monday.add({ days: 14 }).epochMilliseconds;
    });
    const share = withChange.length / specs.length;
    console.info(`generated weeks with a DST change in view: ${(share * 100).toFixed(1)} %`);
    expect(share).toBeGreaterThan(0.25);
  });
});
