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
