import { describe, expect, it } from 'vitest';
import {
  MAX_WEBHOOK_URL_LENGTH,
  type UrlPolicy,
  type UrlRefusalCode,
  checkWebhookUrl,
} from './url-policy.js';

describe('checkWebhookUrl', () => {
  it.each([
    'https://hooks.slack.com/services/T000/B000/XXXX',
    'https://example.com:8443/frontload?x=1',
    'https://EXAMPLE.com./hook',
    'https://93.184.215.14/hook',
    'https://[2606:4700:4700::1111]/hook',
    'https://n8n.example.org:5678/webhook/abc',
  ])('accepts %s', (url) => {
    const result = checkWebhookUrl(url);
    expect(result.ok).toBe(true);
  });

  it('normalizes the URL and drops the fragment', () => {
    const result = checkWebhookUrl('  https://Example.COM:443/a#frag  ');
    expect(result.ok && result.url.href).toBe('https://example.com/a');
  });

  it.each<[string, UrlRefusalCode, UrlPolicy?]>([
    ['not a url', 'invalid_url'],
    [`https://example.com/${'a'.repeat(MAX_WEBHOOK_URL_LENGTH)}`, 'too_long'],
    ['http://example.com/hook', 'scheme_not_allowed'],
    ['ftp://example.com/hook', 'scheme_not_allowed', { allowHttp: true }],
    ['javascript:alert(1)', 'scheme_not_allowed'],
    ['https://user:pass@example.com/hook', 'credentials_in_url'],
    ['https://token@example.com/hook', 'credentials_in_url'],
    ['https://example.com:22/hook', 'port_not_allowed'],
    ['https://example.com:25/hook', 'port_not_allowed'],
    ['https://localhost/hook', 'host_not_allowed'],
    ['https://LOCALHOST./hook', 'host_not_allowed'],
    ['https://api.localhost/hook', 'host_not_allowed'],
    ['https://metadata.google.internal/computeMetadata/v1/', 'host_not_allowed'],
    ['https://instance-data.ec2.internal/', 'host_not_allowed'],
    ['https://metadata/computeMetadata/v1/', 'host_not_allowed'],
    ['https://metadata.goog/', 'host_not_allowed'],
    ['https://printer.local/', 'host_not_allowed'],
    ['https://router.home.arpa/', 'host_not_allowed'],
    ['https://intranet/', 'host_not_allowed'],
    ['https://127.0.0.1/hook', 'address_not_allowed'],
    ['https://2130706433/hook', 'address_not_allowed'],
    ['https://0x7f.1/hook', 'address_not_allowed'],
    ['https://[::1]/hook', 'address_not_allowed'],
    ['https://10.1.2.3/', 'address_not_allowed'],
    ['https://169.254.169.254/latest/meta-data/', 'address_not_allowed'],
    ['https://[::ffff:169.254.169.254]/', 'address_not_allowed'],
    ['https://[fd00:ec2::254]/', 'address_not_allowed'],
    ['https://100.100.100.200/', 'address_not_allowed'],
    ['https://0.0.0.0/', 'address_not_allowed'],
    ['https://127.0.0.1/hook', 'address_not_allowed', { allowPrivateNetworks: true }],
    ['https://169.254.169.254/', 'address_not_allowed', { allowLoopback: true, allowPrivateNetworks: true }],
  ])('refuses %s as %s', (url, code, policy) => {
    const result = checkWebhookUrl(url, policy);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.reason).not.toBe('');
    }
  });

  it('reports the address class of literal IPs', () => {
    const result = checkWebhookUrl('https://[::ffff:10.0.0.1]/');
    expect(result).toMatchObject({ ok: false, code: 'address_not_allowed', addressClass: 'private' });
  });

  it('opens up only what the development switches say', () => {
    expect(checkWebhookUrl('http://127.0.0.1:3000/hook', { allowHttp: true, allowLoopback: true }).ok).toBe(
      true,
    );
    expect(checkWebhookUrl('http://localhost:3000/hook', { allowHttp: true, allowLoopback: true }).ok).toBe(
      true,
    );
    expect(checkWebhookUrl('https://10.0.0.5/hook', { allowPrivateNetworks: true }).ok).toBe(true);
    expect(checkWebhookUrl('https://receiver/hook', { allowedHosts: ['Receiver'] }).ok).toBe(true);
    expect(checkWebhookUrl('https://notifier.internal/', { allowedHosts: ['notifier.internal'] }).ok).toBe(
      true,
    );
  });
});
