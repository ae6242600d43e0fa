/**
 * Classifies IP addresses for the SSRF guard. Only `public` addresses may be reached by outbound
 * webhooks; test and development configurations may additionally allow `loopback` and `private`.
 * The ranges come from ipaddr.js (the same library request-filtering-agent uses), folded into the
 * few classes our errors and delivery log report.
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * Where an address points. Everything but `public` is refused by default:
 * - `loopback`: 127.0.0.0/8, ::1
 * - `private`: 10/8, 172.16/12, 192.168/16 and IPv6 unique-local fc00::/7 (AWS's fd00:ec2::254 metadata)
 * - `linkLocal`: 169.254/16 (cloud metadata 169.254.169.254), fe80::/10; never allowed by any option
 * - `carrierGradeNat`: 100.64/10 (Alibaba's 100.100.100.200 metadata)
 * - `multicast`, `unspecified` (0.0.0.0/8, ::), `broadcast`
 * - `reserved`: documentation, benchmarking, AS112, AMT, 240/4, discard, site-local, ORCHID, …
 * - `ipv4Mapped`, `nat64`, `tunnel` (6to4, Teredo): IPv6 forms that embed an IPv4 address (IPv4-mapped
 *   and IPv4-compatible both report as `ipv4Mapped`). When the embedded address is not public, its
 *   own class is reported instead (`::ffff:127.0.0.1`, `::127.0.0.1` → loopback; `::a9fe:a9fe` →
 *   linkLocal).
 */
export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'linkLocal'
  | 'carrierGradeNat'
  | 'multicast'
  | 'unspecified'
  | 'broadcast'
  | 'reserved'
  | 'ipv4Mapped'
  | 'nat64'
  | 'tunnel';

/** Address classes a test or development configuration may open up; link-local (metadata) never is. */
export interface AddressAllowance {
  /** Allow 127.0.0.0/8 and ::1 (a receiver on loopback in tests, local development). */
  allowLoopback?: boolean;
  /** Allow RFC 1918, unique-local IPv6 and CGNAT (a receiver in a docker network). Never in production. */
  allowPrivateNetworks?: boolean;
}

const v4Classes: Record<string, AddressClass> = {
  unicast: 'public',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'linkLocal',
  loopback: 'loopback',
  carrierGradeNat: 'carrierGradeNat',
  private: 'private',
};

const v6Classes: Record<string, AddressClass> = {
  unicast: 'public',
  unspecified: 'unspecified',
  linkLocal: 'linkLocal',
  multicast: 'multicast',
  loopback: 'loopback',
  uniqueLocal: 'private',
};

/** IPv6 ranges that carry an IPv4 address, and where its 32 bits sit (index of the first 16-bit part). */
const embeddingRanges: Record<string, { cls: AddressClass; part: number }> = {
  ipv4Mapped: { cls: 'ipv4Mapped', part: 6 },
  ipv4Compatible: { cls: 'ipv4Mapped', part: 6 },
  rfc6145: { cls: 'ipv4Mapped', part: 6 },
  rfc6052: { cls: 'nat64', part: 6 },
  '6to4': { cls: 'tunnel', part: 1 },
};

function classifyV4(address: ipaddr.IPv4): AddressClass {
  // Anything ipaddr.js names that is not in the table (as112, amt, benchmarking, reserved…) is reserved.
  return v4Classes[address.range()] ?? 'reserved';
}

function embeddedV4(address: ipaddr.IPv6, part: number): ipaddr.IPv4 {
  const hi = address.parts[part] ?? 0;
  const lo = address.parts[part + 1] ?? 0;
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

/**
 * IPv4-compatible IPv6 (`::a.b.c.d`, deprecated by RFC 4291 but still parsed, and what a URL makes
 * of `[::127.0.0.1]`: `[::7f00:1]`): the first 96 bits zero, other than `::` and `::1` themselves.
 * ipaddr.js files these under plain unicast, so they are recognised here.
 */
function isIpv4Compatible(address: ipaddr.IPv6): boolean {
  const parts = address.parts;
  return parts.slice(0, 6).every((part) => part === 0) && (parts[6] !== 0 || (parts[7] ?? 0) > 1);
}

function classifyV6(address: ipaddr.IPv6): AddressClass {
  const range = isIpv4Compatible(address) ? 'ipv4Compatible' : address.range();
  const embedding = embeddingRanges[range];
  if (embedding) {
    // Report the embedded address's class when it is the real problem (::ffff:10.0.0.1 → private);
    // a public one is still refused, under the translation class, because no webhook host needs it.
    const inner = classifyV4(embeddedV4(address, embedding.part));
    return inner === 'public' ? embedding.cls : inner;
  }
  // Teredo obfuscates its client address (XOR); refusing the whole range is simpler than decoding it.
  if (range === 'teredo') return 'tunnel';
  return v6Classes[range] ?? 'reserved';
}

/**
 * Classifies a literal IP address (IPv4 dotted quad or IPv6, with or without brackets or a zone id).
 * Throws a `TypeError` for anything that is not an IP literal: hostnames must be resolved first.
 */
export function classifyAddress(ip: string): AddressClass {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const family = isIP(bare);
  if (family === 0) throw new TypeError(`Not an IP address: ${JSON.stringify(ip)}`);
  // isIP accepts only canonical forms, so ipaddr.parse never sees "0x7f.1"-style shorthands here.
  const parsed = ipaddr.parse(bare);
  return parsed.kind() === 'ipv4' ? classifyV4(parsed as ipaddr.IPv4) : classifyV6(parsed as ipaddr.IPv6);
}

/**
 * Whether an address of this class may be contacted under the given allowance. `public` always may;
 * link-local (cloud metadata), multicast, unspecified, broadcast, reserved and IPv4-embedding IPv6
 * forms never may, whatever the configuration.
 */
export function isAddressClassAllowed(cls: AddressClass, allowance: AddressAllowance = {}): boolean {
  if (cls === 'public') return true;
  if (cls === 'loopback') return allowance.allowLoopback === true;
  if (cls === 'private' || cls === 'carrierGradeNat') return allowance.allowPrivateNetworks === true;
  return false;
}
