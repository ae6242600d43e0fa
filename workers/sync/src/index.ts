export * from './processors.js';
export { DEFAULT_TUNING, type SyncDeps, type SyncTuning } from './deps.js';
export { scheduleSweep } from './schedule.js';
export {
  ConnectionRevokedError,
  createRefreshingTokenSource,
  type RefreshingTokenSourceOptions,
  type VersionedTokens,
} from '@frontload/connections';
export { PUSH_PATHS, hashPushSecret } from './push-channel.js';
export * from './worker.js';
