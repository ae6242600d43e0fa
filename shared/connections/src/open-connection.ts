/**
 * The provider adapter for one stored connection, on top of its refreshing token source. The adapters
 * are imported on first use: they load the provider SDKs (googleapis alone takes seconds), which a
 * worker should not wait for before its first heartbeat.
 */
import type { ConnectionRow } from '@frontload/db';
import type { CalendarProvider, ProviderCallHook } from '@frontload/providers';
import { connectionTokenSource, type TokenDeps } from './connection-tokens.js';

export interface ConnectionDeps extends TokenDeps {
  /** API roots per provider (the sandbox locally, the real hosts in production). */
  apiBaseUrls: { google: string; microsoft: string };
  /** Called around every provider request (metrics, the per-account limiter). */
  callHooks?: readonly ProviderCallHook[];
  /** Per-request timeout; the adapter's default when absent. */
  requestTimeoutMs?: number;
}

export async function openConnection(
  deps: ConnectionDeps,
  connection: ConnectionRow,
): Promise<CalendarProvider> {
  const { createProvider } = await import('@frontload/providers');
  return createProvider(connection.provider, {
    tokens: connectionTokenSource(deps, connection),
    apiBaseUrl: deps.apiBaseUrls[connection.provider],
    // Graph does not mark the user's own attendee entry; the adapter compares addresses instead.
    accountEmail: connection.account_email,
    // Graph reads the mailbox's default calendar; Google's row names its calendar ('primary').
    ...(connection.provider === 'google' ? { calendarId: connection.calendar_id } : {}),
    now: () => deps.now().getTime(),
    ...(deps.callHooks ? { callHooks: deps.callHooks } : {}),
    ...(deps.requestTimeoutMs !== undefined ? { requestTimeoutMs: deps.requestTimeoutMs } : {}),
  });
}
