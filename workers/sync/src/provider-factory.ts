/**
 * The provider adapters, built from the worker's config. They load
 * `@frontload/providers` on first use (see provider-errors.ts for why the start stays light).
 */
import type { WorkerEnv } from '@frontload/config';
import type { ConnectionRow } from '@frontload/db';
import type { CalendarProvider, ProviderCallHook, TokenSource } from '@frontload/providers';
import type { SyncDeps } from './deps.js';

type ProvidersModule = typeof import('@frontload/providers');
let loaded: Promise<ProvidersModule> | undefined;
const providers = () => (loaded ??= import('@frontload/providers'));

/** The adapter for one connection, reading its calendar with the connection's token source. */
export function providerFactory(
  env: Pick<WorkerEnv, 'GOOGLE_API_BASE_URL' | 'MICROSOFT_GRAPH_BASE_URL'>,
  now: () => Date,
  callHooks: readonly ProviderCallHook[] = [],
): SyncDeps['providerFor'] {
  return async (connection: ConnectionRow, tokens: TokenSource): Promise<CalendarProvider> =>
    (await providers()).createProvider(connection.provider, {
      tokens,
      apiBaseUrl: connection.provider === 'google' ? env.GOOGLE_API_BASE_URL : env.MICROSOFT_GRAPH_BASE_URL,
      // Graph reads the mailbox's default calendar; Google's row names its calendar ('primary').
      ...(connection.provider === 'google' ? { calendarId: connection.calendar_id } : {}),
      accountEmail: connection.account_email,
      now: () => now().getTime(),
      callHooks,
    });
}
