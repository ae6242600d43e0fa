/**
 * Runs a TypeScript entry as a real child process (`node --conditions=@frontload/source --import tsx`),
 * the way `npm start` runs it, for tests that need signals, crashes or separate processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleEntry } from './bundle.js';

/** The repository root (cwd for children, so tsx and the workspace packages resolve). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A spawned process with its output collected. */
export interface SpawnedProcess {
  child: ChildProcess;
  /** stdout and stderr so far, interleaved. */
  output(): string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | NodeJS.Signals>;
}

export interface SpawnOptions {
  args?: string[];
  env?: Record<string, string>;
}

/** Spawns `entry` (absolute path) with this process's environment plus `env`. */
export function spawnTypeScript(entry: string, options: SpawnOptions = {}): SpawnedProcess {
  return spawnNode(['--conditions=@frontload/source', '--import', 'tsx', entry], options);
}

/** Where bundles are written: inside the repository, so Node resolves the packages they import. */
const BUNDLES = join(REPO_ROOT, 'node_modules', '.cache', 'frontload-bundles');

/**
 * Like {@link spawnTypeScript}, but runs a one-file build of `entry` (bundle.ts), built once per test
 * process: a start costs about a third of the CPU time, for suites that start many processes.
 */
export async function spawnBundled(entry: string, options: SpawnOptions = {}): Promise<SpawnedProcess> {
  return spawnNode(['--enable-source-maps', await bundleEntry(entry, BUNDLES)], options);
}

function spawnNode(nodeArgs: string[], { args = [], env = {} }: SpawnOptions): SpawnedProcess {
  const child = spawn(process.execPath, [...nodeArgs, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'SIGKILL'));
  });
  return { child, output: () => output, exited };
}
