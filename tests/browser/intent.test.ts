/**
 * The user's own edits on the settings page, in a real browser: a 1:1 the user moved back is listed
 * on People with "Let Frontload manage this 1:1 again", which hands it back (audited, replanned);
 * the preview says when it was made, and "Apply all" on one more than 12 hours old changes nothing and
 * the page says why.
 */
import { intentRepository, repositories } from '@frontload/db';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  screenshot,
  seriousA11yViolations,
  signInAs,
  startStack,
  type Stack,
} from './harness.js';

const ALEX = 'alex.tlm@example.com';

describe('browser: overrides handed back, and an old preview refused', () => {
  let stack: Stack;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let userId: string;
  let connectionId: string;

  /** The user opens the settings page (after the state below was written, as a worker would). */
  const openPage = async () => {
    await page.goto(stack.url);
    await page.locator('body[data-ready="true"]').waitFor();
  };

  beforeAll(async () => {
    stack = await startStack();
    browser = await launchBrowser();
    page = await browser.context.newPage();
    userId = await signInAs(stack, browser.context, ALEX);
    const { row } = await repositories(stack.t.db).connections.upsert({
      userId,
      provider: 'google',
      accountSubject: 'alex',
      accountEmail: ALEX,
      sealedTokens: 'sealed',
      scopes: [],
    });
    connectionId = row.id;
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('People lists the 1:1 the user moved back; “Let Frontload manage this 1:1 again” hands it back', async () => {
    const [override] = await intentRepository(stack.t.db).add(userId, [
      {
        connectionId,
        targetId: 'series-priya',
        targetKind: 'series',
        title: 'Priya <> Alex 1:1',
        counterpart: 'priya@example.com',
        evidenceAt: new Date(),
      },
    ]);
    await openPage();
    const item = page.locator(`#people [data-override-id="${override!.id}"]`);
    await expect.poll(() => item.textContent()).toContain('Priya <> Alex 1:1');
    await screenshot(page, 'intent-override-listed');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await item.getByRole('button', { name: 'Let Frontload manage this 1:1 again' }).click();
    await expect
      .poll(() => page.locator('#status').textContent())
      .toContain('Frontload manages “Priya <> Alex 1:1” again');
    await expect.poll(() => item.count()).toBe(0);
    expect(await intentRepository(stack.t.db).active(userId)).toEqual([]);
    const audit = await repositories(stack.t.db).audit.listForUser(userId);
    expect(audit.map((a) => a.action)).toContain('override.released');
  });

  it('the preview says when it was made; “Apply all” on one more than 12 hours old changes nothing, and the page says why', async () => {
    const after = {
      start: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      end: new Date(Date.now() + 3 * 86_400_000 + 7_200_000).toISOString(),
    };
    const plan = await repositories(stack.t.db).plans.create({
      userId,
      inputsHash: 'old',
      horizon: { start: new Date(), end: new Date(Date.now() + 14 * 86_400_000) },
      notes: [],
      metrics: { weeks: [] },
      state: 'preview',
      operations: [
        {
          kind: 'createFocusBlock',
          connectionId,
          targetEventId: 'flold',
          desired: {
            kind: 'createFocusBlock',
            key: 'k-old',
            eventId: 'flold',
            reason: 'Focus time',
            emails: [],
            title: 'Focus',
            zone: 'UTC',
            after,
          },
          reason: 'Protects two hours of focus in the second half of the week.',
          emails: [],
          key: 'k-old',
        },
      ],
    });
    await stack.t.db.query(`update plans set created_at = now() - interval '13 hours' where id = $1`, [
      plan.id,
    ]);
    await openPage();
    expect(await page.locator('#week .plan-age').textContent()).toMatch(
      /^Preview made .+\. A preview more than 12 hours old/,
    );
    await page.getByRole('button', { name: 'Apply all' }).click();
    await expect.poll(() => page.locator('#status').textContent()).toContain('more than 12 hours old');
    expect((await repositories(stack.t.db).plans.byId(plan.id))?.state).toBe('preview');
    expect((await repositories(stack.t.db).plans.operations(plan.id)).map((o) => o.status)).toEqual([
      'planned',
    ]);
    await screenshot(page, 'intent-old-preview-refused');
  });
});
