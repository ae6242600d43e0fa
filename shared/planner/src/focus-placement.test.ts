import { describe, expect, it } from 'vitest';
import { blockCount, chooseAmounts, placeFocusBlocks, splitIntoBlocks } from './focus-placement.js';

const Q = 15 * 60_000;
const bounds = { min: 6, max: 16 }; // 90 minutes to 4 hours in 15-minute units

describe('focus placement', () => {
  it('fills three 4-hour gaps with 4 + 4 + 2 hours for a 10-hour target, not 4 + 4 and a stranded 2', () => {
    expect(chooseAmounts([16, 16, 16], 40, bounds)).toEqual([16, 16, 8]);
  });

  it('uses one block per gap rather than two back-to-back blocks in one gap', () => {
    expect(chooseAmounts([20, 32, 32], 40, bounds)).toEqual([16, 16, 8]);
  });

  it('skips gaps shorter than the shortest block', () => {
    expect(chooseAmounts([5, 5, 10], 40, bounds)).toEqual([0, 0, 10]);
  });

  it('never passes the budget, and gives nothing when the budget is below one block', () => {
    expect(chooseAmounts([32], 7, bounds)).toEqual([7]);
    expect(chooseAmounts([32], 5, bounds)).toEqual([0]);
  });

  it('splits long amounts into the fewest blocks within bounds, evenly', () => {
    expect(splitIntoBlocks(20, bounds)).toEqual([10, 10]);
    expect(blockCount(5, bounds)).toBeNull();
    expect(blockCount(0, bounds)).toBe(0);
    // With 2–2.5 h blocks, 4.5 h cannot be made of whole blocks (2 blocks give 4–5 h, so it can).
    expect(blockCount(18, { min: 8, max: 10 })).toBe(2);
    expect(blockCount(11, { min: 8, max: 10 })).toBeNull();
  });

  it('places blocks from the start of each window', () => {
    const placed = placeFocusBlocks(
      [{ start: 0, end: 8 * 4 * Q }],
      5 * 4 * Q,
      { minMs: 6 * Q, maxMs: 16 * Q },
      Q,
    );
    expect(placed).toEqual([
      { start: 0, end: 10 * Q },
      { start: 10 * Q, end: 20 * Q },
    ]);
  });
});
