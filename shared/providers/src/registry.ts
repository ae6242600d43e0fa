/**
 * Adapters picked from a registry keyed by provider kind (STYLE rule 7): adding a provider is one entry
 * here, never a `switch` spread through the workers.
 */
import type { CalendarProvider, ProviderSettings } from './calendar-provider.js';
import { createGoogleProvider } from './google/google-provider.js';
import { createMicrosoftProvider } from './microsoft/graph-provider.js';
import type { ProviderKind } from './provider-error.js';

/** Each provider's adapter factory. */
export const PROVIDER_FACTORIES: Readonly<
  Record<ProviderKind, (settings: ProviderSettings) => CalendarProvider>
> = {
  google: createGoogleProvider,
  microsoft: createMicrosoftProvider,
};

/** The adapter for `kind`, configured with `settings`. */
export function createProvider(kind: ProviderKind, settings: ProviderSettings): CalendarProvider {
  return PROVIDER_FACTORIES[kind](settings);
}
