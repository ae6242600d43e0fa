/**
 * Every environment variable Frontload reads, grouped by the process kinds that read it.
 * Each entry is a TypeBox schema whose `default` is the embedded default (so `npm start` needs no
 * variables) and whose `description` is what the README's configuration table and error messages show.
 */
import Type, { type TSchema } from 'typebox';

const url = (protocols: string, description: string, fallback?: string) =>
  Type.String({
    pattern: `^(${protocols})://[^\\s]+$`,
    description,
    ...(fallback === undefined ? {} : { default: fallback }),
  });
const port = (fallback: number, description: string) =>
  Type.Integer({ minimum: 0, maximum: 65535, default: fallback, description });
const flag = (fallback: boolean, description: string) => Type.Boolean({ default: fallback, description });
const text = (fallback: string, description: string, minLength = 1) =>
  Type.String({ minLength, default: fallback, description });
const optionalText = (description: string) => Type.Optional(Type.String({ minLength: 1, description }));
const level = Type.Union(
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
  { default: 'info', description: 'pino log level: fatal, error, warn, info, debug, trace or silent.' },
);

/** Address of the built-in provider sandbox when nothing else is configured. */
export const DEFAULT_SANDBOX_URL = 'http://127.0.0.1:4010';

/** Development-only sealing key (32 zero-free bytes, base64). Production sets TOKEN_SEALING_KEYS. */
export const DEVELOPMENT_SEALING_KEY = 'dev1:ZnJvbnRsb2FkLWRldmVsb3BtZW50LWtleS0zMmJ5dGU=';

/** Development-only session secret; production sets SESSION_SECRET. */
export const DEVELOPMENT_SESSION_SECRET = 'frontload-development-session-secret-change-me';

/** Said of every secret that production must set (see PRODUCTION_SECRETS). */
const REQUIRED_IN_PRODUCTION = 'Production (PUBLIC_URL not local http) refuses the default.';

/**
 * Secrets whose embedded development value (or absence) is refused when PUBLIC_URL is anything but
 * a local http URL (localhost, 127.0.0.1 or [::1] over http): the API and workers then refuse to
 * start, naming each such variable. Each process kind checks those of them it reads.
 */
export const PRODUCTION_SECRETS = [
  'TOKEN_SEALING_KEYS',
  'GOOGLE_CLIENT_SECRET',
  'MICROSOFT_CLIENT_SECRET',
  'SESSION_SECRET',
  'METRICS_TOKEN',
] as const;

export const commonVariables = {
  LOG_LEVEL: level,
  LOG_PRETTY: flag(false, 'Human-readable logs (pino-pretty). Only honoured when stdout is a terminal.'),
  DATA_DIR: text('.data', 'Folder for embedded data: the PGlite database, local Redis files, heartbeats.'),
  DATABASE_URL: Type.Optional(
    url('postgres|postgresql', 'Postgres connection string. Unset: embedded PGlite under DATA_DIR/pglite.'),
  ),
  REDIS_URL: url('redis|rediss', 'Redis for BullMQ queues.', 'redis://127.0.0.1:6379'),
  QUEUE_PREFIX: Type.String({
    pattern: '^\\{[A-Za-z0-9:_-]+\\}$',
    default: '{frontload}',
    description: 'BullMQ key prefix; a {hash tag} so every key of a queue lands in one Redis Cluster slot.',
  }),
} satisfies Record<string, TSchema>;

export const providerVariables = {
  GOOGLE_CLIENT_ID: text('frontload-local', 'OAuth client id registered with Google (or the sandbox).'),
  GOOGLE_CLIENT_SECRET: text(
    'frontload-local-secret',
    `OAuth client secret for Google. ${REQUIRED_IN_PRODUCTION}`,
  ),
  GOOGLE_OAUTH_BASE_URL: url(
    'https?',
    'Google accounts host (authorize, token, revoke, OIDC). Real: https://accounts.google.com',
    DEFAULT_SANDBOX_URL,
  ),
  GOOGLE_API_BASE_URL: url(
    'https?',
    'Google APIs root (Calendar v3 lives under it). Real: https://www.googleapis.com',
    DEFAULT_SANDBOX_URL,
  ),
  MICROSOFT_CLIENT_ID: text('frontload-local', 'Application (client) id registered with Microsoft Entra ID.'),
  MICROSOFT_CLIENT_SECRET: text(
    'frontload-local-secret',
    `Client secret for Microsoft Entra ID. ${REQUIRED_IN_PRODUCTION}`,
  ),
  MICROSOFT_TENANT: text('common', 'Entra tenant: common, organizations, consumers or a tenant id.'),
  MICROSOFT_LOGIN_BASE_URL: url(
    'https?',
    'Microsoft identity platform host. Real: https://login.microsoftonline.com',
    DEFAULT_SANDBOX_URL,
  ),
  MICROSOFT_GRAPH_BASE_URL: url(
    'https?',
    'Microsoft Graph root (v1.0 is appended). Real: https://graph.microsoft.com',
    DEFAULT_SANDBOX_URL,
  ),
} satisfies Record<string, TSchema>;

/** Outbound webhook targets (overload alerts); both relaxations are for local development and tests only. */
export const webhookVariables = {
  WEBHOOK_ALLOW_HTTP: flag(
    false,
    'Accept http:// webhook URLs (local development only; production needs https).',
  ),
  WEBHOOK_ALLOW_LOOPBACK: flag(
    false,
    'Allow webhook targets on 127.0.0.0/8 and ::1 (a local receiver); every other private class stays refused.',
  ),
} satisfies Record<string, TSchema>;

export const apiVariables = {
  HOST: text('127.0.0.1', 'Interface the API listens on (0.0.0.0 in containers).'),
  PORT: port(3000, 'Port the API listens on.'),
  PUBLIC_URL: url(
    'https?',
    'Base URL users and providers reach the API at (OAuth redirects, push).',
    'http://localhost:3000',
  ),
  SESSION_SECRET: text(
    DEVELOPMENT_SESSION_SECRET,
    `Secret (≥ 32 chars) keying the HMAC that binds each CSRF token to its session. ${REQUIRED_IN_PRODUCTION}`,
    32,
  ),
  TOKEN_SEALING_KEYS: text(
    DEVELOPMENT_SEALING_KEY,
    `Comma-separated keyId:base64(32 bytes) keys that seal OAuth tokens; the first one seals, all unseal. ${REQUIRED_IN_PRODUCTION}`,
  ),
  PUSH_PUBLIC_URL: optionalText(
    'HTTPS base URL providers can reach for push notifications. Unset: poll every few minutes instead.',
  ),
  MICROSOFT_LOGIN_BROWSER_URL: Type.Optional(
    url(
      'https?',
      'Microsoft identity platform host as the browser reaches it (the sign-in page), when the API reaches it ' +
        'at another address (compose: the sandbox service). Unset: MICROSOFT_LOGIN_BASE_URL.',
    ),
  ),
  METRICS_TOKEN: Type.Optional(
    Type.String({
      minLength: 16,
      description:
        'Bearer token Prometheus must send to read /metrics on the API (≥ 16 chars). Unset: /metrics is open, ' +
        'which only a local http PUBLIC_URL allows.',
    }),
  ),
  ADMIN_EMAILS: Type.String({
    pattern: '^(|[^\\s,@]+@[^\\s,@]+( *, *[^\\s,@]+@[^\\s,@]+)*)$',
    default: '',
    description:
      'Comma-separated emails of the users who may open the queue dashboard at /admin/queues, matched only against an email their own Google sign-in verified (email_verified; never a Microsoft email claim). Empty: nobody.',
  }),
  ADMIN_SUBJECTS: Type.String({
    pattern: '^(|(google|microsoft):[^\\s,]+( *, *(google|microsoft):[^\\s,]+)*)$',
    default: '',
    description:
      'Comma-separated provider:subject of the accounts whose users may open the queue dashboard: google:<sub> or microsoft:<object id (oid)>. Empty: nobody beyond ADMIN_EMAILS.',
  }),
  TRUST_PROXY: Type.String({
    pattern: '^[0-9A-Fa-f:./, ]*$',
    default: '',
    description:
      'Comma-separated addresses or CIDRs of the reverse proxies in front of the API whose X-Forwarded-For names the client (rate limits, logs). Empty: no proxy is trusted and the socket address is the client.',
  }),
  ...providerVariables,
  ...webhookVariables,
} satisfies Record<string, TSchema>;

export const workerVariables = {
  WORKER_CONCURRENCY: Type.Integer({
    minimum: 1,
    maximum: 256,
    default: 4,
    description: 'Jobs one worker process runs at once.',
  }),
  WORKER_HEALTH_MAX_IDLE_SECONDS: Type.Integer({
    minimum: 5,
    default: 60,
    description: 'A worker is unhealthy when it has neither taken nor polled for a job for this long.',
  }),
  METRICS_HOST: text(
    '127.0.0.1',
    "Interface a worker's Prometheus metrics server listens on (0.0.0.0 in containers).",
  ),
  METRICS_PORT: port(0, "Port of a worker's Prometheus metrics server (GET /metrics). 0: no server."),
  GOOGLE_REQUESTS_PER_SECOND: Type.Number({
    exclusiveMinimum: 0,
    default: 10,
    description:
      'Sustained Google Calendar requests per second per connected account (quota: 600/min per user).',
  }),
  GOOGLE_REQUEST_BURST: Type.Integer({
    minimum: 1,
    // An applied plan makes a few dozen calls at once; 30 back to back at 10/s stays near 600 a minute.
    default: 30,
    description: 'Google requests per account that may go back to back before the per-second rate applies.',
  }),
  MICROSOFT_REQUESTS_PER_SECOND: Type.Number({
    exclusiveMinimum: 0,
    default: 16,
    description: 'Sustained Graph requests per second per mailbox (Outlook allows 10,000 per 10 minutes).',
  }),
  MICROSOFT_REQUEST_BURST: Type.Integer({
    minimum: 1,
    default: 30,
    description: 'Graph requests per mailbox that may go back to back before the per-second rate applies.',
  }),
  MICROSOFT_CONCURRENT_REQUESTS: Type.Integer({
    minimum: 1,
    maximum: 4,
    default: 4,
    description: 'Graph requests in flight at once per mailbox, across all workers (Outlook allows 4).',
  }),
  TOKEN_SEALING_KEYS: apiVariables.TOKEN_SEALING_KEYS,
  PUBLIC_URL: apiVariables.PUBLIC_URL,
  PUSH_PUBLIC_URL: apiVariables.PUSH_PUBLIC_URL,
  ...providerVariables,
  ...webhookVariables,
} satisfies Record<string, TSchema>;

export const sandboxVariables = {
  LOG_LEVEL: commonVariables.LOG_LEVEL,
  LOG_PRETTY: commonVariables.LOG_PRETTY,
  SANDBOX_HOST: text('127.0.0.1', 'Interface the provider sandbox listens on.'),
  SANDBOX_PORT: port(4010, 'Port the provider sandbox listens on.'),
  SANDBOX_PUBLIC_URL: url(
    'https?',
    'Base URL servers reach the sandbox at (OIDC issuer, token endpoint, API links, resource URIs).',
    DEFAULT_SANDBOX_URL,
  ),
  SANDBOX_BROWSER_URL: Type.Optional(
    url(
      'https?',
      "Base URL a person's browser reaches the sandbox at (the authorize and consent pages), when servers " +
        'reach it at another address (compose: http://localhost:4010). Unset: SANDBOX_PUBLIC_URL.',
    ),
  ),
  SANDBOX_CONTROL: flag(true, 'Mount the /_sandbox control API (clock, faults, seeding, request log).'),
  SANDBOX_ALLOW_HTTP_PUSH: flag(
    true,
    'Accept http:// push addresses (local development); real providers need https.',
  ),
  SANDBOX_SEED_DEMO: flag(true, 'Load the demo TLM accounts and their week at start.'),
} satisfies Record<string, TSchema>;

/** The `frontload` command line: a client of the API with a personal API token. */
export const cliVariables = {
  FRONTLOAD_URL: url('https?', 'Base URL of the Frontload API the CLI talks to.', 'http://localhost:3000'),
  FRONTLOAD_TOKEN: optionalText(
    'Personal API token (flp_…) the CLI sends as a Bearer token; create one on the settings page.',
  ),
} satisfies Record<string, TSchema>;
