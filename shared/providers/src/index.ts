export {
  ProviderError,
  isProviderError,
  parseRetryAfter,
  providerErrorKind,
  PROVIDER_ERROR_KINDS,
  type ProviderErrorKind,
  type ProviderKind,
} from './provider-error.js';
export { googleError } from './google/google-errors.js';
export { graphError } from './microsoft/graph-errors.js';
export {
  OAUTH_SCOPES,
  createOAuth,
  type OAuth,
  type OAuthIdentity,
  type OAuthSettings,
  type TokenSet,
} from './oauth.js';
export type {
  CalendarProvider,
  CalendarSettings,
  ChangeSet,
  CreateEventInput,
  EventChange,
  ListChangesRequest,
  MoveEventInput,
  OccurrenceFields,
  ProviderSettings,
  PushChannel,
  SeriesRule,
  SplitSeriesInput,
  TimeWindow,
  TokenSource,
  WatchInput,
} from './calendar-provider.js';
export { createProvider, PROVIDER_FACTORIES } from './registry.js';
export { irreversibleReason, restoresCancelledOccurrence } from './capabilities.js';
export {
  withCallHooks,
  type ProviderCall,
  type ProviderCallHook,
  type ProviderCallOutcome,
} from './call-hooks.js';
export { createGoogleProvider, GOOGLE_FREEBUSY_BATCH } from './google/google-provider.js';
export { createMicrosoftProvider, GRAPH_MAX_SUBSCRIPTION_MINUTES } from './microsoft/graph-provider.js';
export { googleEventId } from './google/google-event-id.js';
export { GOOGLE_TAG_KEY } from './google/map-google-event.js';
export { GRAPH_TAG_PROPERTY_ID, graphTransactionId } from './microsoft/map-graph-event.js';
export {
  parseGoogleNotification,
  type GoogleNotification,
  type GoogleNotificationResult,
  type HeaderSource,
} from './google/parse-google-notification.js';
export {
  parseGraphNotification,
  type GraphChangeNotification,
  type GraphLifecycleNotification,
  type GraphNotificationRequest,
  type GraphNotificationResult,
} from './microsoft/parse-graph-notification.js';
