/**
 * The OAuth client and the provider adapters, built from the worker's config. Both load
 * `@frontload/providers` on first use (see provider-errors.ts for why the start stays light).
 */
import type { WorkerEnv } from '@frontload/config';
import type { ConnectionRow } from '@frontload/db';
import type { CalendarProvider, ProviderKind, TokenSource } from '@frontload/providers';
import type { SyncDeps } from './deps.js';

type ProvidersModule = typeof import('@frontload/providers');
let loaded: Promise<ProvidersModule> | undefined;
const providers = () => (loaded ??= import('@frontload/providers'));

/** OAuth for token refresh and revocation, against the configured hosts (the sandbox locally). */
export function oauthFromEnv(env: WorkerEnv, now: () => Date): SyncDeps['oauth'] {
  let oauth: Promise<ReturnType<ProvidersModule['createOAuth']>> | undefined;
  const client = () =>
    (oauth ??= providers().then(({ createOAuth }) =>
      createOAuth(
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
      ),
    ));
  return {
    refresh: async (provider: ProviderKind, token: string) => (await client()).refresh(provider, token),
    revoke: async (provider: ProviderKind, token: string) => (await client()).revoke(provider, token),
  };
}

/** The adapter for one connection, reading its calendar with the connection's token source. */
export function providerFactory(
  env: Pick<WorkerEnv, 'GOOGLE_API_BASE_URL' | 'MICROSOFT_GRAPH_BASE_URL'>,
  now: () => Date,
): SyncDeps['providerFor'] {
  return async (connection: ConnectionRow, tokens: TokenSource): Promise<CalendarProvider> =>
    (await providers()).createProvider(connection.provider, {
      tokens,
      apiBaseUrl: connection.provider === 'google' ? env.GOOGLE_API_BASE_URL : env.MICROSOFT_GRAPH_BASE_URL,
      // Graph reads the mailbox's default calendar; Google's row names its calendar ('primary').
      ...(connection.provider === 'google' ? { calendarId: connection.calendar_id } : {}),
      now: () => now().getTime(),
    });
}
