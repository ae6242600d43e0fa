import type { Interval } from '@frontload/domain';
import type { BusyIndex } from './busy-index.js';
import type { Candidate, MoveRequest } from './move-search.js';

/** A request with its statically feasible candidates, best first. */
export interface Searchable {
  readonly request: MoveRequest;
  readonly candidates: readonly Candidate[];
  /** Free slots left out because their day would go past the daily meeting cap on its own. */
  readonly overCap?: number;
}

/** How the slots of one plan must relate to each other. */
export interface AssignRules {
  /** Slots already taken by this plan (an earlier phase). */
  readonly taken: readonly Interval[];
  /** 1:1s that stay where they are: keep a break from them where possible. */
  readonly stayingOneOnOnes: BusyIndex;
  readonly breakMs: number;
  /**
   * The daily meeting cap: whether `slots` fit with the plan's other moves (`taken`) on their days.
   * Absent: no cap.
   */
  readonly fitsDay?: (slots: readonly Interval[], taken: readonly Interval[]) => boolean;
}

// Enough to untangle a handful of 1:1s competing for the same slots; beyond it the greedy answer stands.
const NODE_BUDGET = 2000;

const clashes = (slots: readonly Interval[], taken: readonly Interval[], margin: number): boolean =>
  slots.some((s) => taken.some((t) => s.start < t.end + margin && t.start < s.end + margin));

/**
 * Gives as many requests as possible (weighted by how many events each moves) a slot that clashes with
 * no other, preferring each request's best-ranked slot with a break from neighbouring 1:1s.
 * Depth-first in preference order, so the first complete answer is the greedy one; it only searches
 * further when the greedy answer leaves someone out, and never past a fixed node budget.
 */
export function assignSlots(items: readonly Searchable[], rules: AssignRules): (Candidate | null)[] {
  // Most constrained first: a request with few options should not lose them to one with many.
  const order = items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => a.item.candidates.length - b.item.candidates.length || a.index - b.index);
  const weights = order.map(({ item }) => (item.candidates.length > 0 ? item.request.events.length : 0));
  const suffix = weights.map((_, i) => weights.slice(i).reduce((sum, w) => sum + w, 0));
  const total = suffix[0] ?? 0;
  const taken: Interval[] = [...rules.taken];
  const choice: (Candidate | null)[] = order.map(() => null);
  let best = choice.slice();
  let bestWeight = -1;
  let nodes = 0;

  const breakIsKept = (c: Candidate) =>
    rules.breakMs === 0 ||
    (!clashes(c.slots, taken, rules.breakMs) &&
      !c.slots.some((s) =>
        rules.stayingOneOnOnes.overlaps({ start: s.start - rules.breakMs, end: s.end + rules.breakMs }),
      ));

  // What the requests from i on could still add, counting only those with a slot that is still free.
  const reachable = (i: number): number => {
    let sum = 0;
    for (let j = i; j < order.length; j++) {
      if (order[j]?.item.candidates.some((c) => !clashes(c.slots, taken, 0))) sum += weights[j] ?? 0;
    }
    return sum;
  };

  const visit = (i: number, weight: number): boolean => {
    if (weight + (suffix[i] ?? 0) <= bestWeight) return false;
    if (bestWeight >= 0 && weight + reachable(i) <= bestWeight) return false;
    const entry = order[i];
    if (!entry) {
      best = choice.slice();
      bestWeight = weight;
      return weight === total;
    }
    if (bestWeight >= 0 && ++nodes > NODE_BUDGET) return true;
    for (const withBreak of [true, false]) {
      for (const candidate of entry.item.candidates) {
        if (clashes(candidate.slots, taken, 0) || breakIsKept(candidate) !== withBreak) continue;
        if (rules.fitsDay && !rules.fitsDay(candidate.slots, taken)) continue;
        choice[i] = candidate;
        taken.push(...candidate.slots);
        const stop = visit(i + 1, weight + (weights[i] ?? 0));
        taken.length -= candidate.slots.length;
        choice[i] = null;
        if (stop) return true;
      }
    }
    return visit(i + 1, weight);
  };
  visit(0, 0);

  // Put the answer back in input order and, if the budget cut the search short, fill any gap greedily.
  const result: (Candidate | null)[] = items.map(() => null);
  order.forEach(({ index }, i) => (result[index] = best[i] ?? null));
  return fillGreedily(items, result, rules);
}

/** Gives a slot to every request still without one that has a candidate clashing with nothing placed. */
function fillGreedily(
  items: readonly Searchable[],
  result: (Candidate | null)[],
  rules: AssignRules,
): (Candidate | null)[] {
  const placed = [...rules.taken, ...result.flatMap((c) => c?.slots ?? [])];
  items.forEach((item, index) => {
    if (result[index]) return;
    const fit = item.candidates.find(
      (c) => !clashes(c.slots, placed, 0) && (rules.fitsDay?.(c.slots, placed) ?? true),
    );
    if (fit) {
      result[index] = fit;
      placed.push(...fit.slots);
    }
  });
  return result;
}
