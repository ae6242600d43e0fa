/**
 * The connect-time half of the SSRF guard: a DNS lookup that refuses to hand a non-public address to
 * the socket. It runs inside `net.connect`, so the address checked is the address connected to: there
 * is no gap between checking and connecting for a DNS rebinding answer to slip through.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import {
  type AddressAllowance,
  type AddressClass,
  classifyAddress,
  isAddressClassAllowed,
} from './address-class.js';
import { SsrfRefusedError } from './errors.js';

/** The refusal for one resolved (or literal) address, or undefined when it may be contacted. */
export function refuseAddress(
  address: string,
  allowance: AddressAllowance,
  hostname?: string,
): SsrfRefusedError | undefined {
  let cls: AddressClass;
  try {
    cls = classifyAddress(address);
  } catch (error) {
    return new SsrfRefusedError(
      'policy',
      'The resolver returned something that is not an IP address.',
      address,
      {
        cause: error,
      },
    );
  }
  if (isAddressClassAllowed(cls, allowance)) return undefined;
  const via = hostname === undefined ? '' : ` (resolved from ${hostname})`;
  return new SsrfRefusedError(cls, `Refused to connect to ${address}${via}: ${cls} address.`, address);
}

/**
 * Wraps a lookup function (default `dns.lookup`) so every address it returns is checked with
 * {@link refuseAddress}. With `all: true` (Node's happy-eyeballs path) one bad address refuses the
 * whole answer: a name that mixes public and private addresses is an attack, not a webhook host.
 */
export function guardedLookup(allowance: AddressAllowance, base: LookupFunction = dnsLookup): LookupFunction {
  return (hostname, options: LookupOptions, callback) => {
    base(hostname, options, (error, address, family) => {
      if (error) {
        callback(error, address, family);
        return;
      }
      const answers: LookupAddress[] = Array.isArray(address)
        ? address
        : [{ address, family: family ?? (address.includes(':') ? 6 : 4) }];
      for (const answer of answers) {
        const refusal = refuseAddress(answer.address, allowance, hostname);
        if (refusal) {
          callback(refusal, options.all ? [] : '', family);
          return;
        }
      }
      callback(null, address, family);
    });
  };
}
