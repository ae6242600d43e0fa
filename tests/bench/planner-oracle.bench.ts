// The planner against an exact MILP oracle (HiGHS) on generated realistic weeks (not a timed test):
// focus hours, 1:1s moved into the first half and attendee emails, per week and in summary.
// Writes bench/results/planner-oracle.json.
// Run: node --conditions=@frontload/source --import tsx tests/bench/planner-oracle.bench.ts [--weeks=300]
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareWeeks } from '../../shared/planner/src/__fixtures__/oracle-comparison.js';

const TARGETS = { focusMeanRatio: 0.99, focusWorstRatio: 0.95, movedAtOptimumShare: 0.99 };
const flag = process.argv.find((a) => a.startsWith('--weeks='));
const weeks = flag ? Number(flag.slice('--weeks='.length)) : 300;
if (!Number.isInteger(weeks) || weeks < 1) throw new Error(`--weeks must be a positive integer, not ${flag}`);

const started = performance.now();
const summary = await compareWeeks(weeks);
const { comparisons, ...figures } = summary;
const result = {
  measuredAt: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  problem:
    'one week per calendar, 15-minute grid of the user’s local time: 1:1s the user organizes move into first-half slots inside both working hours where both are free; focus blocks (min–max minutes, up to the weekly target) in free second-half working time',
  targets: TARGETS,
  ...figures,
  meetsTargets: {
    focusMean: figures.focus.meanRatio >= TARGETS.focusMeanRatio,
    focusWorst: figures.focus.worstRatio >= TARGETS.focusWorstRatio,
    movedAtOptimum: figures.moved.share >= TARGETS.movedAtOptimumShare,
    neverBeyondOptimum: figures.beyondOptimum.length === 0,
  },
  seconds: Math.round((performance.now() - started) / 100) / 10,
  weeksDetail: comparisons.map((c) => ({
    week: c.week,
    zone: c.zone,
    dst: c.dst,
    events: c.events,
    reports: c.reports,
    planner: c.planner,
    optimum: c.optimum,
  })),
};
const out = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'bench',
  'results',
  'planner-oracle.json',
);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify({ ...figures, meetsTargets: result.meetsTargets }, null, 2));
console.log(`wrote ${out}`);
