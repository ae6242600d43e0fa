import { describe, expect, it } from 'vitest';
import { createClock } from './clock.js';

describe('sandbox clock', () => {
  it('frozen: moves only when told, never backwards, and tells listeners', () => {
    const clock = createClock(1_000);
    const seen: number[] = [];
    clock.onChange((now) => seen.push(now));
    expect(clock.nowMs()).toBe(1_000);
    clock.advance(500);
    clock.set(2_000);
    expect(() => clock.set(1_999)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(seen).toEqual([1_500, 2_000]);
  });

  it('flowing: follows the wall clock from the start instant, monotonic even if the wall clock steps back', () => {
    let wall = 10_000;
    const clock = createClock(50_000, 'flowing', () => wall);
    wall += 250;
    expect(clock.nowMs()).toBe(50_250);
    clock.advance(1_000);
    expect(clock.nowMs()).toBe(51_250);
    wall -= 5_000;
    expect(clock.nowMs()).toBe(51_250);
    wall += 6_000;
    expect(clock.nowMs()).toBe(52_250);
  });
});
