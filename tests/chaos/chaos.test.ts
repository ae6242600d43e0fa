/**
 * The CI-sized chaos run: a few seeds of the convergence suite (run.ts runs any number). Each seed
 * plays its script on a fresh stack twice, fault-free and with its faults, and must end with
 * identical calendars, no duplicate or stray event, a ledger with every operation applied or
 * explained, and every push notification accounted for.
 */
import { describe, expect, it } from 'vitest';
import { runSeed } from './run-seed.js';

/** Seeds CI replays; `npm run chaos -- --seeds 200` runs the long suite. */
const CI_SEEDS = [1, 2];
/** The first five steps: two activity days, the weekly plan, and two days of the next week. */
const CI_STEPS = 5;

describe('chaos convergence', () => {
  it.each(CI_SEEDS)(
    'seed %i: the faulty run ends with the fault-free run’s calendars, nothing duplicated, lost or unexplained',
    async (seed) => {
      const result = await runSeed(seed, { steps: CI_STEPS });
      expect(result.failures, `replay: npm run chaos -- --seed ${seed} --steps ${CI_STEPS}`).toEqual([]);
      // The faulty run did apply plans: the checks were made on a calendar Frontload rewrote.
      expect(result.faulty?.ledger.applied).toBeGreaterThan(0);
    },
    600_000,
  );
});
