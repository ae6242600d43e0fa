import { Compile } from 'typebox/compile';
import { readFileSync } from 'node:fs';
import { PlannerInputSchema } from './src/input.ts';
import { validateInput } from './src/validate-input.ts';
import { buildContext } from './src/model.ts';
const inputs = JSON.parse(readFileSync('/tmp/fl/inputs150.json', 'utf8'));
const v = Compile(PlannerInputSchema);
const bench = (name: string, f: (i: unknown) => unknown) => {
  for (let r = 0; r < 3; r++) {
    const c = process.cpuUsage();
    for (let n = 0; n < 2000; n++) f(inputs[n % 20]);
    const u = process.cpuUsage(c);
    if (r === 2) console.log(name, ((u.user + u.system) / 1000 / 2000).toFixed(3));
  }
};
bench('check', (i) => v.Check(i));
bench('validate', (i) => validateInput(i));
bench('context', (i) => buildContext(i as never));
import { findDuplicates } from './src/duplicates.ts';
import { planSkipWeek } from './src/skip-week.ts';
import { planMoves } from './src/moves.ts';
import { planFocus } from './src/focus.ts';
import { computeMetrics } from './src/metrics.ts';
import { plan } from './src/plan.ts';
const ctxs = inputs.map((i: never) => buildContext(i));
const cb = (name: string, f: (c: ReturnType<typeof buildContext>) => unknown) => {
  for (let r = 0; r < 3; r++) {
    const c = process.cpuUsage();
    for (let n = 0; n < 2000; n++) f(ctxs[n % 20]);
    const u = process.cpuUsage(c);
    if (r === 2) console.log(name, ((u.user + u.system) / 1000 / 2000).toFixed(3));
  }
};
cb('dups', (c) => findDuplicates(c));
cb('skip', (c) => planSkipWeek(c, new Set()));
cb('moves', (c) => planMoves(c, new Set(), new Set()));
cb('focus', (c) =>
  planFocus(c, {
    busy: c.events.filter((e) => e.busy && !e.ours),
    accepted: c.events.filter((e) => e.accepted && !e.ours),
    userFocus: [],
  }),
);
cb('metrics', (c) =>
  computeMetrics(
    c,
    c.events.map((p) => ({ parsed: p, start: p.start, end: p.end, cancelled: p.cancelled })),
    [],
  ),
);
bench('plan', (i) => plan(i as never));
