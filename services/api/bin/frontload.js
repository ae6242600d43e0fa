#!/usr/bin/env node
// Runs the TypeScript CLI from source (workspace packages resolve to their src/ via the condition).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
const result = spawnSync(
  process.execPath,
  ['--conditions=@frontload/source', '--import', 'tsx', main, ...process.argv.slice(2)],
  {
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
