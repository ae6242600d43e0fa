import { describe, expect, it } from 'vitest';
import { type AddressClass, classifyAddress, isAddressClassAllowed } from './address-class.js';

describe('classifyAddress', () => {
  it.each<[string, AddressClass]>([
    ['93.184.215.14', 'public'],
    ['2606:4700:4700::1111', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['fc00::1', 'private'],
    ['fd00:ec2::254', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.100.100.200', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['192.0.0.192', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::ffff:93.184.215.14', 'ipv4Mapped'],
    // IPv4-compatible (::/96): the embedded address decides, as for IPv4-mapped.
    ['::127.0.0.1', 'loopback'],
    ['::7f00:1', 'loopback'],
    ['[::7f00:1]', 'loopback'],
    ['::a9fe:a9fe', 'linkLocal'],
    ['::a00:1', 'private'],
    ['::5db8:d70e', 'ipv4Mapped'],
    ['::2', 'unspecified'],
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::5db8:d70e', 'nat64'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:5db8:d70e::1', 'tunnel'],
    ['2001:0:4136:e378::1', 'tunnel'],
  ])('%s is %s', (address, cls) => {
    expect(classifyAddress(address)).toBe(cls);
  });

  it('refuses to classify hostnames', () => {
    expect(() => classifyAddress('localhost')).toThrow(TypeError);
    expect(() => classifyAddress('0x7f.1')).toThrow(TypeError);
  });
});

describe('isAddressClassAllowed', () => {
  it('allows only public by default, and never link-local or multicast', () => {
    expect(isAddressClassAllowed('public')).toBe(true);
    expect(isAddressClassAllowed('loopback')).toBe(false);
    expect(isAddressClassAllowed('loopback', { allowLoopback: true })).toBe(true);
    expect(isAddressClassAllowed('private', { allowLoopback: true })).toBe(false);
    expect(isAddressClassAllowed('private', { allowPrivateNetworks: true })).toBe(true);
    const everything = { allowLoopback: true, allowPrivateNetworks: true };
    for (const cls of ['linkLocal', 'multicast', 'unspecified', 'reserved', 'ipv4Mapped'] as const) {
      expect(isAddressClassAllowed(cls, everything)).toBe(false);
    }
  });
});
