export {
  ProviderError,
  isProviderError,
  parseRetryAfter,
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
  ProviderSettings,
  PushChannel,
  TimeWindow,
  TokenSource,
  WatchInput,
} from './calendar-provider.js';
