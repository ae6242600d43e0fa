/**
 * The lexical half of the SSRF guard: what a webhook URL may look like when a user saves it. It cannot
 * know where a hostname resolves (DNS changes after saving), so `safeRequest` checks the resolved
 * address again at connect time; this check exists to give the user a clear 400 early and to refuse
 * the obvious internal names before any DNS query is made.
 */
import { isIP } from 'node:net';
import {
  type AddressAllowance,
  type AddressClass,
  classifyAddress,
  isAddressClassAllowed,
} from './address-class.js';

/** Longest URL we store or call; far above any real receiver, well below header-size limits. */
export const MAX_WEBHOOK_URL_LENGTH = 2048;

/**
 * Policy for outbound webhook URLs. The defaults are the production ones; every `allow*` switch is
 * for tests and local development and comes from configuration, never from the user.
 */
export interface UrlPolicy extends AddressAllowance {
  /** Accept `http:` as well as `https:` (local development only). */
  allowHttp?: boolean;
  /**
   * Hostnames exempt from the name rules (single-label names, `.internal`, `.local`, …), compared
   * case-insensitively. The address check still applies to them at connect time.
   */
  allowedHosts?: readonly string[];
}

/** Why a URL was refused; stable, suitable for an API error's `code` detail. */
export type UrlRefusalCode =
  | 'invalid_url'
  | 'too_long'
  | 'scheme_not_allowed'
  | 'credentials_in_url'
  | 'port_not_allowed'
  | 'host_not_allowed'
  | 'address_not_allowed';

/** Result of {@link checkWebhookUrl}: a normalized URL, or a code and a human reason. */
export type UrlCheckResult =
  { ok: true; url: URL } | { ok: false; code: UrlRefusalCode; reason: string; addressClass?: AddressClass };

/**
 * Names that always mean "this machine" or "this network" (RFC 6761 `localhost`, mDNS `.local`,
 * RFC 8375 `home.arpa`, cloud-internal zones) or a metadata service. Matched as the name itself or
 * any subdomain of it.
 */
const blockedSuffixes = [
  'localhost',
  'localdomain',
  'local',
  'internal', // metadata.google.internal, *.ec2.internal, *.compute.internal
  'intranet',
  'corp',
  'lan',
  'home.arpa',
  'in-addr.arpa',
  'ip6.arpa',
  'metadata.goog',
  'metadata.azure.com',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
];

/**
 * Ports: the scheme's default, 80, 443, or any unprivileged port (≥ 1024, where self-hosted receivers
 * such as n8n listen). Other privileged ports (22, 25, 110, 389, …) are refused: a POST aimed at them
 * is protocol smuggling, never a webhook.
 */
function isPortAllowed(port: string): boolean {
  if (port === '') return true;
  const n = Number(port);
  return n === 80 || n === 443 || n >= 1024;
}

function refuse(code: UrlRefusalCode, reason: string, addressClass?: AddressClass): UrlCheckResult {
  return addressClass === undefined ? { ok: false, code, reason } : { ok: false, code, reason, addressClass };
}

/** Lowercased hostname without IPv6 brackets and without the trailing dot of a fully-qualified name. */
export function normalizeHostname(hostname: string): string {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return bare.toLowerCase().replace(/\.+$/, '');
}

function checkHostname(url: URL, policy: UrlPolicy): UrlCheckResult {
  const host = normalizeHostname(url.hostname);
  if (host === '') return refuse('invalid_url', 'The URL has no host.');
  if (isIP(host) !== 0) {
    const cls = classifyAddress(host);
    return isAddressClassAllowed(cls, policy)
      ? { ok: true, url }
      : refuse('address_not_allowed', `The address ${host} is not public (${cls}).`, cls);
  }
  if ((policy.allowedHosts ?? []).some((h) => normalizeHostname(h) === host)) return { ok: true, url };
  const isLoopbackName = host === 'localhost' || host.endsWith('.localhost');
  if (isLoopbackName && policy.allowLoopback) return { ok: true, url };
  if (!host.includes('.')) {
    // A single label is resolved through the machine's search domains, i.e. to internal hosts.
    return refuse('host_not_allowed', `The host "${host}" is not a public domain name.`);
  }
  const blocked = blockedSuffixes.find((s) => host === s || host.endsWith(`.${s}`));
  if (blocked !== undefined) {
    return refuse('host_not_allowed', `Hosts under "${blocked}" are internal and cannot receive webhooks.`);
  }
  return { ok: true, url };
}

/**
 * Checks a webhook URL before it is stored (and again on each redirect hop): `https` only unless
 * `allowHttp`; no user name or password; a port from {@link isPortAllowed}; at most
 * {@link MAX_WEBHOOK_URL_LENGTH} characters; literal IP hosts must be public (after WHATWG
 * normalization, so `http://2130706433/` is seen as 127.0.0.1); internal names and single-label
 * hosts are refused. Returns the parsed, normalized URL (fragment removed) on success.
 */
export function checkWebhookUrl(input: string | URL, policy: UrlPolicy = {}): UrlCheckResult {
  const text = typeof input === 'string' ? input.trim() : input.href;
  if (text.length > MAX_WEBHOOK_URL_LENGTH) {
    return refuse('too_long', `The URL is longer than ${MAX_WEBHOOK_URL_LENGTH} characters.`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The parser's message adds nothing for the user; the input itself is what they must fix.
    return refuse('invalid_url', 'The URL is not valid.');
  }
  const schemes = policy.allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol)) {
    return refuse('scheme_not_allowed', `Only ${schemes.join(' or ')} URLs are allowed.`);
  }
  if (url.username !== '' || url.password !== '') {
    return refuse('credentials_in_url', 'URLs with a user name or password are not allowed.');
  }
  if (!isPortAllowed(url.port)) {
    return refuse('port_not_allowed', `Port ${url.port} is not allowed; use 80, 443 or a port ≥ 1024.`);
  }
  url.hash = '';
  return checkHostname(url, policy);
}
