/**
 * Quiescence: the point where a step ends and the next may start. Nothing is waiting, active or
 * delayed in any queue, no run is still applying, and this has held for a few polls in a row (a
 * push notification still on the wire would start new work). A job that waits on a retry backoff is
 * run at once: the backoff is time the simulation lets pass.
 */
import { waitUntil } from '@frontload/testing';
import type { Stack } from './stack.js';

const CALM_POLLS = 4;

export async function quiesce(stack: Stack, what: string, timeoutMs = 120_000): Promise<void> {
  let calm = 0;
  let last = '';
  try {
    await waitUntil(
      async () => {
        const pending = await stack.pendingJobs().catch(() => ({ redis: 1 }));
        const { rows } = await stack.db
          .query<{ n: number }>(`select count(*)::int as n from plans where state = 'applying'`)
          .catch(() => ({ rows: [{ n: 1 }] }));
        const busy = Object.entries({ ...pending, applying: rows[0]!.n }).filter(([, n]) => n > 0);
        last = JSON.stringify(Object.fromEntries(busy));
        if (busy.length > 0) {
          calm = 0;
          await stack.promoteRetries().catch(() => 0);
          return false;
        }
        calm += 1;
        return calm >= CALM_POLLS;
      },
      { timeoutMs, intervalMs: 150, what },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; still busy: ${last}`, { cause: error });
  }
}
