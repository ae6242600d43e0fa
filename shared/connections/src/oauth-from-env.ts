/**
 * OAuth for token refresh and revocation, against the configured hosts (the sandbox locally), as
 * every worker builds it. The `oauth` subpath loads no provider SDK, so a worker still starts light.
 */
import type { WorkerEnv } from '@frontload/config';
import { createOAuth, oauthSettingsFromEnv, type OAuth } from '@frontload/providers/oauth';

export function oauthFromEnv(env: WorkerEnv, now: () => Date): OAuth {
  return createOAuth(oauthSettingsFromEnv(env), () => now().getTime());
}
