/**
 * @frontload/connections: opening a user's calendar from a stored connection — unseal its tokens,
 * refresh them (one refresh at a time per connection), store a rotated refresh token with a
 * compare-and-set, mark a revoked connection — and the provider adapter on top.
 */
export {
  ConnectionRevokedError,
  createRefreshingTokenSource,
  type RefreshingTokenSourceOptions,
  type VersionedTokens,
} from './token-source.js';
export {
  StoredTokenSet,
  connectionTokenSource,
  markRevoked,
  refreshLock,
  type TokenDeps,
} from './connection-tokens.js';
export { openConnection, type ConnectionDeps } from './open-connection.js';
export { oauthFromEnv } from './oauth-from-env.js';
export {
  createAccountLimiter,
  limitsFromEnv,
  type AccountLimiterOptions,
  type ProviderLimits,
} from './account-limiter.js';
