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
  openConnection,
  type ConnectionDeps,
} from './open-connection.js';
