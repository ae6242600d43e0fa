/**
 * The kind of a `ProviderError`, recognised by its stable code rather than `instanceof`: this worker
 * then needs no value import from `@frontload/providers` at start, whose adapters load the provider
 * SDKs (googleapis alone takes seconds), so the worker's heartbeat starts at once; the adapters load
 * on the first job that needs them (open-connection.ts).
 */
import type { ProviderErrorKind } from '@frontload/providers';

export function providerErrorKind(error: unknown): ProviderErrorKind | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, kind } = error as { code?: unknown; kind?: unknown };
  return code === 'FL_PROVIDER_ERROR' && typeof kind === 'string' ? (kind as ProviderErrorKind) : undefined;
}
