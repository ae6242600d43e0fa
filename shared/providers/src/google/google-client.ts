/**
 * The googleapis Calendar client pointed at `apiBaseUrl` (the real APIs root or the sandbox; PROVIDERS.md
 * §9) and one `run` helper that every call goes through: a fresh access token from the TokenSource, one
 * retry after a 401 with an invalidated token, and every failure mapped to a ProviderError.
 */
// The Calendar API alone: the package root loads every Google API (about a second of start-up).
import {
  auth as googleAuth,
  calendar as googleCalendar,
  type calendar_v3,
} from 'googleapis/build/src/apis/calendar/index.js';
import type { ProviderSettings } from '../calendar-provider.js';
import { withCallHooks } from '../call-hooks.js';
import { ProviderError, isProviderError } from '../provider-error.js';
import { googleError } from './google-errors.js';

/** Per-request options googleapis merges into the HTTP request (extra headers such as If-Match). */
export interface GoogleRequestOptions {
  headers?: Record<string, string>;
}

/** The Calendar client plus the token-and-error wrapper every call goes through. */
export interface GoogleClient {
  readonly calendar: calendar_v3.Calendar;
  /**
   * Runs one request (`route` names it for the call hooks, e.g. `events.list`) with a valid token and
   * returns its body; throws ProviderError on failure.
   */
  run<T>(route: string, request: () => Promise<{ data: T }>): Promise<T>;
}

interface HttpFailure {
  status: number;
  data: unknown;
  retryAfter: string | null;
}

/** gaxios hands back a fetch-style Headers (node-fetch's, not the global class) or a plain record. */
function readHeader(headers: unknown, name: string): string | null {
  if (typeof headers !== 'object' || headers === null) return null;
  if ('get' in headers && typeof headers.get === 'function') {
    const value: unknown = headers.get(name);
    return typeof value === 'string' ? value : null;
  }
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : null;
}

function parseBody(data: unknown): unknown {
  if (typeof data !== 'string') return data;
  try {
    return JSON.parse(data) as unknown;
  } catch {
    return { error: { message: data.slice(0, 200) } }; // an HTML error page from a proxy, say
  }
}

/** The HTTP response behind a gaxios error, if the request got that far. */
function httpFailure(error: unknown): HttpFailure | undefined {
  if (typeof error !== 'object' || error === null || !('response' in error)) return undefined;
  const response: unknown = error.response;
  if (typeof response !== 'object' || response === null || !('status' in response)) return undefined;
  const status: unknown = response.status;
  if (typeof status !== 'number') return undefined;
  const data = 'data' in response ? parseBody(response.data) : undefined;
  const headers = 'headers' in response ? response.headers : undefined;
  return { status, data, retryAfter: readHeader(headers, 'retry-after') };
}

/** Any failure of a Google request as a ProviderError (network errors are transient). */
export function toGoogleProviderError(error: unknown, nowMs: number): ProviderError {
  if (isProviderError(error)) return error;
  const failure = httpFailure(error);
  if (failure) return googleError(failure.status, failure.data, failure.retryAfter, nowMs, error);
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError('transient', 'google', `Google request failed: ${message}`, {}, { cause: error });
}

const DEFAULT_TIMEOUT_MS = 30_000;
const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** Builds the client for one connection; tokens come from `settings.tokens` on every call. */
export function createGoogleClient(settings: ProviderSettings): GoogleClient {
  const auth = new googleAuth.OAuth2();
  const calendar = googleCalendar({
    version: 'v3',
    rootUrl: `${trimSlash(settings.apiBaseUrl)}/`,
    auth,
    // Retries belong to the workers (BullMQ backoff, STYLE rule 9); gaxios' own would hide 429s.
    retry: false,
    timeout: settings.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
  });

  async function attempt<T>(request: () => Promise<{ data: T }>): Promise<T> {
    // Only an access token: OAuth2Client then never tries to refresh by itself (refresh is the
    // TokenSource's job, STYLE rule 8), and a 401 surfaces here.
    auth.setCredentials({ access_token: await settings.tokens.getAccessToken() });
    return (await request()).data;
  }

  const toError = (error: unknown) => toGoogleProviderError(error, settings.now());
  const send = <T>(route: string, request: () => Promise<{ data: T }>) =>
    withCallHooks(
      settings.callHooks,
      { provider: 'google', route, ...(settings.accountEmail ? { account: settings.accountEmail } : {}) },
      () => attempt(request),
      toError,
    );

  return {
    calendar,
    async run<T>(route: string, request: () => Promise<{ data: T }>): Promise<T> {
      try {
        return await send(route, request);
      } catch (error) {
        if (!(isProviderError(error) && error.details.status === 401)) throw error;
        settings.tokens.invalidate();
        return send(route, request);
      }
    },
  };
}
