/**
 * One pino setup for the API, the workers and the sandbox. Redaction is by path: tokens, secrets
 * and authorization headers are censored wherever they appear in a log object. `code` is censored
 * only where it is an OAuth authorization code: in a parsed querystring (`query.code`) and in URLs
 * (`?code=…`, in any string); elsewhere `code` is an error code or a Postgres SQLSTATE and stays.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';
import { logContextMixin } from './log-context.js';

export type { Logger } from 'pino';
export { currentLogContext, logContextMixin, withLogContext, type LogContextFields } from './log-context.js';

const sensitiveKeys = [
  'access_token',
  'accessToken',
  'refresh_token',
  'refreshToken',
  'id_token',
  'idToken',
  'token',
  'tokens',
  'code_verifier',
  'codeVerifier',
  'client_secret',
  'clientSecret',
  'secret',
  'password',
  'sealed',
  'apiToken',
  'signingSecret',
  'validationToken',
  'clientState',
];

/** Where `code` is the OAuth authorization code: a parsed querystring, or the callback's own fields. */
const authorizationCodePaths = [
  'query.code',
  '*.query.code',
  '*.*.query.code',
  'authorizationCode',
  '*.authorizationCode',
];

/** Redacted paths: top level, one level down, two levels down, and HTTP headers. */
export const REDACT_PATHS: string[] = [
  ...sensitiveKeys,
  ...sensitiveKeys.map((k) => `*.${k}`),
  ...sensitiveKeys.map((k) => `*.*.${k}`),
  ...authorizationCodePaths,
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-goog-channel-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
];

/** Query parameters that carry OAuth secrets in a URL. */
const URL_SECRET = /([?&#](?:code|code_verifier|state|access_token|id_token|validationToken)=)[^&#\s"]*/g;

/** A log object with OAuth secrets cut out of every URL-like string, three levels deep. */
export function scrubUrls<T>(value: T, depth = 0): T {
  if (typeof value === 'string') {
    return (value.includes('=') ? value.replace(URL_SECRET, '$1[redacted]') : value) as T;
  }
  if (depth >= 3 || value === null || typeof value !== 'object' || value instanceof Error) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => scrubUrls(item, depth + 1)) as T;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const scrubbed = scrubUrls(item, depth + 1);
    if (scrubbed !== item) (copy ??= { ...(value as Record<string, unknown>) })[key] = scrubbed;
  }
  return (copy ?? value) as T;
}

export interface LogSettings {
  LOG_LEVEL: string;
  LOG_PRETTY: boolean;
}

/**
 * pino options for a process. pino-pretty is used only when asked for and stdout is a terminal
 * (never decided by NODE_ENV), so production and CI always get JSON lines.
 */
export function loggerOptions(settings: LogSettings, name: string): LoggerOptions {
  const pretty = settings.LOG_PRETTY && process.stdout.isTTY;
  return {
    name,
    level: settings.LOG_LEVEL,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    formatters: { log: (object) => scrubUrls(object) },
    // The request or job being handled (see log-context.ts), on lines from any logger.
    mixin: logContextMixin,
    // Errors keep their cause chain; URLs lose their query string (it may hold codes or tokens).
    serializers: {
      err: pino.stdSerializers.errWithCause,
      req: (req: { method?: string; url?: string; id?: string }) => ({
        method: req.method,
        url: req.url?.split('?')[0],
        id: req.id,
      }),
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true } } } : {}),
  };
}

/** A logger for a process kind; `destination` is for tests that read the output. */
export function createLogger(
  settings: LogSettings,
  name: string,
  destination?: pino.DestinationStream,
): Logger {
  const options = loggerOptions(settings, name);
  return destination ? pino({ ...options, transport: undefined }, destination) : pino(options);
}
