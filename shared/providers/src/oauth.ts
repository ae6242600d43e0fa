/**
 * OAuth for both providers with arctic's generic client, so the endpoints come from configuration
 * (the sandbox in development, the real hosts in production) while PKCE, state and token parsing
 * stay in the library. Google's endpoints are read from its OpenID discovery document (its token
 * endpoint lives on another host than its authorization endpoint); Microsoft's follow the
 * `/{tenant}/oauth2/v2.0/…` convention of the identity platform.
 */
import {
  CodeChallengeMethod,
  OAuth2Client,
  OAuth2RequestError,
  decodeIdToken,
  type OAuth2Tokens,
} from 'arctic';
import { googleError } from './google/google-errors.js';
import { graphError } from './microsoft/graph-errors.js';
import { ProviderError, type ProviderKind, isProviderError } from './provider-error.js';

/** Least privilege (PROVIDERS.md §1): owned-calendar events, free/busy, settings; identity for sign-in. */
export const OAUTH_SCOPES: Record<ProviderKind, string[]> = {
  google: [
    'openid',
    'email',
    'profile',
    'https://www.googleapis.com/auth/calendar.events.owned',
    'https://www.googleapis.com/auth/calendar.freebusy',
    'https://www.googleapis.com/auth/calendar.settings.readonly',
  ],
  microsoft: [
    'openid',
    'email',
    'profile',
    'offline_access',
    'User.Read',
    'Calendars.ReadWrite',
    'MailboxSettings.Read',
  ],
};

export interface OAuthSettings {
  /** Where the provider sends the browser back: `${publicUrl}/auth/{provider}/callback`. */
  publicUrl: string;
  google: { clientId: string; clientSecret: string; oauthBaseUrl: string };
  microsoft: {
    clientId: string;
    clientSecret: string;
    tenant: string;
    loginBaseUrl: string;
    /** The login host as the browser reaches it (the authorize page), when not at `loginBaseUrl`. */
    browserLoginBaseUrl?: string | undefined;
  };
}

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  scopes: string[];
}

/**
 * Who consented, from the id_token. (provider, issuer, subject) identifies the account; the email
 * claim is for display, and counts as verified only when the provider says so.
 */
export interface OAuthIdentity {
  /** Who vouches for the subject: Google's `iss`; Microsoft's tenant id (`tid`). */
  issuer: string;
  /** The provider's stable id for the account (Google `sub`, Microsoft `oid`). */
  subject: string;
  /** For display: Google `email`; Microsoft `email`, else `preferred_username`. */
  email: string;
  /**
   * Google's `email_verified`. Never for Microsoft: its `email` claim is whatever the tenant's admin
   * typed and `preferred_username` is a sign-in name, neither verified.
   */
  emailVerified: boolean;
  name: string;
}

/** The identity in a provider's id_token claims; undefined when a key claim is missing. */
export function identityFromClaims(
  provider: ProviderKind,
  claims: Record<string, unknown>,
): OAuthIdentity | undefined {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const name = text(claims.name);
  if (provider === 'google') {
    const issuer = text(claims.iss).replace(/^https:\/\//, '');
    const subject = text(claims.sub);
    const email = text(claims.email).toLowerCase();
    const emailVerified =
      email !== '' && (claims.email_verified === true || claims.email_verified === 'true');
    return issuer && subject ? { issuer, subject, email, emailVerified, name } : undefined;
  }
  const issuer = text(claims.tid).toLowerCase();
  const subject = text(claims.oid);
  const email = (text(claims.email) || text(claims.preferred_username)).toLowerCase();
  return issuer && subject ? { issuer, subject, email, emailVerified: false, name } : undefined;
}

interface Endpoints {
  authorization: string;
  token: string;
  revocation?: string;
}

const trim = (url: string) => url.replace(/\/+$/, '');

export function createOAuth(settings: OAuthSettings, now: () => number = Date.now) {
  const redirect = (p: ProviderKind) => `${trim(settings.publicUrl)}/auth/${p}/callback`;
  const clients: Record<ProviderKind, OAuth2Client> = {
    google: new OAuth2Client(settings.google.clientId, settings.google.clientSecret, redirect('google')),
    microsoft: new OAuth2Client(
      settings.microsoft.clientId,
      settings.microsoft.clientSecret,
      redirect('microsoft'),
    ),
  };
  let googleEndpoints: Promise<Endpoints> | undefined;

  async function discoverGoogle(): Promise<Endpoints> {
    const url = `${trim(settings.google.oauthBaseUrl)}/.well-known/openid-configuration`;
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok)
      throw new ProviderError('transient', 'google', `OpenID discovery failed: HTTP ${response.status}`);
    const doc = (await response.json()) as {
      authorization_endpoint: string;
      token_endpoint: string;
      revocation_endpoint?: string;
    };
    return {
      authorization: doc.authorization_endpoint,
      token: doc.token_endpoint,
      ...(doc.revocation_endpoint ? { revocation: doc.revocation_endpoint } : {}),
    };
  }

  function endpoints(provider: ProviderKind): Promise<Endpoints> {
    if (provider === 'google') {
      googleEndpoints ??= discoverGoogle().catch((error: unknown) => {
        googleEndpoints = undefined; // retry discovery next time
        throw error;
      });
      return googleEndpoints;
    }
    const { loginBaseUrl, browserLoginBaseUrl, tenant } = settings.microsoft;
    const path = `/${tenant}/oauth2/v2.0`;
    return Promise.resolve({
      authorization: `${trim(browserLoginBaseUrl ?? loginBaseUrl)}${path}/authorize`,
      token: `${trim(loginBaseUrl)}${path}/token`,
    });
  }

  function mapError(provider: ProviderKind, error: unknown): never {
    if (error instanceof OAuth2RequestError) {
      const body = { error: error.code, error_description: error.description ?? '' };
      throw provider === 'google'
        ? googleError(400, body, null, now(), error)
        : graphError(400, body, null, now(), error);
    }
    if (isProviderError(error)) throw error;
    throw new ProviderError(
      'transient',
      provider,
      `OAuth request failed: ${(error as Error).message}`,
      {},
      { cause: error },
    );
  }

  function toTokenSet(tokens: OAuth2Tokens): TokenSet {
    return {
      accessToken: tokens.accessToken(),
      ...(tokens.hasRefreshToken() ? { refreshToken: tokens.refreshToken() } : {}),
      expiresAt: now() + tokens.accessTokenExpiresInSeconds() * 1000,
      scopes: tokens.hasScopes() ? tokens.scopes() : [],
    };
  }

  return {
    async authorizationUrl(provider: ProviderKind, state: string, codeVerifier: string): Promise<URL> {
      const { authorization } = await endpoints(provider);
      const url = clients[provider].createAuthorizationURLWithPKCE(
        authorization,
        state,
        CodeChallengeMethod.S256,
        codeVerifier,
        OAUTH_SCOPES[provider],
      );
      if (provider === 'google') {
        // A refresh token on every consent, and earlier grants kept (PROVIDERS.md §1).
        url.searchParams.set('access_type', 'offline');
        url.searchParams.set('prompt', 'consent');
        url.searchParams.set('include_granted_scopes', 'true');
      }
      return url;
    },

    async exchangeCode(
      provider: ProviderKind,
      code: string,
      codeVerifier: string,
    ): Promise<TokenSet & { identity: OAuthIdentity }> {
      const { token } = await endpoints(provider);
      const tokens = await clients[provider]
        .validateAuthorizationCode(token, code, codeVerifier)
        .catch((e: unknown) => mapError(provider, e));
      const claims = decodeIdToken(tokens.idToken()) as Record<string, unknown>;
      // The id_token came straight from the token endpoint over TLS; it must still be meant for us.
      const audience = ([] as unknown[]).concat(claims.aud);
      if (!audience.includes(settings[provider].clientId))
        throw new ProviderError('permanent', provider, 'id_token is meant for another client');
      const identity = identityFromClaims(provider, claims);
      if (!identity) throw new ProviderError('permanent', provider, 'id_token lacks an issuer or a subject');
      return { ...toTokenSet(tokens), identity };
    },

    /** Microsoft rotates the refresh token on every refresh: callers must store the new one. */
    async refresh(provider: ProviderKind, refreshToken: string): Promise<TokenSet> {
      const { token } = await endpoints(provider);
      const tokens = await clients[provider]
        .refreshAccessToken(token, refreshToken, [])
        .catch((e: unknown) => mapError(provider, e));
      return toTokenSet(tokens);
    },

    /** Google has an RFC 7009 revocation endpoint; Microsoft has none (tokens are dropped on our side). */
    async revoke(provider: ProviderKind, token: string): Promise<void> {
      const { revocation } = await endpoints(provider);
      if (!revocation) return;
      await clients[provider].revokeToken(revocation, token).catch((e: unknown) => mapError(provider, e));
    },
  };
}

export type OAuth = ReturnType<typeof createOAuth>;
