import type { Interval } from '@frontload/domain';

/** Bounds of a focus placement, in grid units (15 minutes each in the planner). */
export interface BlockBounds {
  readonly min: number;
  readonly max: number;
}

/** The fewest blocks of `min`–`max` units that add up to `units`, or null when no count of blocks can. */
export function blockCount(units: number, bounds: BlockBounds): number | null {
  if (units === 0) return 0;
  const count = Math.ceil(units / bounds.max);
  return count * bounds.min <= units ? count : null;
}

/** Splits `units` into the fewest blocks within bounds, as evenly as the grid allows. */
export function splitIntoBlocks(units: number, bounds: BlockBounds): number[] {
  const count = blockCount(units, bounds);
  if (!count) return [];
  const base = Math.floor(units / count);
  const extra = units - base * count;
  return Array.from({ length: count }, (_, i) => base + (i < extra ? 1 : 0));
}

/**
 * How much focus to put in each free window (lengths in grid units) so the total is as large as
 * possible without passing `budget`, then with as few blocks as possible, then with as few blocks
 * sharing a window (back-to-back blocks look odd), then as early as possible.
 * Exact dynamic programming over (window, budget left): a greedy fill can strand a remainder shorter
 * than a block (three 4 h gaps and a 10 h target need 4 + 4 + 2, not 4 + 4 + nothing).
 */
export function chooseAmounts(windows: readonly number[], budget: number, bounds: BlockBounds): number[] {
  const cap = Math.min(
    budget,
    windows.reduce((sum, w) => sum + w, 0),
  );
  const n = windows.length;
  // total[i][b] / blocks[i][b]: best using windows i.. with b units of budget left. "blocks" is a cost:
  // 1000 per block plus 1 per extra block in the same window, so fewer blocks always win first.
  const total = Array.from({ length: n + 1 }, () => new Int32Array(cap + 1));
  const blocks = Array.from({ length: n + 1 }, () => new Int32Array(cap + 1));
  const pick = Array.from({ length: n }, () => new Int32Array(cap + 1));
  for (let i = n - 1; i >= 0; i--) {
    const length = windows[i] ?? 0;
    const [here, next, choice, hereBlocks, nextBlocks] = [
      total[i],
      total[i + 1],
      pick[i],
      blocks[i],
      blocks[i + 1],
    ];
    if (!here || !next || !choice || !hereBlocks || !nextBlocks) continue;
    for (let b = 0; b <= cap; b++) {
      let bestTotal = next[b] ?? 0;
      let bestBlocks = nextBlocks[b] ?? 0;
      let bestX = 0;
      // Larger amounts first, and only strict improvements, so ties favour filling earlier windows.
      for (let x = Math.min(length, b); x >= bounds.min; x--) {
        const count = blockCount(x, bounds);
        if (count === null) continue;
        const t = x + (next[b - x] ?? 0);
        const k = count * 1000 + count - 1 + (nextBlocks[b - x] ?? 0);
        if (
          t > bestTotal ||
          (t === bestTotal && k < bestBlocks) ||
          (t === bestTotal && k === bestBlocks && bestX === 0)
        ) {
          [bestTotal, bestBlocks, bestX] = [t, k, x];
        }
      }
      here[b] = bestTotal;
      hereBlocks[b] = bestBlocks;
      choice[b] = bestX;
    }
  }
  const amounts: number[] = [];
  let left = cap;
  for (let i = 0; i < n; i++) {
    const x = pick[i]?.[left] ?? 0;
    amounts.push(x);
    left -= x;
  }
  return amounts;
}

/**
 * Focus blocks for free windows (already on the grid): at most `budgetMs` in total, each block
 * `minMs`–`maxMs` long, placed from the start of each window.
 */
export function placeFocusBlocks(
  windows: readonly Interval[],
  budgetMs: number,
  bounds: { readonly minMs: number; readonly maxMs: number },
  gridMs: number,
): Interval[] {
  const unit: BlockBounds = { min: Math.ceil(bounds.minMs / gridMs), max: Math.floor(bounds.maxMs / gridMs) };
  if (budgetMs < bounds.minMs || unit.min > unit.max) return [];
  const lengths = windows.map((w) => Math.floor((w.end - w.start) / gridMs));
  const amounts = chooseAmounts(lengths, Math.floor(budgetMs / gridMs), unit);
  const placed: Interval[] = [];
  amounts.forEach((amount, i) => {
    let cursor = windows[i]?.start ?? 0;
    for (const size of splitIntoBlocks(amount, unit)) {
      placed.push({ start: cursor, end: cursor + size * gridMs });
      cursor += size * gridMs;
    }
  });
  return placed;
}
