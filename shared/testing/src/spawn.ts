/**
 * Runs a TypeScript entry as a real child process (`node --conditions=@frontload/source --import tsx`),
 * the way `npm start` runs it, for tests that need signals, crashes or separate processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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

/** Spawns `entry` (absolute path) with this process's environment plus `env`. */
export function spawnTypeScript(
  entry: string,
  { args = [], env = {} }: { args?: string[]; env?: Record<string, string> } = {},
): SpawnedProcess {
  const child = spawn(
    process.execPath,
    ['--conditions=@frontload/source', '--import', 'tsx', entry, ...args],
    { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'SIGKILL'));
  });
  return { child, output: () => output, exited };
}
