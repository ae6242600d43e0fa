import { describe, expect, it } from 'vitest';
import { identityFromClaims } from './oauth.js';

describe('the sign-in identity read from an id_token', () => {
  it('keys a Google account by iss and sub, and trusts its email only when Google marks it verified', () => {
    const claims = {
      iss: 'https://accounts.google.com',
      sub: '1098',
      email: 'Alex@Example.com',
      name: 'Alex',
    };
    expect(identityFromClaims('google', { ...claims, email_verified: true })).toEqual({
      issuer: 'accounts.google.com',
      subject: '1098',
      email: 'alex@example.com',
      emailVerified: true,
      name: 'Alex',
    });
    expect(identityFromClaims('google', { ...claims, email_verified: 'true' })?.emailVerified).toBe(true);
    expect(identityFromClaims('google', claims)?.emailVerified).toBe(false);
    expect(identityFromClaims('google', { ...claims, email_verified: false })?.emailVerified).toBe(false);
  });

  it('keys a Microsoft account by tenant and object id, never by its email or preferred_username', () => {
    const claims = {
      tid: '2B1F3C3E-6F4B-4C8E-9A57-5A4D1B0F0F00',
      oid: 'a1b2',
      sub: 'pairwise-sub',
      preferred_username: 'Pat@Contoso.example',
      name: 'Pat',
    };
    expect(identityFromClaims('microsoft', claims)).toEqual({
      issuer: '2b1f3c3e-6f4b-4c8e-9a57-5a4d1b0f0f00',
      subject: 'a1b2',
      email: 'pat@contoso.example',
      emailVerified: false,
      name: 'Pat',
    });
    expect(
      identityFromClaims('microsoft', { ...claims, email: 'boss@contoso.example', email_verified: true }),
    ).toMatchObject({ email: 'boss@contoso.example', emailVerified: false });
  });

  it('refuses an id_token without its issuer or subject', () => {
    expect(identityFromClaims('google', { sub: '1', email: 'a@example.com' })).toBeUndefined();
    expect(identityFromClaims('microsoft', { tid: 't', sub: 'pairwise' })).toBeUndefined();
    expect(identityFromClaims('microsoft', { oid: 'o' })).toBeUndefined();
  });
});
