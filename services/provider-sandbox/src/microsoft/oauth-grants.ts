/**
 * State of the Microsoft identity platform emulation: registered clients, pending consents,
 * authorization codes (single use, 10 minutes) and the refresh tokens this provider issued, so a
 * refused refresh can be told apart the way Entra does (AADSTS54005 / 70008 / 700082 / 50173 / 9002313).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IssuedGrant, SandboxCore } from '../core/types.js';
import { EntraError } from './errors.js';

export interface OAuthClient {
  id: string;
  secret: string;
}

/** The client Frontload uses against the sandbox (README / config defaults). */
export const DEFAULT_CLIENT: OAuthClient = { id: 'frontload-local', secret: 'frontload-local-secret' };

export interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string | undefined;
  codeChallenge: string | undefined;
  codeChallengeMethod: 'S256' | 'plain';
  loginHint: string | undefined;
  nonce: string | undefined;
}

interface AuthCode extends AuthorizeRequest {
  accountId: string;
  expiresAtMs: number;
  redeemed: boolean;
}

const CODE_LIFETIME_MS = 10 * 60_000;
/** Refresh tokens of web apps die after 90 days without use (PROVIDERS.md §1, MORGAN/NANGO). */
export const REFRESH_INACTIVITY_MS = 90 * 86_400_000;

const random = (): string => randomBytes(32).toString('base64url');

export function s256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class OAuthGrants {
  private readonly clients = new Map<string, OAuthClient>([[DEFAULT_CLIENT.id, DEFAULT_CLIENT]]);
  private readonly consents = new Map<string, AuthorizeRequest>();
  private readonly codes = new Map<string, AuthCode>();
  /** Refresh token → when it was issued; rotated ones move to `rotated`. */
  private readonly refreshIssued = new Map<string, number>();
  private readonly rotated = new Set<string>();

  constructor(private readonly core: SandboxCore) {}

  client(id: string): OAuthClient | undefined {
    return this.clients.get(id);
  }

  authenticateClient(clientId: string | undefined, secret: string | undefined): OAuthClient {
    if (clientId === undefined || clientId === '') {
      throw new EntraError(
        400,
        'invalid_request',
        900144,
        "The request body must contain the following parameter: 'client_id'.",
      );
    }
    const client = this.clients.get(clientId);
    if (client === undefined) {
      throw new EntraError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory 'Frontload Sandbox'.`,
      );
    }
    if (secret === undefined || secret === '') {
      throw new EntraError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    if (!sameSecret(secret, client.secret)) {
      throw new EntraError(
        401,
        'invalid_client',
        7000215,
        `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
      );
    }
    return client;
  }

  holdConsent(request: AuthorizeRequest): string {
    const id = random();
    this.consents.set(id, request);
    return id;
  }

  takeConsent(id: string): AuthorizeRequest | undefined {
    const request = this.consents.get(id);
    this.consents.delete(id);
    return request;
  }

  issueCode(request: AuthorizeRequest, accountId: string): string {
    const code = random();
    this.codes.set(code, {
      ...request,
      accountId,
      expiresAtMs: this.core.clock.nowMs() + CODE_LIFETIME_MS,
      redeemed: false,
    });
    return code;
  }

  redeemCode(
    code: string,
    clientId: string,
    redirectUri: string | undefined,
    verifier: string | undefined,
  ): AuthCode {
    const grant = this.codes.get(code);
    if (grant === undefined || grant.clientId !== clientId) {
      throw new EntraError(
        400,
        'invalid_grant',
        9002313,
        'Invalid request. Request is malformed or invalid.',
      );
    }
    if (grant.redeemed) {
      throw new EntraError(
        400,
        'invalid_grant',
        54005,
        'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
      );
    }
    if (this.core.clock.nowMs() > grant.expiresAtMs) {
      throw new EntraError(
        400,
        'invalid_grant',
        70008,
        'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
      );
    }
    if (redirectUri !== grant.redirectUri) {
      throw new EntraError(
        400,
        'invalid_grant',
        50011,
        `The redirect URI '${redirectUri ?? ''}' specified in the request does not match the redirect URI the authorization code was issued to.`,
      );
    }
    if (grant.codeChallenge !== undefined) {
      const computed = grant.codeChallengeMethod === 'S256' ? s256(verifier ?? '') : verifier;
      if (verifier === undefined || computed !== grant.codeChallenge) {
        throw new EntraError(
          400,
          'invalid_grant',
          501481,
          'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
        );
      }
    }
    grant.redeemed = true;
    return grant;
  }

  issueRefreshToken(grant: IssuedGrant): string {
    const token = this.core.tokens.issueRefreshToken(grant);
    this.refreshIssued.set(token, this.core.clock.nowMs());
    return token;
  }

  /** Consumes a refresh token (rotation: it is revoked once used) or throws Entra's reason. */
  useRefreshToken(token: string, clientId: string): IssuedGrant {
    if (this.rotated.has(token)) {
      throw new EntraError(
        400,
        'invalid_grant',
        70008,
        'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
      );
    }
    const issuedAt = this.refreshIssued.get(token);
    const grant = this.core.tokens.useRefreshToken(token);
    if (
      issuedAt === undefined ||
      (grant !== undefined && (grant.provider !== 'microsoft' || grant.clientId !== clientId))
    ) {
      throw new EntraError(
        400,
        'invalid_grant',
        9002313,
        'Invalid request. Request is malformed or invalid.',
      );
    }
    if (grant === undefined) {
      throw new EntraError(
        400,
        'invalid_grant',
        50173,
        'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.',
      );
    }
    const now = this.core.clock.nowMs();
    if (now - issuedAt > REFRESH_INACTIVITY_MS) {
      const issued = new Date(issuedAt).toISOString();
      throw new EntraError(
        400,
        'invalid_grant',
        700082,
        `The refresh token has expired due to inactivity. The token was issued on ${issued} and was inactive for 90.00:00:00.`,
      );
    }
    this.core.tokens.revokeRefreshToken(token, false);
    this.refreshIssued.delete(token);
    this.rotated.add(token);
    return grant;
  }

  reset(): void {
    this.consents.clear();
    this.codes.clear();
    this.refreshIssued.clear();
    this.rotated.clear();
  }
}
