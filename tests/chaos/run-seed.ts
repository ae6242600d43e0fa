/**
 * One seed of the chaos suite: its script played fault-free and with its faults, each on a fresh
 * stack, then compared. The seed passes when both runs hold every check on their own and end with
 * identical calendars.
 */
import { ahead, contents } from './calendar-view.js';
import { PROVIDERS, scriptFor, startOf } from './script.js';
import { simulate, type RunRecord } from './simulate.js';

export interface SeedResult {
  seed: number;
  passed: boolean;
  failures: string[];
  /** Differences in weeks already past at the end (not failures; see below). */
  history: string[];
  seconds: number;
  clean?: RunRecord;
  faulty?: RunRecord;
}

/** Lines present in one list and not the other, each side at most `limit`. */
function difference(a: string[], b: string[], limit = 5): string[] {
  const rest = [...b];
  const onlyA: string[] = [];
  for (const x of a) {
    const i = rest.indexOf(x);
    if (i >= 0) rest.splice(i, 1);
    else onlyA.push(x);
  }
  return [
    ...onlyA.slice(0, limit).map((x) => `  fault-free only: ${x}`),
    ...rest.slice(0, limit).map((x) => `  faulty only: ${x}`),
  ];
}

export async function runSeed(
  seed: number,
  options: { steps?: number; progress?: (line: string) => void; logLevel?: string } = {},
): Promise<SeedResult> {
  const began = Date.now();
  const script = scriptFor(seed, startOf(Date.now()), options.steps);
  const progress = options.progress ?? (() => undefined);
  const failures: string[] = [];
  const history: string[] = [];
  let clean: RunRecord | undefined;
  let faulty: RunRecord | undefined;
  try {
    // The two runs are independent stacks; running them side by side halves a seed's time.
    const run = (faultyRun: boolean) =>
      simulate(script, faultyRun, {
        progress: (line) => progress(`seed ${seed} ${faultyRun ? 'faulty' : 'fault-free'}:${line}`),
        ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      });
    const [cleanRun, faultyRun] = await Promise.allSettled([run(false), run(true)]);
    for (const r of [cleanRun, faultyRun]) if (r.status === 'rejected') throw r.reason;
    clean = (cleanRun as PromiseFulfilledResult<RunRecord>).value;
    faulty = (faultyRun as PromiseFulfilledResult<RunRecord>).value;
    failures.push(...clean.violations.map((v) => `fault-free run: ${v}`));
    failures.push(...faulty.violations.map((v) => `faulty run: ${v}`));
    // Compared from the last common planning point on. Before it, which of several equally good
    // placements a past focus block got depends on when plans ran, and faults move that.
    const finalAt = script.steps.at(-1)!.at;
    for (const p of PROVIDERS) {
      const [a, b] = [clean.calendars[p], faulty.calendars[p]];
      const diff = difference(
        contents(a.filter((e) => ahead(e, finalAt))),
        contents(b.filter((e) => ahead(e, finalAt))),
      );
      if (diff.length > 0) failures.push(`${p}: final calendars differ\n${diff.join('\n')}`);
      const past = difference(
        contents(a.filter((e) => !ahead(e, finalAt))),
        contents(b.filter((e) => !ahead(e, finalAt))),
      );
      if (past.length > 0) history.push(`${p}: the runs' past weeks differ\n${past.join('\n')}`);
    }
  } catch (error) {
    failures.push(`run aborted: ${(error as Error).stack ?? String(error)}`);
  }
  return {
    seed,
    passed: failures.length === 0,
    failures,
    history,
    seconds: (Date.now() - began) / 1000,
    ...(clean ? { clean } : {}),
    ...(faulty ? { faulty } : {}),
  };
}
