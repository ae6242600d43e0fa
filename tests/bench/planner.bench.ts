// Planner benchmark (not a timed test): median and p99 time per plan for 50-, 150- and 500-event
// two-week horizons, and plans per second on one core. Writes bench/results/planner.json.
// Run: node --conditions=@frontload/source --import tsx tests/bench/planner.bench.ts [--sizes=150] [--out=file]
// (--sizes: event counts to measure, default 50,150,500; --out: where to write, default the file above;
// add --cpu-prof to node's flags for a CPU profile).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DAY_MS,
  DEFAULT_PREFERENCES,
  MINUTE_MS,
  ZoneClock,
  emptyHistory,
  formatEpochDay,
  formatInstant,
  type CalendarEvent,
  type CounterpartAvailability,
} from '@frontload/domain';
import { plan, type PlannerInput } from '@frontload/planner';

const ZONE = 'Europe/Berlin';
const MONDAY_DAY = 19_817; // Monday 2024-04-01 as a day number
const ME = 'me@acme.test';
const PEOPLE = 8;
const TARGETS = { medianMsAt150: 5, plansPerSecond: 2000 };

/** mulberry32: a seeded generator, so every run plans the same calendars. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A busy two-week calendar with `size` events: weekly 1:1s, team meetings, personal time, focus blocks. */
function calendar(size: number, seed: number): PlannerInput {
  const rnd = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const clock = ZoneClock.create(ZONE, MONDAY_DAY * DAY_MS - 7 * DAY_MS, MONDAY_DAY * DAY_MS + 21 * DAY_MS);
  const at = (day: number, minute: number) =>
    clock.fromLocal((MONDAY_DAY + day) * DAY_MS + minute * MINUTE_MS);
  const events: CalendarEvent[] = [];
  const add = (id: string, start: number, minutes: number, extra: Partial<CalendarEvent>) =>
    events.push({
      id,
      kind: 'single',
      title: id,
      start: formatInstant(start),
      end: formatInstant(start + minutes * MINUTE_MS),
      zone: ZONE,
      status: 'confirmed',
      attendees: [],
      organizerIsSelf: true,
      transparency: 'busy',
      eventType: 'default',
      ...extra,
    });
  for (let p = 0; p < PEOPLE; p++) {
    const person = `p${p}@acme.test`;
    const weekday = pick([1, 2, 3, 4]);
    const minute = pick([540, 600, 660, 840, 900, 960]);
    for (let week = 0; week < 2; week++) {
      const start = at(week * 7 + weekday, minute);
      add(`${person}-${week}`, start, 30, {
        kind: 'occurrence',
        seriesId: `series-${p}`,
        originalStart: formatInstant(start),
        recurrence: { frequency: 'weekly', interval: 1 },
        title: `p${p} / me`,
        attendees: [
          { email: ME, self: true, organizer: true, responseStatus: 'accepted' },
          { email: person, responseStatus: 'accepted' },
        ],
      });
    }
  }
  for (let i = events.length; i < size; i++) {
    const day = Math.floor(rnd() * 12);
    const start = at(day, 480 + 15 * Math.floor(rnd() * 44));
    const minutes = pick([15, 30, 30, 45, 60, 60, 90, 120]);
    const kind = rnd();
    if (kind < 0.1) add(`fl-${i}`, start, 120, { eventType: 'focusTime', tag: { kind: 'focusBlock' } });
    else if (kind < 0.3) add(`personal-${i}`, start, minutes, {});
    else {
      const guests = Array.from({ length: 2 + Math.floor(rnd() * 5) }, (_, g) => ({
        email: `team${(i + g) % 20}@acme.test`,
        responseStatus: 'accepted' as const,
      }));
      add(`meeting-${i}`, start, minutes, {
        organizerIsSelf: rnd() < 0.3,
        attendees: [
          { email: ME, self: true, responseStatus: pick(['accepted', 'tentative', 'needsAction'] as const) },
          ...guests,
        ],
      });
    }
  }
  const counterparts: CounterpartAvailability[] = Array.from({ length: PEOPLE }, (_, p) => ({
    email: `p${p}@acme.test`,
    zone: pick([ZONE, 'America/New_York', 'Asia/Kolkata']),
    busy: Array.from({ length: 20 }, () => {
      const start = at(Math.floor(rnd() * 12), 480 + 15 * Math.floor(rnd() * 40));
      return { start: formatInstant(start), end: formatInstant(start + pick([30, 60, 90]) * MINUTE_MS) };
    }),
  }));
  return {
    now: formatInstant(at(0, 7 * 60)),
    zone: ZONE,
    userEmail: ME,
    idSeed: 'bench',
    horizonWeeks: 2,
    preferences: DEFAULT_PREFERENCES,
    people: [{ email: 'p0@acme.test', protected: true }],
    events,
    counterparts,
    history: { ...emptyHistory(), lastSkipWeek: formatEpochDay(MONDAY_DAY - 35) },
  };
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

function measure(size: number) {
  const inputs = Array.from({ length: 20 }, (_, i) => calendar(size, 1000 + i));
  let operations = 0;
  for (const input of inputs) {
    const result = plan(input);
    if (!result.ok) throw new Error(`benchmark input rejected: ${JSON.stringify(result.errors)}`);
    operations += result.operations.length;
  }
  // Warm up the JIT for a second, then time single plans for three.
  const warmup = performance.now();
  for (let i = 0; performance.now() - warmup < 1000; i++) plan(inputs[i % inputs.length] as PlannerInput);
  const times: number[] = [];
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  while (performance.now() - started < 3000) {
    const input = inputs[times.length % inputs.length] as PlannerInput;
    const t = performance.now();
    plan(input);
    times.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = [...times].sort((a, b) => a - b);
  const wall = times.reduce((sum, t) => sum + t, 0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return {
    events: size,
    plans: times.length,
    medianMs: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    // One core, one plan at a time: from the median (what a worker sees when it has the core), from
    // the CPU time this process was given, and from wall time (which includes waiting for the core on
    // a shared machine).
    plansPerSecond: Math.round(1000 / percentile(sorted, 50)),
    plansPerSecondCpu: Math.round((times.length / cpuMs) * 1000),
    plansPerSecondWall: Math.round((times.length / wall) * 1000),
    operationsPerPlan: Math.round((operations / inputs.length) * 10) / 10,
  };
}

const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const sizes = (flag('sizes') ?? '50,150,500').split(',').map(Number).map(measure);
const at150 = sizes.find((s) => s.events === 150);
const result = {
  measuredAt: new Date().toISOString(),
  node: process.version,
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
  horizon: 'two weeks (current and next), Europe/Berlin, default preferences',
  targets: TARGETS,
  sizes,
  meetsTargets: {
    medianAt150: (at150?.medianMs ?? Infinity) <= TARGETS.medianMsAt150,
    plansPerSecondAt150: (at150?.plansPerSecond ?? 0) >= TARGETS.plansPerSecond,
    plansPerSecondAt150Cpu: (at150?.plansPerSecondCpu ?? 0) >= TARGETS.plansPerSecond,
  },
};
const out =
  flag('out') ??
  join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results', 'planner.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
console.table(sizes);
console.log(`wrote ${out}`);
