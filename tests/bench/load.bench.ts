// Load benchmark (not a timed test), on the stack of tests/load/stack.ts: the provider sandbox as its own
// process, the API on a loopback port, and the sync, planner and notifier workers as real processes on a private Redis
// and a throwaway Postgres database. N users (10,000 by default; `--users N` to change it) are
// connected in bulk and their first plans applied, then:
//  1. a push storm: every user gets a meeting over a focus block; the sandbox notifies the API; measured:
//     notification → calendar rewritten p50/p99, queue depths, Redis memory per user, error rate;
//  2. push-receiver throughput (autocannon, own process): the real /push/google route against a bare
//     Fastify handler that only enqueues to BullMQ, same Redis and notifications; the ratio (goal ≥ 0.8);
//  3. the weekly replan of all N users at once (one `plan` job each, as the weekly scheduler fires
//     them): total time until every plan is done (goal ≤ 5 minutes).
// Writes bench/results/load.json. Run: node --conditions=@frontload/source --import tsx tests/bench/load.bench.ts [--users N]
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runPushStorm } from '../load/push-storm.js';
import { measureReceivers } from '../load/receiver-throughput.js';
import { startLoadStack } from '../load/stack.js';
import { weeklyReplan } from '../load/weekly-replan.js';

const FULL_USERS = 10_000;
const { values } = parseArgs({ options: { users: { type: 'string', default: String(FULL_USERS) } } });
const users = Number(values.users);
if (!Number.isInteger(users) || users < 10 || users > 50_000) {
  throw new Error(`--users must be an integer from 10 to 50,000 (got ${values.users})`);
}
const log = (line: string) => process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const loads: number[][] = [];
const sampleLoad = setInterval(() => loads.push(os.loadavg().map((l) => Math.round(l * 100) / 100)), 10_000);

const out = resolve(join(import.meta.dirname, '../../bench/results'));
mkdirSync(out, { recursive: true });
const output: Record<string, unknown> = {
  users,
  fullSize: users === FULL_USERS,
  note:
    'Google users on the provider sandbox (its own process, flowing clock), each with a 4-meeting week, connected in bulk ' +
    '(sandbox-minted offline grants sealed into connections; the initial sync, watch channel, first plan and apply are ' +
    'the real pipeline). API in this process; sync, planner and notifier workers are their real main.ts processes ' +
    '(WORKER_CONCURRENCY 8) on a private redis-server and a throwaway Postgres database; the plan debounce ' +
    '(PLAN_DEBOUNCE_MS) is included. Latency: from just before the meeting insert (the sandbox then notifies) to ' +
    'the ledger record of the applied write that moved that user’s focus block.',
};
/** Written after every phase, so a run stopped part-way still leaves what it measured. */
function save(phase: string, figures: Record<string, unknown>) {
  Object.assign(output, figures, {
    completedPhase: phase,
    measuredAt: new Date().toISOString(),
    node: process.version,
    cores: os.cpus().length,
    loadAverage: os.loadavg().map((l) => Math.round(l * 100) / 100),
    loadAverageSamples: loads,
    wallSeconds: Math.round((Date.now() - startedAt) / 1000),
  });
  writeFileSync(join(out, 'load.json'), `${JSON.stringify(output, null, 2)}\n`);
}

const stack = await startLoadStack({ workerConcurrency: 8 });
const startedAt = Date.now();
try {
  const { result: storm, users: seeded } = await runPushStorm(stack, {
    users,
    setupTimeoutMs: Math.max(300_000, users * 600),
    stormTimeoutMs: Math.max(240_000, users * 60),
    log,
  });
  save('pushStorm', { pushStorm: storm });
  log(`storm: p50 ${storm.storm.latencyMs.p50} ms, p99 ${storm.storm.latencyMs.p99} ms`);
  const receivers = await measureReceivers(stack, { durationSeconds: 15, rounds: 2 });
  save('receivers', { receivers });
  log(`receivers: real ${receivers.realRequestsPerSecond}/s, bare ${receivers.bareRequestsPerSecond}/s`);
  const weekly = await weeklyReplan(stack, seeded, Math.max(600_000, users * 200));
  log(`weekly replan of ${users} users: ${weekly.totalSeconds} s`);
  save('weeklyReplan', {
    weeklyReplan: {
      ...weekly,
      goalSeconds: 300,
      // Throughput-bound, so linear in users on one machine; given for runs smaller than the target size.
      ...(users === FULL_USERS
        ? {}
        : {
            extrapolatedSecondsFor10000: Math.round((weekly.totalSeconds * FULL_USERS) / users),
            extrapolation: 'linear in users (measured seconds × 10,000 / users)',
          }),
    },
  });
} catch (error) {
  log(stack.workerOutput().slice(-4_000));
  throw error;
} finally {
  clearInterval(sampleLoad);
  await stack.close();
}
console.log(JSON.stringify(output, null, 2));
process.exit(0);
