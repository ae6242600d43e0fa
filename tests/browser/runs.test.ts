/**
 * What the page says about runs, without the user reloading it: after "Apply all" the plan panel
 * says the plan is being applied (never "No plan preview yet" over the old week), then how it ended,
 * and the week and History are drawn again; Undo is offered only on a finished run not undone yet,
 * and disappears once asked for; a disconnect shows up in History once its cleanup is done; every
 * audit entry reads as a sentence, never as a raw action code or `key: JSON`.
 */
import { repositories } from '@frontload/db';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SCREENSHOTS,
  connectAndShowWeek,
  launchBrowser,
  screenshot,
  seriousA11yViolations,
  settle,
  planNowUntil,
  startStack,
  withWorkerLogs,
  type Stack,
} from './harness.js';

const ALEX = 'alex.tlm@sandbox.test';
const changes = (n: number) => `${n} change${n === 1 ? '' : 's'}`;

describe('browser: runs and History say what is true, without a reload', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let userId: string;

  const status = () => page.locator('#status').textContent();
  const runStatus = () => page.locator('#week .run-status').textContent();
  const focusBlocks = () => page.locator('#week .ev-focus').count();
  /** The planner worker process: stopped, it leaves a run `applying` for as long as the test looks. */
  const planner = () => stack.workers[1]!.child;
  const auditTexts = () => page.locator('#audit-log tbody td[data-action]').allTextContents();
  /** The run applied by hand in the first test (the oldest listed). */
  const firstRun = () => page.locator('#history li[data-run-id]').last();

  beforeAll(async () => {
    stack = await startStack({ seedDemo: true, workers: ['sync', 'planner'] });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await connectAndShowWeek(stack, page, 'Connect Google Calendar', ALEX, /^Allow$/);
    userId = (await stack.t.db.query<{ id: string }>('select id from users where email = $1', [ALEX]))
      .rows[0]!.id;
  }, 180_000);
  afterAll(async () => {
    planner().kill('SIGCONT');
    await browser?.close();
    await stack?.close();
  });

  it('after “Apply all” the panel says the plan is being applied, then that it was applied, and the week and History follow without a reload', async () => {
    await planNowUntil(stack, page, async () => (await page.locator('#week .op-item.op-focus').count()) > 0);
    await settle(stack, page);
    const planned = await page.locator('#week .op-item').count();
    const focus = await page.locator('#week .op-item.op-focus').count();
    expect(await focusBlocks()).toBe(0);

    planner().kill('SIGSTOP');
    await page.getByRole('button', { name: 'Apply all' }).click();
    await expect
      .poll(runStatus)
      .toBe(
        `Applying the plan: 0 of ${changes(planned)} made so far. The week below is redrawn when it finishes.`,
      );
    expect(await page.locator('#week').textContent()).not.toContain('No plan preview yet');
    expect(await page.locator('#history li[data-state="applying"]').textContent()).toContain(
      'Plan run · being applied…',
    );
    expect(await page.locator('#history li[data-state="applying"] button').count()).toBe(0);
    await screenshot(page, 'run-applying');
    expect(await seriousA11yViolations(page)).toEqual([]);

    planner().kill('SIGCONT');
    await withWorkerLogs(stack, () =>
      expect
        .poll(status, { timeout: 60_000, interval: 500 })
        .toMatch(/^The plan was applied: \d+ changes? made/),
    );
    expect(await page.locator('#week').textContent()).not.toContain('No plan preview yet');
    await expect.poll(focusBlocks, { timeout: 30_000 }).toBe(focus);
    await expect.poll(() => firstRun().getAttribute('data-state')).toMatch(/^(applied|partially_applied)$/);
    expect(await firstRun().getByRole('button', { name: /^Undo/ }).count()).toBe(1);
    expect(await auditTexts()).toContain(`Started applying a plan (${changes(planned)}).`);
  }, 150_000);

  it('Undo is withdrawn as soon as it is asked for; the undone run never offers it again, nor does a failed run that changed nothing, and the week goes back without a reload', async () => {
    await firstRun().getByRole('button', { name: /^Undo/ }).click();
    await expect.poll(status).toBe('Undoing the run…');
    // Gone from the run at once (before the worker has made the undo run), never offered on the undo itself.
    await expect.poll(() => firstRun().getByRole('button').count()).toBe(0);
    await withWorkerLogs(stack, () =>
      expect
        .poll(status, { timeout: 60_000, interval: 500 })
        .toMatch(/^The undo was applied: \d+ changes? made/),
    );
    await expect.poll(focusBlocks, { timeout: 30_000 }).toBe(0);
    await expect.poll(() => firstRun().textContent()).toMatch(/· undone $/);
    expect(await page.locator('#history').getByRole('button', { name: /^Undo/ }).count()).toBe(0);
    expect(await page.locator('#history li[data-run-id]').first().textContent()).toContain(
      'Undo of an earlier run · applied',
    );
    expect(await auditTexts()).toContain('Asked to undo a run.');
    // The server agrees: that run cannot be undone again.
    const { headers } = await stack.t.signIn(ALEX);
    const runId = (await firstRun().getAttribute('data-run-id'))!;
    const again = await stack.t.app.inject({ method: 'POST', url: `/api/v1/runs/${runId}/undo`, headers });
    expect(again.statusCode).toBe(409);
    // A run that failed before changing anything has nothing to undo either.
    const plans = repositories(stack.t.db).plans;
    const connectionId = (await stack.t.db.query<{ id: string }>('select id from connections')).rows[0]!.id;
    const failed = await plans.create({
      userId,
      inputsHash: 'a run that changed nothing',
      horizon: { start: new Date(), end: new Date(Date.now() + 7 * 86_400_000) },
      notes: [],
      metrics: { weeks: [] },
      state: 'applying',
      operations: [
        {
          kind: 'createFocusBlock',
          connectionId,
          targetEventId: 'fl-failed',
          desired: { kind: 'createFocusBlock', key: 'k-failed', eventId: 'fl-failed' },
          reason: 'focus block',
          emails: [],
          key: 'k-failed',
        },
      ],
    });
    const [op] = await plans.operations(failed.id);
    await plans.updateOperation(op!.id, { status: 'failed', error: 'the calendar could not be reached' });
    await plans.fail(failed.id, 'the calendar could not be reached');
    // What the planner says when a run ends; the page draws History again by itself.
    await stack.t.producers.notifyUser(userId, {
      kind: 'run',
      runId: failed.id,
      state: 'failed',
      done: 1,
      total: 1,
    });
    const failedRun = page.locator(`#history li[data-run-id="${failed.id}"]`);
    await expect
      .poll(() => failedRun.textContent().catch(() => ''))
      .toContain('Plan run · failed (the calendar could not be reached)');
    expect(await page.locator('#history').getByRole('button', { name: /^Undo/ }).count()).toBe(0);
  }, 120_000);

  it('History reads each action as a sentence: a rejected plan, a webhook turned off, a disconnect once its cleanup is done', async () => {
    const audit = repositories(stack.t.db).audit;
    await audit.record({
      userId,
      actor: 'planner',
      action: 'plan.rejected',
      details: {
        errors: [
          {
            path: '/prefs/skipWeeks',
            message: 'the skip-week cadence starts after 6 weeks but ends after 5',
          },
        ],
      },
    });
    await audit.record({
      userId,
      actor: 'system',
      action: 'webhook.disabled',
      details: { id: '7d1c1b4e-0000-4000-8000-000000000000', reason: '410 Gone' },
    });
    // What the planner and the notifier say after writing these; the page draws History again by itself.
    await stack.t.producers.notifyUser(userId, { kind: 'plan', outcome: 'rejected' });
    await stack.t.producers.notifyUser(userId, { kind: 'settings', section: 'webhooks' });
    await expect
      .poll(auditTexts)
      .toContain(
        'Could not make a plan from your calendar and settings: the skip-week cadence starts after 6 weeks but ends after 5.',
      );
    const texts = await auditTexts();
    expect(texts).toContain(
      'Turned a webhook endpoint off: its receiver answered 410 Gone, asking not to be called again.',
    );

    await page.getByRole('button', { name: `Disconnect ${ALEX}` }).click();
    await expect.poll(status).toBe(`Disconnected ${ALEX}.`);
    await withWorkerLogs(stack, () =>
      expect
        .poll(auditTexts, { timeout: 60_000, interval: 1_000 })
        .toContain(`Removed Google Calendar ${ALEX} from Frontload after it was disconnected.`),
    );
    const cells = page.locator('#audit-log tbody td[data-action]');
    for (let i = 0; i < (await cells.count()); i++) {
      const cell = cells.nth(i);
      const text = (await cell.textContent())!;
      expect(text).not.toContain((await cell.getAttribute('data-action'))!);
      expect(text).not.toMatch(/: [{[]/);
    }
    expect(await page.locator('#audit-log thead th').allTextContents()).toEqual(['When', 'Who', 'What']);
    await page.locator('#history').screenshot({ path: `${SCREENSHOTS}history-sentences.png` });
    expect(await seriousA11yViolations(page)).toEqual([]);
  }, 120_000);
});
