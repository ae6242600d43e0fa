/**
 * OAuth and OpenID Connect for both providers with openid-client: discovery, PKCE, the id_token's
 * checks (issuer, audience, expiry), refresh and revocation stay in the library. Google is found at
 * its discovery URL (`oauthBaseUrl`; its token endpoint lives on another host than its authorization
 * endpoint). Microsoft is always the identity platform's issuer,
 * `https://login.microsoftonline.com/{tenant}/v2.0`, so a multi-tenant id_token is checked against its
 * own tenant's issuer; its documents are fetched from `loginBaseUrl` (the sandbox in development, the
 * real host in production).
 */
import * as oidc from 'openid-client';
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

/** The configuration variables OAuth is built from (`@frontload/config`'s names). */
export interface OAuthEnv {
  PUBLIC_URL: string;
  GOOGLE_CLIENT_ID: string;
  GOOGLE_CLIENT_SECRET: string;
  GOOGLE_OAUTH_BASE_URL: string;
  MICROSOFT_CLIENT_ID: string;
  MICROSOFT_CLIENT_SECRET: string;
  MICROSOFT_TENANT: string;
  MICROSOFT_LOGIN_BASE_URL: string;
  MICROSOFT_LOGIN_BROWSER_URL?: string | undefined;
}

/** OAuth settings from the configuration, as the API and every worker read them. */
export function oauthSettingsFromEnv(env: OAuthEnv): OAuthSettings {
  return {
    publicUrl: env.PUBLIC_URL,
    google: {
      clientId: env.GOOGLE_CLIENT_ID,
      clientSecret: env.GOOGLE_CLIENT_SECRET,
      oauthBaseUrl: env.GOOGLE_OAUTH_BASE_URL,
    },
    microsoft: {
      clientId: env.MICROSOFT_CLIENT_ID,
      clientSecret: env.MICROSOFT_CLIENT_SECRET,
      tenant: env.MICROSOFT_TENANT,
      loginBaseUrl: env.MICROSOFT_LOGIN_BASE_URL,
      browserLoginBaseUrl: env.MICROSOFT_LOGIN_BROWSER_URL,
    },
  };
}

/** The identity platform's issuer host, as its id_tokens and discovery documents name it. */
export const MICROSOFT_LOGIN_HOST = 'https://login.microsoftonline.com';

const trim = (url: string) => url.replace(/\/+$/, '');

/** A random `state` and PKCE code verifier for one authorization request. */
export function newAuthorizationSecrets(): { state: string; codeVerifier: string } {
  return { state: oidc.randomState(), codeVerifier: oidc.randomPKCECodeVerifier() };
}

export function createOAuth(settings: OAuthSettings, now: () => number = Date.now) {
  const redirect = (p: ProviderKind) => `${trim(settings.publicUrl)}/auth/${p}/callback`;
  const microsoftBase = trim(settings.microsoft.loginBaseUrl);

  /** Where each provider's issuer is discovered. */
  const servers: Record<ProviderKind, URL> = {
    google: new URL(trim(settings.google.oauthBaseUrl)),
    microsoft: new URL(`${MICROSOFT_LOGIN_HOST}/${settings.microsoft.tenant}/v2.0`),
  };
  /** Plain http only where the configuration points at one (the sandbox); production is https. */
  const insecure: Record<ProviderKind, boolean> = {
    google: servers.google.protocol === 'http:',
    microsoft: microsoftBase.startsWith('http:'),
  };

  /** Requests to Microsoft's login host go to `loginBaseUrl` (the same host in production). */
  const fetchFor =
    (provider: ProviderKind): oidc.CustomFetch =>
    (url, options) => {
      const target =
        provider === 'microsoft' && url.startsWith(MICROSOFT_LOGIN_HOST)
          ? `${microsoftBase}${url.slice(MICROSOFT_LOGIN_HOST.length)}`
          : url;
      return fetch(target, { ...options, signal: options.signal ?? AbortSignal.timeout(10_000) });
    };

  /**
   * Each provider's discovery document, fetched once (again after a failure) and kept as text: a
   * fresh Response is made from it for each configuration, so no body is shared or read twice.
   */
  const documents = new Map<ProviderKind, Promise<{ body: string; contentType: string }>>();
  async function discoveryResponse(provider: ProviderKind, url: string, options: oidc.CustomFetchOptions) {
    let pending = documents.get(provider);
    if (!pending) {
      pending = fetchFor(provider)(url, options).then(async (response) => {
        if (!response.ok) throw new Error(`OpenID discovery failed: HTTP ${response.status}`);
        return {
          body: await response.text(),
          contentType: response.headers.get('content-type') ?? 'application/json',
        };
      });
      pending.catch(() => documents.delete(provider));
      documents.set(provider, pending);
    }
    const { body, contentType } = await pending;
    return new Response(body, { status: 200, headers: { 'content-type': contentType } });
  }

  /**
   * The provider's configuration, its clock set to `now` (a test's clock may run ahead of the wall
   * clock, as the sandbox's does; in production the two are the same).
   */
  async function configuration(provider: ProviderKind): Promise<oidc.Configuration> {
    const { clientId, clientSecret } = settings[provider];
    const fetchProvider = fetchFor(provider);
    const metadata: Partial<oidc.ClientMetadata> = {
      client_secret: clientSecret,
      [oidc.clockSkew]: Math.round((now() - Date.now()) / 1000),
    };
    try {
      return await oidc.discovery(
        servers[provider],
        clientId,
        metadata,
        oidc.ClientSecretPost(clientSecret),
        {
          [oidc.customFetch]: (url, options) =>
            url.includes('/.well-known/openid-configuration')
              ? discoveryResponse(provider, url, options)
              : fetchProvider(url, options),
          ...(insecure[provider] ? { execute: [oidc.allowInsecureRequests] } : {}),
        },
      );
    } catch (error) {
      throw new ProviderError(
        'transient',
        provider,
        `OpenID discovery failed: ${(error as Error).message}`,
        {},
        { cause: error },
      );
    }
  }

  function mapError(provider: ProviderKind, error: unknown): never {
    if (error instanceof oidc.ResponseBodyError) {
      const body = { error: error.error, error_description: error.error_description ?? '' };
      throw provider === 'google'
        ? googleError(error.status, body, null, now(), error)
        : graphError(error.status, body, null, now(), error);
    }
    if (isProviderError(error)) throw error;
    // The library refused what the provider answered (an id_token for another client or issuer,
    // expired, malformed): asking again will not change it.
    if (error instanceof oidc.ClientError && error.code !== 'OAUTH_TIMEOUT' && error.code !== 'OAUTH_ABORT')
      throw new ProviderError(
        'permanent',
        provider,
        `OAuth response refused: ${error.message}`,
        {},
        { cause: error },
      );
    throw new ProviderError(
      'transient',
      provider,
      `OAuth request failed: ${(error as Error).message}`,
      {},
      { cause: error },
    );
  }

  function toTokenSet(tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers): TokenSet {
    return {
      accessToken: tokens.access_token,
      ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
      expiresAt: now() + (tokens.expiresIn() ?? 3600) * 1000,
      scopes: tokens.scope ? tokens.scope.split(' ').filter(Boolean) : [],
    };
  }

  return {
    async authorizationUrl(provider: ProviderKind, state: string, codeVerifier: string): Promise<URL> {
      const config = await configuration(provider);
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirect(provider),
        response_type: 'code',
        scope: OAUTH_SCOPES[provider].join(' '),
        state,
        code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        // A refresh token on every consent, and earlier grants kept (PROVIDERS.md §1).
        ...(provider === 'google'
          ? { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' }
          : {}),
      });
      const browserBase = provider === 'microsoft' ? settings.microsoft.browserLoginBaseUrl : undefined;
      if (browserBase && url.href.startsWith(microsoftBase))
        return new URL(`${trim(browserBase)}${url.href.slice(microsoftBase.length)}`);
      return url;
    },

    /** The route has checked `state` against the browser's own; this exchanges the code. */
    async exchangeCode(
      provider: ProviderKind,
      code: string,
      codeVerifier: string,
    ): Promise<TokenSet & { identity: OAuthIdentity }> {
      const config = await configuration(provider);
      const callback = new URL(redirect(provider));
      callback.searchParams.set('code', code);
      const tokens = await oidc
        .authorizationCodeGrant(config, callback, { pkceCodeVerifier: codeVerifier, idTokenExpected: true })
        .catch((e: unknown) => mapError(provider, e));
      // Issuer, audience, expiry and signature algorithm were checked by the library.
      const identity = identityFromClaims(provider, { ...tokens.claims() });
      if (!identity) throw new ProviderError('permanent', provider, 'id_token lacks an issuer or a subject');
      return { ...toTokenSet(tokens), identity };
    },

    /** Microsoft rotates the refresh token on every refresh: callers must store the new one. */
    async refresh(provider: ProviderKind, refreshToken: string): Promise<TokenSet> {
      const config = await configuration(provider);
      const tokens = await oidc
        .refreshTokenGrant(config, refreshToken)
        .catch((e: unknown) => mapError(provider, e));
      return toTokenSet(tokens);
    },

    /** Google has an RFC 7009 revocation endpoint; Microsoft has none (tokens are dropped on our side). */
    async revoke(provider: ProviderKind, token: string): Promise<void> {
      const config = await configuration(provider);
      if (!config.serverMetadata().revocation_endpoint) return;
      await oidc.tokenRevocation(config, token).catch((e: unknown) => mapError(provider, e));
    },
  };
}

export type OAuth = ReturnType<typeof createOAuth>;
