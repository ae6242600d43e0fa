/**
 * The `frontload` command line against a real stack: the API listening on HTTP, the sync, planner
 * (plan and apply queues) workers, Redis, Postgres and the provider sandbox, with a personal API
 * token. Each command is run through the CLI's exported `main`, as the program runs it.
 */
import { createLogger } from '@frontload/logging';
import { startWorker } from '@frontload/jobs';
import { repositories } from '@frontload/db';
import { waitUntil } from '@frontload/testing';
import { planProcessors } from '@frontload/worker-planner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type CliSettings } from '../../services/api/src/cli/main.js';
import { startPipeline, type PipelineHarness } from './pipeline-harness.js';
import { makeSkipWeekDue } from './__fixtures__/skip-week.js';

const logger = createLogger({ LOG_LEVEL: 'silent', LOG_PRETTY: false }, 'e2e-cli');

/** The pipeline with a planner worker for the `plan` queue and an API token on the HTTP API. */
async function startCli(
  provider: 'google' | 'microsoft',
  email: string,
): Promise<{ p: PipelineHarness; settings: CliSettings; stopPlanner: () => Promise<void> }> {
  const p = await startPipeline(provider, email);
  const planner = startWorker({
    queue: 'plan',
    processors: planProcessors(p.deps),
    connectionUrl: 'redis://127.0.0.1:6379',
    prefix: p.h.t.prefix,
    concurrency: 1,
    logger,
  });
  // The harness's API already listens on HTTP; the CLI talks to it there.
  const bound = p.h.t.app.server.address();
  if (bound === null || typeof bound === 'string') throw new Error('the API does not listen on TCP');
  const created = await p.h.t.app.inject({
    method: 'POST',
    url: '/api/v1/tokens',
    headers: p.writes,
    payload: { name: 'cli test' },
  });
  expect(created.statusCode, created.body).toBe(201);
  const settings = {
    FRONTLOAD_URL: `http://127.0.0.1:${bound.port}`,
    FRONTLOAD_TOKEN: created.json<{ token: string }>().token,
  };
  return { p, settings, stopPlanner: () => planner.close() };
}

describe('frontload command line on microsoft: a skip week that cannot be undone', () => {
  let p: PipelineHarness;
  let settings: CliSettings;
  let stopPlanner: () => Promise<void>;
  const cli = (...argv: string[]) => main(argv, settings, { pollMs: 100, timeoutMs: 30_000 });

  beforeAll(async () => {
    ({ p, settings, stopPlanner } = await startCli('microsoft', 'alex.tlm@contoso.sandbox.test'));
    await makeSkipWeekDue(p, 'Skip week: async this time.');
  }, 180_000);
  afterAll(async () => {
    await stopPlanner?.();
    await p?.close();
  });

  it('plan says how many changes cannot be undone; apply without --confirm refuses (exit 1) and cancels nothing; with it the run applies and undo lists them', async () => {
    const planned = await cli('plan', '--refresh');
    expect(planned.code, planned.out).toBe(0);
    const count = Number(/\n(\d+) change\(s\) cannot be undone/.exec(planned.out)?.[1]);
    expect(count, planned.out).toBeGreaterThan(0);

    const refused = await cli('apply');
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('FL_IRREVERSIBLE_CONFIRMATION_REQUIRED');
    const { rows } = await p.h.t.db.query<{ n: number }>(
      `select count(*)::int as n from operations where kind = 'cancelOccurrence' and status <> 'planned'`,
    );
    expect(rows[0]!.n).toBe(0);

    const applied = await cli('apply', '--confirm');
    expect(applied.code, applied.out).toBe(0);
    const runId = /run ([0-9a-f-]{36})$/.exec(applied.out)![1]!;
    await waitUntil(
      async () =>
        ['applied', 'partially_applied'].includes((await repositories(p.h.t.db).plans.byId(runId))!.state),
      { timeoutMs: 60_000, what: 'the run to be applied' },
    );
    const undone = await cli('undo', runId);
    expect(undone.code).toBe(0);
    const listed = undone.out
      .split('\n')
      .filter((line) => /cannot restore a cancelled occurrence/.test(line));
    expect(undone.out).toContain('Cannot be undone (they stay as they are):');
    expect(listed).toHaveLength(count);
  }, 180_000);
});

describe('frontload command line on google', () => {
  let p: PipelineHarness;
  let settings: CliSettings;
  let stopPlanner: () => Promise<void>;
  let runId: string;

  const cli = (...argv: string[]) => main(argv, settings, { pollMs: 100, timeoutMs: 30_000 });

  beforeAll(async () => {
    ({ p, settings, stopPlanner } = await startCli('google', 'alex.tlm@sandbox.test'));
  }, 180_000);
  afterAll(async () => {
    await stopPlanner?.();
    await p?.close();
  });

  it('plan: with no plan yet, plans and prints the week as a diff with reasons', async () => {
    const { code, out } = await cli('plan');
    expect(out).toMatch(/^Plan [0-9a-f-]{36} \(preview/);
    expect(out).toContain('createFocusBlock');
    expect(out).toContain('moveSeries');
    expect(code).toBe(0);
  }, 60_000);

  it('plan --refresh on an unchanged calendar answers at once with the same plan and exits 0', async () => {
    const before = (await repositories(p.h.t.db).plans.currentPreview(p.userId))!;
    const started = Date.now();
    const { code, out } = await cli('plan', '--refresh');
    expect(out).toContain(`Plan ${before.id} `);
    expect(out).toContain('unchanged when planned again');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 60_000);

  it('apply: starts the current plan and names its run', async () => {
    const { code, out } = await cli('apply', '--confirm');
    expect(code, out).toBe(0);
    const match = /^Applying (\d+) operation\(s\): run ([0-9a-f-]{36})$/.exec(out);
    expect(match, out).not.toBeNull();
    runId = match![2]!;
    await waitUntil(
      async () =>
        ['applied', 'partially_applied'].includes((await repositories(p.h.t.db).plans.byId(runId))!.state),
      { timeoutMs: 60_000, what: 'the run to be applied' },
    );
  }, 90_000);

  it('runs: lists the run with its state', async () => {
    const { code, out } = await cli('runs');
    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^${runId}\\s+plan\\s+applied`, 'm'));
  }, 30_000);

  it('undo: queues the undo of the run, which removes the focus blocks; a second undo fails with exit 1', async () => {
    const { code, out } = await cli('undo', runId);
    expect(out).toBe(`Undo of run ${runId} queued.`);
    expect(code).toBe(0);
    await waitUntil(
      async () => {
        const { rows } = await p.h.t.db.query<{ state: string }>(
          "select state from plans where undo_of = $1 and kind = 'undo'",
          [runId],
        );
        return rows[0] && rows[0].state !== 'applying';
      },
      { timeoutMs: 60_000, what: 'the undo to finish' },
    );
    expect((await p.calendar()).filter((e) => e.tag?.kind === 'focusBlock')).toEqual([]);
    const again = await cli('undo', runId);
    expect(again.code).toBe(1);
    expect(again.out).toContain('FL_ALREADY_UNDONE');
  }, 90_000);
});
