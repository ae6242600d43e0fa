// `npm run bench`: runs every benchmark in this folder one after another (each in its own process,
// so one does not warm or slow the next), then writes bench/results/SUMMARY.md: each figure beside
// its target. Benchmarks are measurements, not tests: a figure short of its target is reported, not failed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const here = import.meta.dirname;
const results = resolve(here, '../../bench/results');
const only = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

for (const file of benches) {
  process.stdout.write(`\n== ${file}\n`);
  const run = spawnSync(
    process.execPath,
    ['--conditions=@frontload/source', '--import', 'tsx', join(here, file)],
    {
      stdio: 'inherit',
    },
  );
  if (run.status !== 0) process.stdout.write(`!! ${file} exited with ${run.status}\n`);
}

type Json = Record<string, unknown>;
const read = (name: string): Json | undefined =>
  existsSync(join(results, name))
    ? (JSON.parse(readFileSync(join(results, name), 'utf8')) as Json)
    : undefined;
const get = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Json)[k] : undefined), obj);

interface Row {
  file: string;
  figure: string;
  path: string;
  target: string;
  meets?: (value: number) => boolean;
}

const rows: Row[] = [
  {
    file: 'planner.json',
    figure: 'plan, 150 events: median ms',
    path: 'sizes.1.medianMs',
    target: '≤ 5 ms',
    meets: (v) => v <= 5,
  },
  { file: 'planner.json', figure: 'plan, 150 events: p99 ms', path: 'sizes.1.p99Ms', target: '—' },
  { file: 'planner.json', figure: 'plan, 500 events: median ms', path: 'sizes.2.medianMs', target: '—' },
  {
    file: 'planner.json',
    figure: 'plans per second (one core, 150 events)',
    path: 'sizes.1.plansPerSecond',
    target: '≥ 2,000',
    meets: (v) => v >= 2000,
  },
  {
    file: 'planner.json',
    figure: 'plans per second, measured as CPU time (150 events)',
    path: 'sizes.1.plansPerSecondCpu',
    target: '≥ 2,000',
    meets: (v) => v >= 2000,
  },
  {
    file: 'planner-oracle.json',
    figure: 'planner vs exact optimum, focus hours, mean of 300 weeks',
    path: 'focus.meanRatio',
    target: '≥ 0.99',
    meets: (v) => v >= 0.99,
  },
  {
    file: 'planner-oracle.json',
    figure: 'planner vs exact optimum, focus hours, worst week',
    path: 'focus.worstRatio',
    target: '≥ 0.95',
    meets: (v) => v >= 0.95,
  },
  {
    file: 'planner-oracle.json',
    figure: 'planner vs exact optimum, share of weeks moving as many 1:1s',
    path: 'moved.share',
    target: '≥ 0.99',
    meets: (v) => v >= 0.99,
  },
  {
    file: 'scripted-month.json',
    figure: 'scripted month, Google: calendar writes (this code)',
    path: 'after.providers.google.frontload.writes',
    target: '—',
  },
  {
    file: 'scripted-month.json',
    figure: 'scripted month, Google: attendee emails (this code)',
    path: 'after.providers.google.frontload.attendeeEmails',
    target: '—',
  },
  {
    file: 'scripted-month.json',
    figure: 'scripted month, Google: calendar writes (before, at the commit the file names)',
    path: 'before.providers.google.frontload.writes',
    target: '—',
  },
  {
    file: 'scripted-month.json',
    figure: 'scripted month, Google: attendee emails (before, at the commit the file names)',
    path: 'before.providers.google.frontload.attendeeEmails',
    target: '—',
  },
  {
    file: 'scripted-month.json',
    figure: 'scripted month, Microsoft: calendar writes (this code)',
    path: 'after.providers.microsoft.frontload.writes',
    target: '—',
  },
  {
    file: 'scripted-month.json',
    figure: 'scripted month, Microsoft: attendee emails (this code)',
    path: 'after.providers.microsoft.frontload.attendeeEmails',
    target: '—',
  },
  {
    file: 'scripted-month.json',
    figure: 'scripted month, Microsoft: calendar writes (before, at the commit the file names)',
    path: 'before.providers.microsoft.frontload.writes',
    target: '—',
  },
  {
    file: 'scripted-month.json',
    figure: 'scripted month, Microsoft: attendee emails (before, at the commit the file names)',
    path: 'before.providers.microsoft.frontload.attendeeEmails',
    target: '—',
  },
  {
    file: 'sync.json',
    figure: 'initial sync of 5,000 events: seconds',
    path: 'initialSync.seconds',
    target: '≤ 10 s',
    meets: (v) => v <= 10,
  },
  {
    file: 'sync.json',
    figure: 'provider calls, incremental sync with no changes',
    path: 'incrementalNoChanges.providerCalls',
    target: '= 1',
    meets: (v) => v === 1,
  },
  {
    file: 'sync.json',
    figure: 'notification → mirror updated, p99 ms',
    path: 'notificationToMirrorMs.p99',
    target: '≤ 1,000 ms',
    meets: (v) => v <= 1000,
  },
  {
    file: 'sync.json',
    figure: 'provider calls per user per realistic day',
    path: 'realisticDay.providerCalls',
    target: '≤ 30',
    meets: (v) => v <= 30,
  },
  {
    file: 'pipeline.json',
    figure: 'lone change: push → calendar rewritten, p50 ms',
    path: 'pushToRewrite.p50Ms',
    target: '≤ 300 ms',
    meets: (v) => v <= 300,
  },
  {
    file: 'pipeline.json',
    figure: 'lone change: push → calendar rewritten, p99 ms',
    path: 'pushToRewrite.p99Ms',
    target: '≤ 1,000 ms',
    meets: (v) => v <= 1000,
  },
  {
    file: 'pipeline.json',
    figure: 'provider calls per applied operation',
    path: 'providerCallsPerOperation',
    target: '—',
  },
  {
    file: 'webhooks.json',
    figure: 'signed deliveries per second (8 at once)',
    path: 'signedDeliveriesPerSecond.concurrency8',
    target: '—',
  },
  {
    file: 'webhooks.json',
    figure: 'overload evaluation per plan: median ms',
    path: 'evaluationPerPlan.medianMs',
    target: '—',
  },
  {
    file: 'load.json',
    figure: 'load: users in the run',
    path: 'users',
    target: '10,000',
    meets: (v) => v >= 10_000,
  },
  {
    file: 'load.json',
    figure: 'load: push storm → calendar rewritten, p50 ms',
    path: 'pushStorm.storm.latencyMs.p50',
    target: '—',
  },
  {
    file: 'load.json',
    figure: 'load: push storm → calendar rewritten, p99 ms',
    path: 'pushStorm.storm.latencyMs.p99',
    target: '—',
  },
  {
    file: 'load.json',
    figure: 'load: max sync queue backlog',
    path: 'pushStorm.storm.queueDepths.maxBacklog.sync',
    target: '—',
  },
  {
    file: 'load.json',
    figure: 'load: max plan queue backlog',
    path: 'pushStorm.storm.queueDepths.maxBacklog.plan',
    target: '—',
  },
  {
    file: 'load.json',
    figure: 'load: Redis bytes per user',
    path: 'pushStorm.redis.bytesPerUser',
    target: '—',
  },
  {
    file: 'load.json',
    figure: 'load: calendars rewritten after the storm',
    path: 'pushStorm.calendars.rewritten',
    target: '10,000 (every user)',
    meets: (v) => v >= 10_000,
  },
  {
    file: 'load.json',
    figure: 'load: error rate (non-2xx pushes + failed jobs)',
    path: 'pushStorm.errorRate',
    target: '= 0',
    meets: (v) => v === 0,
  },
  {
    file: 'load.json',
    figure: 'push receiver: requests/s',
    path: 'receivers.realRequestsPerSecond',
    target: '—',
  },
  {
    file: 'load.json',
    figure: 'bare enqueue-only handler: requests/s',
    path: 'receivers.bareRequestsPerSecond',
    target: '—',
  },
  {
    file: 'load.json',
    figure: 'push receiver ÷ bare handler',
    path: 'receivers.ratio',
    target: '≥ 0.8',
    meets: (v) => v >= 0.8,
  },
  {
    file: 'load.json',
    figure: 'weekly replan of every user in the run: seconds',
    path: 'weeklyReplan.totalSeconds',
    target: '≤ 300 s at 10,000',
    meets: (v) => v <= 300,
  },
  {
    file: 'load.json',
    figure: 'weekly replan, extrapolated to 10,000 users (smaller runs only): seconds',
    path: 'weeklyReplan.extrapolatedSecondsFor10000',
    target: '≤ 300 s',
    meets: (v) => v <= 300,
  },
];

const lines = [
  '# Benchmark summary',
  '',
  `Written by \`npm run bench\` on ${new Date().toISOString()}.`,
  '',
  '| figure | value | target | |',
  '|---|---|---|---|',
];
for (const row of rows) {
  const data = read(row.file);
  const value = get(data, row.path);
  const shown = typeof value === 'number' ? String(value) : data ? 'missing' : 'not run';
  const verdict = typeof value === 'number' && row.meets ? (row.meets(value) ? 'meets' : 'short') : '';
  lines.push(`| ${row.figure} | ${shown} | ${row.target} | ${verdict} |`);
}
const loads = benches.map((b) => read(b.replace('.bench.ts', '.json'))?.loadAverage).filter(Boolean);
lines.push('', `Machine: 2 cores; load averages during the runs: ${JSON.stringify(loads)}.`, '');
writeFileSync(join(results, 'SUMMARY.md'), `${lines.join('\n')}\n`);
process.stdout.write(`\n${lines.join('\n')}\n`);
