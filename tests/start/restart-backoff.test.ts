/**
 * `npm start` restarts a child process that died instead of stopping everything: at once after a
 * healthy run, with a doubling delay in a crash loop, and it gives up (and stops) after repeated fast
 * failures (infra/local/restart.ts).
 */
import { expect, test } from 'vitest';
import { DEFAULT_RESTART_POLICY, RestartBackoff } from '../../infra/local/restart.js';

const policy = { stableAfterMs: 30_000, firstDelayMs: 500, maxDelayMs: 4_000, maxFastFailures: 6 };

test('a process that crashes after running a while is restarted at once, every time', () => {
  const backoff = new RestartBackoff(policy);
  for (let i = 0; i < 20; i++) {
    expect(backoff.exited(60_000)).toEqual({ action: 'restart', delayMs: 0, fastFailures: 0 });
  }
});

test('a crash loop backs off with a doubling delay, capped, and is given up after repeated fast failures', () => {
  const backoff = new RestartBackoff(policy);
  const delays = [1, 2, 3, 4, 5].map(() => backoff.exited(1_000));
  expect(delays.map((d) => (d.action === 'restart' ? d.delayMs : d.action))).toEqual([
    500, 1_000, 2_000, 4_000, 4_000,
  ]);
  expect(backoff.exited(1_000)).toEqual({ action: 'give-up', fastFailures: 6 });
});

test('a healthy run between fast failures starts the count again', () => {
  const backoff = new RestartBackoff(policy);
  for (let i = 0; i < 5; i++) backoff.exited(100);
  expect(backoff.exited(45_000)).toMatchObject({ action: 'restart', delayMs: 0 });
  expect(backoff.exited(100)).toEqual({ action: 'restart', delayMs: 500, fastFailures: 1 });
});

test('the default policy gives up on a process that dies at start five times in a row, within seconds', () => {
  const backoff = new RestartBackoff();
  const decisions = [1, 2, 3, 4, 5].map(() => backoff.exited(200));
  expect(decisions.at(-1)).toEqual({
    action: 'give-up',
    fastFailures: DEFAULT_RESTART_POLICY.maxFastFailures,
  });
  const waited = decisions.reduce((sum, d) => sum + (d.action === 'restart' ? d.delayMs : 0), 0);
  expect(waited).toBeLessThan(10_000);
});
