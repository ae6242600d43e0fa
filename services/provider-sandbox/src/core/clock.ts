import type { SandboxClock } from './types.js';

export type ClockMode = 'frozen' | 'flowing';

/**
 * The sandbox's "now". `frozen` (tests): it only moves when told to, so a test runs weeks of token
 * expiries, channel expirations and `updated` stamps in milliseconds. `flowing` (npm start, the demo):
 * it runs with the wall clock plus an offset that set/advance move forward. Either way it never goes
 * back: sync tokens and `updated` stamps would lie, and real providers never do it.
 */
export function createClock(
  startMs: number,
  mode: ClockMode = 'frozen',
  wall: () => number = Date.now,
): SandboxClock {
  let offset = startMs - wall();
  let frozenAt = startMs;
  let last = startMs;
  const listeners = new Set<(nowMs: number) => void>();
  const now = (): number => {
    const value = mode === 'frozen' ? frozenAt : wall() + offset;
    last = Math.max(last, value);
    return last;
  };
  const moveTo = (target: number): void => {
    frozenAt = target;
    offset = target - wall();
    last = target;
    for (const listener of listeners) listener(target);
  };
  return {
    nowMs: now,
    set(epochMs) {
      if (!Number.isFinite(epochMs)) throw new RangeError('clock value must be a finite epoch in ms');
      if (epochMs < now()) throw new RangeError('the sandbox clock never moves backwards');
      moveTo(epochMs);
    },
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('advance needs a non-negative duration');
      moveTo(now() + ms);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
