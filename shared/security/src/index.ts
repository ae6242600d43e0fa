/**
 * @frontload/security: token sealing (AES-256-GCM with key ids and rotation), Standard Webhooks
 * signing, and SSRF-safe outbound HTTP. Configuration comes in as arguments; nothing here reads env.
 */
export {
  HttpTimeoutError,
  SecurityError,
  SsrfRefusedError,
  isSecurityError,
  type SecurityErrorCode,
} from './errors.js';
export { SEALING_KEY_BYTES, generateSealingKey, parseSealingKeys, type SealingKey } from './sealing-keys.js';
export { createTokenVault, type TokenContext, type TokenVault } from './token-vault.js';
export { resealAll, type ResealResult, type SealedRow } from './key-rotation.js';
export {
  generateWebhookSecret,
  isWebhookSecret,
  signWebhook,
  type SignWebhookInput,
  type WebhookHeaders,
} from './webhook-signing.js';
export {
  classifyAddress,
  isAddressClassAllowed,
  type AddressAllowance,
  type AddressClass,
} from './address-class.js';
export {
  MAX_WEBHOOK_URL_LENGTH,
  checkWebhookUrl,
  normalizeHostname,
  type UrlCheckResult,
  type UrlPolicy,
  type UrlRefusalCode,
} from './url-policy.js';
export { guardedLookup, refuseAddress } from './guarded-lookup.js';
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_MAX_RESPONSE_BYTES,
  DEFAULT_TIMEOUT_MS,
  safeRequest,
  type SafeRequestOptions,
  type SafeResponse,
} from './safe-http.js';
