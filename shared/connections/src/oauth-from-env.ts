/**
 * OAuth for token refresh and revocation, against the configured hosts (the sandbox locally), as
 * every worker builds it. The `oauth` subpath loads no provider SDK, so a worker still starts light.
 */
import type { WorkerEnv } from '@frontload/config';
import { createOAuth, type OAuth } from '@frontload/providers/oauth';

export function oauthFromEnv(env: WorkerEnv, now: () => Date): OAuth {
  return createOAuth(
    {
      publicUrl: env.PUBLIC_URL,
      google: {
        clientId: env.GOOGLE_CLIENT_ID,
        clientSecret: env.GOOGLE_CLIENT_SECRET,
        oauthBaseUrl: env.GOOGLE_OAUTH_BASE_URL,
      },
      microsoft: {
        clientId: env.MICROSOFT_CLIENT_ID,
        clientSecret: env.MICROSOFT_CLIENT_SECRET,
        tenant: env.MICROSOFT_TENANT,
        loginBaseUrl: env.MICROSOFT_LOGIN_BASE_URL,
      },
    },
    () => now().getTime(),
  );
}
