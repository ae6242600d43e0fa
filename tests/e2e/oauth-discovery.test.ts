/**
 * OAuth against the sandbox for as long as a process lives: the discovery document is fetched once
 * and every later sign-in is built from it, including after the discovery request's own time limit
 * (openid-client's 30 s) has passed. A cached response body tied to that request's abort signal broke
 * every sign-in after the first 30 s of an API process's life, with a 500.
 */
import { sandboxOAuthSettings } from '@frontload/api/testing';
import { createOAuth } from '@frontload/providers';
import { startSandbox, type RunningSandbox } from '@frontload/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const DISCOVERY_TIME_LIMIT_MS = 30_000;

describe('OAuth discovery over a long-lived process', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(() => sandbox.close());

  it('builds sign-in links for both providers after the discovery request’s time limit has passed', async () => {
    const oauth = createOAuth(sandboxOAuthSettings(sandbox.url));
    for (const provider of ['google', 'microsoft'] as const)
      expect((await oauth.authorizationUrl(provider, 's1', 'v'.repeat(43))).searchParams.get('state')).toBe(
        's1',
      );
    await new Promise((resolve) => setTimeout(resolve, DISCOVERY_TIME_LIMIT_MS + 1_500));
    for (const provider of ['google', 'microsoft'] as const)
      expect((await oauth.authorizationUrl(provider, 's2', 'v'.repeat(43))).searchParams.get('state')).toBe(
        's2',
      );
  }, 90_000);
});
