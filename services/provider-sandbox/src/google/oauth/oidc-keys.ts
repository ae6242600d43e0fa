import { createHash, randomBytes } from 'node:crypto';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK } from 'jose';
import type { SandboxAccount, SandboxClock } from '../../core/types.js';
import { grantsEmail, grantsProfile } from '../scopes.js';

/** One RS256 key per sandbox process; clients fetch it from the JWKS (v3) or PEM (v1) certs endpoint. */
export interface SigningKeys {
  kid: string;
  jwks: { keys: JWK[] };
  pem: Record<string, string>;
  signIdToken(claims: IdTokenInput): Promise<string>;
}

export interface IdTokenInput {
  issuer: string;
  clientId: string;
  account: SandboxAccount;
  scopes: string[];
  accessToken: string;
  nonce?: string;
}

export async function createSigningKeys(clock: SandboxClock): Promise<SigningKeys> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(20).toString('hex');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const pem = { [kid]: await exportSPKI(publicKey) };
  return {
    kid,
    jwks: { keys: [jwk] },
    pem,
    async signIdToken(input) {
      const iat = Math.floor(clock.nowMs() / 1000);
      return new SignJWT(idTokenClaims(input))
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(input.issuer)
        .setAudience(input.clientId)
        .setSubject(input.account.id)
        .setIssuedAt(iat)
        .setExpirationTime(iat + 3600)
        .sign(privateKey);
    },
  };
}

function idTokenClaims(input: IdTokenInput): Record<string, unknown> {
  const { account, scopes } = input;
  // at_hash: left half of SHA-256 of the access token, base64url (OIDC Core §3.1.3.6).
  const digest = createHash('sha256').update(input.accessToken).digest();
  return {
    azp: input.clientId,
    at_hash: digest.subarray(0, digest.length / 2).toString('base64url'),
    ...(input.nonce === undefined ? {} : { nonce: input.nonce }),
    ...(grantsEmail(scopes) ? { email: account.email, email_verified: true } : {}),
    ...(grantsProfile(scopes) ? profileClaims(account) : {}),
  };
}

export function profileClaims(account: SandboxAccount): Record<string, string> {
  const [given, ...rest] = account.name.split(' ');
  return {
    name: account.name,
    given_name: given ?? account.name,
    ...(rest.length > 0 ? { family_name: rest.join(' ') } : {}),
    locale: 'en',
  };
}
