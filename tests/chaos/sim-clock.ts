/**
 * The simulated clock of a chaos run, shared by the test process and the worker processes through a
 * small file: the runner moves it (together with the sandbox's frozen clock), the workers read it on
 * every `now()`. Within a step it stands still, so both runs of a seed plan at the same instants.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/** Sets the clock (epoch ms); atomic, so a reader never sees a half-written value. */
export function writeClock(path: string, epochMs: number): void {
  writeFileSync(`${path}.next`, String(epochMs));
  renameSync(`${path}.next`, path);
}

/** A `now()` that reads the clock file. */
export function fileClock(path: string): () => Date {
  return () => {
    const epochMs = Number(readFileSync(path, 'utf8'));
    if (!Number.isFinite(epochMs)) throw new Error(`clock file ${path} holds no epoch`);
    return new Date(epochMs);
  };
}
