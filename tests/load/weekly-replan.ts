/**
 * The weekly replan of every user at once: one `plan` job per user with the data and options the
 * weekly job scheduler gives its firings (workers/planner/src/weekly-schedule.ts), added in bulk as
 * if every user's Sunday 18:00 came at the same instant, then timed until the plan and apply queues
 * are empty and no run is applying.
 */
import { JOBS } from '@frontload/jobs';
import { failedJobs, settled } from './monitor.js';
import type { SeededUser } from './seed-users.js';
import type { LoadStack } from './stack.js';

export interface WeeklyReplan {
  users: number;
  totalSeconds: number;
  plansPerSecond: number;
  /** Plans stored by this replan (a user whose inputs did not change keeps the current one). */
  plansStored: number;
  runsApplied: number;
  /** Operations in the stored plans (a plan with none has nothing to apply). */
  operations: number;
  failedJobs: Record<string, number>;
}

const BATCH = 1_000;

export async function weeklyReplan(
  stack: LoadStack,
  users: SeededUser[],
  timeoutMs: number,
): Promise<WeeklyReplan> {
  const { attempts, backoff, removeOnComplete, removeOnFail } = JOBS.plan.defaults;
  const opts = { attempts, backoff, removeOnComplete, removeOnFail };
  const started = Date.now();
  const since = new Date(started);
  for (let from = 0; from < users.length; from += BATCH) {
    await stack.queues.plan.addBulk(
      users.slice(from, from + BATCH).map((u) => ({
        name: 'plan',
        data: { userId: u.userId, reason: 'schedule' as const },
        opts,
      })),
    );
  }
  const doneAt = await settled(stack, { timeoutMs, quietMs: 2_000 });
  const { rows } = await stack.db.query<{ stored: number; applied: number; operations: number }>(
    `select count(*)::int as stored,
       count(*) filter (where state in ('applied', 'partially_applied'))::int as applied,
       (select count(*)::int from operations o join plans q on q.id = o.plan_id where q.created_at >= $1) as operations
     from plans where created_at >= $1`,
    [since],
  );
  const totalSeconds = Math.round((doneAt - started) / 100) / 10;
  return {
    users: users.length,
    totalSeconds,
    plansPerSecond: Math.round(users.length / Math.max(0.1, totalSeconds)),
    plansStored: rows[0]!.stored,
    runsApplied: rows[0]!.applied,
    operations: rows[0]!.operations,
    failedJobs: await failedJobs(stack),
  };
}
