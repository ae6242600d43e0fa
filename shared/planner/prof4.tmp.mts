import fc from 'fast-check';
import { PROPERTY_SEED } from './src/__fixtures__/arbitraries.ts';
import { smallWeekArb } from './src/__fixtures__/small-weeks.ts';
import { plan } from './src/plan.ts';
import { buildContext } from './src/model.ts';
import { planMoves } from './src/moves.ts';
import { planFocus } from './src/focus.ts';
const weeks = fc.sample(smallWeekArb, { seed: PROPERTY_SEED, numRuns: 500 });
weeks.forEach((w) => plan(w.input));
for (const i of [481, 28, 297, 419, 0, 1]) {
  const w = weeks[i]!;
  const T: number[] = [];
  let t = performance.now();
  plan(w.input);
  T.push(performance.now() - t);
  const ctx = buildContext(w.input);
  t = performance.now();
  planMoves(ctx, new Set(), new Set());
  T.push(performance.now() - t);
  t = performance.now();
  planFocus(ctx, { busy: ctx.events.filter((e) => e.busy), accepted: [], userFocus: [] });
  T.push(performance.now() - t);
  console.log(i, T.map((x) => x.toFixed(2)).join(' '), w.input.zone, w.input.preferences.focus);
}
