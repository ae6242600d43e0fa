/**
 * The Microsoft Graph client (3.0.7) against `apiBaseUrl` + `/v1.0`, built with `initWithMiddleware` and
 * our own middleware chain: a bearer middleware that always sets `Authorization` (the stock
 * AuthenticationHandler skips hosts that are not Graph hosts over https, so it would send nothing to
 * the sandbox — PROVIDERS.md §9), then the plain HTTP handler. No RetryHandler: 429 and 5xx surface as
 * ProviderErrors and the workers back off (STYLE rule 9).
 */
import {
  Client,
  GraphError,
  HTTPMessageHandler,
  type Context,
  type Middleware,
} from '@microsoft/microsoft-graph-client';
import type { ProviderSettings } from '../calendar-provider.js';
import { withCallHooks } from '../call-hooks.js';
import { ProviderError, isProviderError } from '../provider-error.js';
import { graphError } from './graph-errors.js';

/** The only Graph version used (beta endpoints are avoided, PROVIDERS.md §2). */
export const GRAPH_VERSION = 'v1.0';

/** The Graph client plus the token-and-error wrapper every call goes through. */
export interface GraphClient {
  /**
   * Runs one request (`route` names it for the call hooks, e.g. `events.get`) with a valid token; a
   * 401 invalidates the token and retries once.
   */
  run<T>(route: string, build: (client: Client) => Promise<T>): Promise<T>;
  /** A Graph link (`@odata.nextLink`/`deltaLink`) as a path the client accepts, e.g. `/me/…?$deltatoken=…`. */
  linkPath(link: string): string;
}

function setHeader(context: Context, name: string, value: string): void {
  if (context.request instanceof Request) {
    context.request.headers.set(name, value);
    return;
  }
  const options = (context.options ??= {});
  const headers = options.headers;
  if (headers instanceof Headers) headers.set(name, value);
  else if (Array.isArray(headers)) options.headers = [...headers, [name, value]];
  else options.headers = { ...headers, [name]: value };
}

/** Sets the bearer token on every request, whatever the host, and bounds how long it may take. */
class BearerMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(
    private readonly token: () => Promise<string>,
    private readonly timeoutMs: number,
  ) {}

  async execute(context: Context): Promise<void> {
    setHeader(context, 'Authorization', `Bearer ${await this.token()}`);
    // The Graph client has no timeout of its own; a hung request must fail (as transient), not hang a job.
    const options = (context.options ??= {});
    options.signal ??= AbortSignal.timeout(this.timeoutMs);
    if (!this.next) throw new Error('BearerMiddleware needs a next middleware');
    await this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** Any failure of a Graph request as a ProviderError (no HTTP status → transient network failure). */
export function toGraphProviderError(error: unknown, nowMs: number): ProviderError {
  if (isProviderError(error)) return error;
  if (error instanceof GraphError && error.statusCode > 0) {
    const body = { error: { code: error.code ?? undefined, message: error.message } };
    return graphError(error.statusCode, body, error.headers?.get('retry-after'), nowMs, error);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(
    'transient',
    'microsoft',
    `Graph request failed: ${message}`,
    {},
    { cause: error },
  );
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** Builds the client for one connection; tokens come from `settings.tokens` on every request. */
export function createGraphClient(settings: ProviderSettings): GraphClient {
  const base = trimSlash(settings.apiBaseUrl);
  const bearer = new BearerMiddleware(
    () => settings.tokens.getAccessToken(),
    settings.requestTimeoutMs ?? 30_000,
  );
  bearer.setNext(new HTTPMessageHandler());
  const client = Client.initWithMiddleware({
    middleware: bearer,
    baseUrl: base,
    defaultVersion: GRAPH_VERSION,
  });
  const toError = (error: unknown) => toGraphProviderError(error, settings.now());
  const send = <T>(route: string, build: (c: Client) => Promise<T>) =>
    withCallHooks(
      settings.callHooks,
      { provider: 'microsoft', route, ...(settings.accountEmail ? { account: settings.accountEmail } : {}) },
      () => build(client),
      toError,
    );
  return {
    async run<T>(route: string, build: (c: Client) => Promise<T>): Promise<T> {
      try {
        return await send(route, build);
      } catch (error) {
        if (!(isProviderError(error) && error.details.status === 401)) throw error;
        settings.tokens.invalidate();
        return send(route, build);
      }
    },
    linkPath(link: string): string {
      const prefix = `${base}/${GRAPH_VERSION}`;
      // Graph's links are absolute; the client only parses https:// ones itself, so hand it the path.
      if (link.startsWith(prefix)) return link.slice(prefix.length);
      throw new ProviderError('permanent', 'microsoft', `Graph link outside ${prefix}: ${link.slice(0, 80)}`);
    },
  };
}
