import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROPERTY_PARAMS, newMeetingArb, scenarioArb } from './__fixtures__/arbitraries.js';
import { PROPERTY_SEED, buildInput, buildNewMeeting } from './__fixtures__/scenario.js';
import { mustPlan } from './__fixtures__/builders.js';
import { overlap } from './__fixtures__/oracles.js';
import { applyOperations } from './apply-operations.js';

console.info(
  `stability property: fast-check seed ${PROPERTY_SEED}, ${PROPERTY_PARAMS.numRuns} generated weeks`,
);

describe('plan stability', () => {
  it('4. a new meeting in a settled calendar changes only the focus blocks it overlaps (no reshuffle)', () => {
    fc.assert(
      fc.property(scenarioArb, newMeetingArb, (spec, meetingSpec) => {
        const input = buildInput(spec);
        const settled = applyOperations(input, mustPlan(input).operations);
        const meeting = buildNewMeeting(spec, meetingSpec);
        const next = mustPlan({ ...settled, events: [...settled.events, meeting] });
        const displaced = next.operations.filter(
          (op) => op.kind === 'updateFocusBlock' || op.kind === 'deleteFocusBlock',
        );
        for (const op of next.operations) {
          // Moves, cancellations and untouched blocks stay as they were; only overlapped blocks move.
          expect(['updateFocusBlock', 'deleteFocusBlock', 'createFocusBlock']).toContain(op.kind);
          if (op.kind === 'updateFocusBlock' || op.kind === 'deleteFocusBlock') {
            expect(
              overlap(op.before, meeting),
              `${op.kind} ${op.eventId} does not overlap the new meeting`,
            ).toBe(true);
          }
        }
        // New blocks only make up for displaced ones.
        if (next.operations.some((op) => op.kind === 'createFocusBlock'))
          expect(displaced.length).toBeGreaterThan(0);
      }),
      PROPERTY_PARAMS,
    );
  });

  it('4b. planning the same input twice gives identical output (no clock, no randomness)', () => {
    fc.assert(
      fc.property(scenarioArb, (spec) => {
        const input = buildInput(spec);
        expect(mustPlan(structuredClone(input))).toEqual(mustPlan(input));
      }),
      PROPERTY_PARAMS,
    );
  });
});
