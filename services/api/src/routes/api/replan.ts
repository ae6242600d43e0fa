/**
 * What every settings change does to the plan: a new plan is queued, debounced by the job catalogue
 * (a burst of changes plans once). The plan it makes replaces the current preview, which from then on
 * answers 409 FL_PLAN_STALE when applied; until then, a run of the old preview is checked operation
 * by operation against the settings as they are when it runs (the ledger's apply-time guard).
 */
import type { Producers } from '@frontload/jobs';

export async function replanAfterSettingsChange(
  producers: Producers,
  userId: string,
  reason: 'preferences' | 'people',
): Promise<void> {
  await producers.enqueuePlan({ userId, reason });
}
