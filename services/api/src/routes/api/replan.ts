/**
 * What every settings change does to the plan: the current preview was made from the old settings,
 * so it is superseded at once (applying it answers 409 FL_PLAN_STALE and changes nothing), and a new
 * plan is queued, debounced by the job catalogue, so a burst of changes plans once.
 */
import type { Queryable } from '@frontload/db';
import type { Producers } from '@frontload/jobs';

export async function replanAfterSettingsChange(
  db: Queryable,
  producers: Producers,
  userId: string,
  reason: 'preferences' | 'people',
): Promise<void> {
  await db.query(
    `update plans set state = 'superseded'
     where user_id = $1 and kind = 'plan' and state in ('preview', 'confirm_required')`,
    [userId],
  );
  await producers.enqueuePlan({ userId, reason });
}
