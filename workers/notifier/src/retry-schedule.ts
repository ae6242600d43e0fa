/**
 * When to try a failed delivery again. Waits grow from 30 s to 8 h and the whole schedule spans
 * more than 24 hours, so a receiver that is down for a day still gets the message. The jitter is
 * drawn by the caller (workers pass Math.random), keeping this function pure.
 */
const WAITS_MS = [30e3, 120e3, 600e3, 1_800e3, 3_600e3, 7_200e3, 14_400e3, 28_800e3, 28_800e3, 28_800e3];

/** Attempts allowed in all: the first one plus one per wait. */
export const MAX_ATTEMPTS = WAITS_MS.length + 1;

/** Total time the schedule covers without jitter (about 31.7 h). */
export const SCHEDULE_SPAN_MS = WAITS_MS.reduce((a, b) => a + b, 0);

/** Delay before attempt `attempt + 1`, or undefined when `attempt` was the last one. ±20 % jitter. */
export function nextAttemptDelay(attempt: number, random: number): number | undefined {
  const base = WAITS_MS[attempt - 1];
  if (base === undefined) return undefined;
  return Math.round(base * (0.8 + 0.4 * Math.min(Math.max(random, 0), 1)));
}

/** An endpoint that has failed without a single success for this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * 3600_000;
