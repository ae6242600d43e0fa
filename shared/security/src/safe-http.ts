/**
 * SSRF-safe outbound HTTP for webhook deliveries (STYLE.md §3, trigger.dev's safeWebhookFetch): the
 * URL is checked lexically, the resolved address is checked inside the connection's DNS lookup, and
 * redirects are not followed unless asked, each hop then passing both checks again. Built on
 * `node:http(s)` with request-filtering-agent's agents, which check literal and resolved addresses a
 * second time (the global `fetch` cannot take an agent). Bodies are capped and every phase has a
 * deadline, so a hostile receiver can neither hold a worker nor fill its memory.
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import type { AddressAllowance } from './address-class.js';
import { HttpTimeoutError, SecurityError, SsrfRefusedError } from './errors.js';
import { guardedLookup, refuseAddress } from './guarded-lookup.js';
import { type UrlPolicy, checkWebhookUrl, normalizeHostname } from './url-policy.js';

/** Input of {@link safeRequest}. The policy switches (`allowHttp`, `allowLoopback`, …) come from configuration. */
export interface SafeRequestOptions extends UrlPolicy {
  url: string | URL;
  /** Default `POST`. */
  method?: string;
  headers?: Readonly<Record<string, string>>;
  body?: string | Buffer;
  /** Deadline for the whole exchange, every redirect hop included. Default 15 000 ms. */
  timeoutMs?: number;
  /** Deadline for DNS plus TCP connect of each hop. Default 5 000 ms (never more than `timeoutMs`). */
  connectTimeoutMs?: number;
  /** The response body is cut after this many bytes (and the connection dropped). Default 64 KiB. */
  maxResponseBytes?: number;
  /** Redirect hops to follow, each re-checked. Default 0: a 3xx is returned as the result. */
  followRedirects?: number;
  /** DNS resolver (default `dns.lookup`). Tests inject one; its answers are checked like real ones. */
  lookup?: LookupFunction;
}

/** What came back. `body` is UTF-8 text of at most `maxResponseBytes` bytes. */
export interface SafeResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: string;
  /** True when the body was longer than `maxResponseBytes` and was cut. */
  truncated: boolean;
  /** From the first byte sent to the end of the last hop, in milliseconds. */
  durationMs: number;
  /** The URL that produced this response (differs from the input after followed redirects). */
  url: string;
  /** Each URL redirected to, in order. */
  redirects: string[];
}

export const DEFAULT_TIMEOUT_MS = 15_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;

interface Hop {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

interface Limits {
  deadline: number;
  timeoutMs: number;
  connectTimeoutMs: number;
  maxResponseBytes: number;
}

type HopResponse = Omit<SafeResponse, 'durationMs' | 'redirects'>;

const redirectStatuses = new Set([301, 302, 303, 307, 308]);
/** Headers that must not travel to another origin when a redirect is followed. */
const credentialHeaders = ['authorization', 'cookie', 'proxy-authorization'];
const bodyHeaders = ['content-type', 'content-length', 'content-encoding'];
const framingHeaders = ['content-length', 'transfer-encoding'];

/**
 * Lexical check for one hop; any refusal is an SSRF refusal, whatever rule was broken. It also covers
 * literal IP hosts by class, which matters because a literal skips DNS and so never reaches the
 * lookup hook (postiz-app #1671); the agent re-checks literals as a second line.
 */
function checkHop(url: string | URL, policy: UrlPolicy): URL {
  const checked = checkWebhookUrl(url, policy);
  if (!checked.ok) throw new SsrfRefusedError(checked.addressClass ?? 'policy', checked.reason);
  return checked.url;
}

/** request-filtering-agent reports its own refusals as plain errors; give them our code. */
function toSecurityError(error: unknown, url: URL): SecurityError {
  if (error instanceof SecurityError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const agentRefusal = /^DNS lookup (\S+?)\(family:.*is not allowed/.exec(message);
  if (agentRefusal) {
    const address = agentRefusal[1] ?? '';
    return refuseAddress(address, {}) ?? new SsrfRefusedError('policy', message, address, { cause: error });
  }
  // The origin only: webhook URLs (Slack's, for one) carry secrets in their path.
  return new SecurityError('FL_HTTP_FAILED', `Request to ${url.origin} failed: ${message}`, { cause: error });
}

function flattenHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Reads at most `max` bytes, then drops the connection rather than draining a hostile stream. */
function readCapped(res: IncomingMessage, max: number): Promise<{ body: Buffer; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      const room = max - size;
      if (chunk.length > room) {
        if (room > 0) chunks.push(chunk.subarray(0, room));
        size = max;
        resolve({ body: Buffer.concat(chunks), truncated: true });
        res.destroy();
        return;
      }
      chunks.push(chunk);
      size += chunk.length;
    });
    res.on('end', () => resolve({ body: Buffer.concat(chunks), truncated: false }));
    res.on('error', reject);
    // A server that hangs up mid-body ends with 'close' but no 'end'; settled promises ignore this.
    res.on('close', () => {
      if (!res.complete) reject(new Error('The server closed the connection before the body was complete.'));
    });
  });
}

interface Timers {
  disarm(): void;
  /** The timeout that destroyed the request, if one did: it explains whatever error follows. */
  fired(): HttpTimeoutError | undefined;
}

/** Arms the connect and total deadlines on a request. */
function armTimers(req: http.ClientRequest, limits: Limits): Timers {
  let fired: HttpTimeoutError | undefined;
  const expire = (error: HttpTimeoutError) => {
    fired ??= error;
    req.destroy(error);
  };
  const remaining = Math.max(0, limits.deadline - performance.now());
  const total = setTimeout(() => {
    expire(
      new HttpTimeoutError('total', limits.timeoutMs, `No complete response within ${limits.timeoutMs} ms.`),
    );
  }, remaining);
  let connect: NodeJS.Timeout | undefined;
  req.once('socket', (socket) => {
    if (!socket.connecting) return;
    const ms = Math.min(limits.connectTimeoutMs, remaining);
    connect = setTimeout(
      () => expire(new HttpTimeoutError('connect', ms, `No connection within ${ms} ms.`)),
      ms,
    );
    socket.once('connect', () => clearTimeout(connect));
  });
  return {
    disarm: () => {
      clearTimeout(total);
      clearTimeout(connect);
    },
    fired: () => fired,
  };
}

/**
 * In production (no allowance) the agent refuses every non-unicast address, a second line behind our
 * own checks. Under a test/development allowance it lets private ranges through and our lookup alone
 * enforces the exact allowance: its `allowIPAddressList` cannot mix IPv4 and IPv6 ranges (ipaddr.js
 * throws on a cross-family match and the agent logs a warning per address).
 */
function relaxAgent(allowance: AddressAllowance): boolean {
  return allowance.allowLoopback === true || allowance.allowPrivateNetworks === true;
}

function requestOptions(hop: Hop, policy: SafeRequestOptions): https.RequestOptions {
  const agentOptions = { keepAlive: false, allowPrivateIPAddress: relaxAgent(policy) };
  const isHttps = hop.url.protocol === 'https:';
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(hop.headers)) {
    // Framing is ours to set: a caller's stale Content-Length would corrupt the request.
    if (!framingHeaders.includes(name.toLowerCase())) headers[name] = value;
  }
  if (hop.body !== undefined) headers['content-length'] = Buffer.byteLength(hop.body);
  return {
    protocol: hop.url.protocol,
    hostname: normalizeHostname(hop.url.hostname),
    port: hop.url.port === '' ? undefined : Number(hop.url.port),
    path: `${hop.url.pathname}${hop.url.search}`,
    method: hop.method,
    headers,
    agent: isHttps
      ? new RequestFilteringHttpsAgent(agentOptions)
      : new RequestFilteringHttpAgent(agentOptions),
    lookup: guardedLookup(policy, policy.lookup),
  };
}

/** One request/response exchange, no redirect handling. */
function requestOnce(hop: Hop, policy: SafeRequestOptions, limits: Limits): Promise<HopResponse> {
  const options = requestOptions(hop, policy);
  const send = hop.url.protocol === 'https:' ? https.request : http.request;
  return new Promise<HopResponse>((resolve, reject) => {
    let req: http.ClientRequest;
    try {
      req = send(options);
    } catch (error) {
      // Node validates headers synchronously (ERR_INVALID_CHAR, ERR_INVALID_HTTP_TOKEN).
      reject(toSecurityError(error, hop.url));
      return;
    }
    const timers = armTimers(req, limits);
    const fail = (error: unknown) => {
      timers.disarm();
      reject(toSecurityError(timers.fired() ?? error, hop.url));
    };
    req.on('error', fail);
    req.on('response', (res) => {
      readCapped(res, limits.maxResponseBytes).then(({ body, truncated }) => {
        timers.disarm();
        resolve({
          status: res.statusCode ?? 0,
          headers: flattenHeaders(res),
          body: body.toString('utf8'),
          truncated,
          url: hop.url.href,
        });
      }, fail);
    });
    req.end(hop.body);
  }).finally(() => (options.agent as http.Agent).destroy());
}

/** The request for the next hop, or undefined when the response is final. */
function nextHop(hop: Hop, response: HopResponse): Hop | undefined {
  const location = response.headers['location'];
  if (!redirectStatuses.has(response.status) || location === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(location, hop.url);
  } catch {
    // An unparsable Location cannot be followed; the 3xx itself is the answer.
    return undefined;
  }
  const headers = { ...hop.headers };
  const strip = (names: string[]) => {
    for (const name of Object.keys(headers)) if (names.includes(name.toLowerCase())) delete headers[name];
  };
  if (url.origin !== hop.url.origin) strip(credentialHeaders);
  // Browsers' rule (fetch spec): 303, and 301/302 after a POST, continue as a GET without the body.
  const toGet =
    response.status === 303 ||
    ((response.status === 301 || response.status === 302) && hop.method === 'POST');
  if (!toGet) return { url, method: hop.method, headers, body: hop.body };
  strip(bodyHeaders);
  return { url, method: 'GET', headers, body: undefined };
}

function limitsOf(options: SafeRequestOptions, started: number): Limits {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const connectTimeoutMs = Math.min(options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS, timeoutMs);
  for (const [name, value] of Object.entries({ timeoutMs, maxResponseBytes, connectTimeoutMs })) {
    if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number.`);
  }
  return { deadline: started + timeoutMs, timeoutMs, connectTimeoutMs, maxResponseBytes };
}

/**
 * Sends one request to an untrusted URL (a user's webhook endpoint) and returns the response with a
 * capped body, or throws `FL_SSRF_REFUSED` ({@link SsrfRefusedError}, with the address class),
 * `FL_HTTP_TIMEOUT` ({@link HttpTimeoutError}) or `FL_HTTP_FAILED` (network errors, in `cause`).
 * Any status, 3xx and 5xx included, is a result, not an error: what counts as delivered is the caller's call.
 */
export async function safeRequest(options: SafeRequestOptions): Promise<SafeResponse> {
  const started = performance.now();
  const limits = limitsOf(options, started);
  const maxHops = options.followRedirects ?? 0;
  const redirects: string[] = [];
  let hop: Hop = {
    url: checkHop(options.url, options),
    method: (options.method ?? 'POST').toUpperCase(),
    headers: { ...options.headers },
    body: options.body,
  };
  for (;;) {
    const response = await requestOnce(hop, options, limits);
    const next = redirects.length < maxHops ? nextHop(hop, response) : undefined;
    if (next === undefined) {
      return { ...response, redirects, durationMs: Math.round(performance.now() - started) };
    }
    hop = { ...next, url: checkHop(next.url, options) };
    redirects.push(hop.url.href);
  }
}
