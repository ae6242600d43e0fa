/**
 * The push-notification parsers alone, for the API's receivers: pure functions that load no provider
 * SDK, so the API starts without googleapis or the Graph client.
 */
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
