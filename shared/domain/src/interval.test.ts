import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clip, coveredMs, intersect, overlaps, subtract, union, type Interval } from './interval.js';

const SEED = 20_240_329;
const interval = fc
  .tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 40 }))
  .map(([start, length]): Interval => ({ start, end: start + length }));
const covers = (intervals: readonly Interval[], t: number) =>
  intervals.some((i) => i.start <= t && t < i.end);

describe('intervals', () => {
  it('union, subtract, intersect and clip agree with point membership', () => {
    fc.assert(
      fc.property(fc.array(interval), fc.array(interval), interval, (a, b, window) => {
        const merged = union(a);
        const rest = subtract(a, b);
        const clipped = clip(a, window);
        const both = intersect(a, b);
        const points = [...Array(250).keys()];
        const inWindow = (t: number) => window.start <= t && t < window.end;
        expect(points.map((t) => covers(merged, t))).toEqual(points.map((t) => covers(a, t)));
        expect(points.map((t) => covers(rest, t))).toEqual(points.map((t) => covers(a, t) && !covers(b, t)));
        expect(points.map((t) => covers(clipped, t))).toEqual(points.map((t) => covers(a, t) && inWindow(t)));
        expect(points.map((t) => covers(both, t))).toEqual(points.map((t) => covers(a, t) && covers(b, t)));
        expect(coveredMs(a)).toBe(points.filter((t) => covers(a, t)).length);
        merged.forEach((m, i) => expect(i === 0 || (merged[i - 1]?.end ?? 0) < m.start).toBe(true));
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });

  it('treats touching intervals as not overlapping', () => {
    expect(overlaps({ start: 0, end: 10 }, { start: 10, end: 20 })).toBe(false);
    expect(overlaps({ start: 0, end: 11 }, { start: 10, end: 20 })).toBe(true);
  });
});
