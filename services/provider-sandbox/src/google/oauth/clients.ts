/**
 * OAuth clients the Google emulation knows. The default client (the one @frontload/config defaults to)
 * accepts any loopback redirect URI — http://localhost, 127.0.0.1 or [::1] on any port and path — the
 * way Google treats loopback redirects of installed-app clients, so `npm start` and tests on random ports
 * need no registration. Other clients, registered through the control API, match redirect URIs exactly.
 */
export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
  allowLoopback: boolean;
}

export const DEFAULT_CLIENT: OAuthClient = {
  clientId: 'frontload-local',
  clientSecret: 'frontload-local-secret',
  redirectUris: [],
  allowLoopback: true,
};

export interface ClientRegistry {
  get(clientId: string): OAuthClient | undefined;
  register(client: Omit<OAuthClient, 'allowLoopback'> & { allowLoopback?: boolean }): OAuthClient;
  list(): OAuthClient[];
  reset(): void;
}

export function createClientRegistry(): ClientRegistry {
  const clients = new Map<string, OAuthClient>();
  const reset = () => {
    clients.clear();
    clients.set(DEFAULT_CLIENT.clientId, { ...DEFAULT_CLIENT, redirectUris: [] });
  };
  reset();
  return {
    get: (clientId) => clients.get(clientId),
    register(input) {
      const existing = clients.get(input.clientId);
      const client: OAuthClient = {
        clientId: input.clientId,
        clientSecret: input.clientSecret,
        redirectUris: [...new Set([...(existing?.redirectUris ?? []), ...input.redirectUris])],
        allowLoopback: input.allowLoopback ?? existing?.allowLoopback ?? false,
      };
      clients.set(client.clientId, client);
      return client;
    },
    list: () => [...clients.values()],
    reset,
  };
}

export function redirectAllowed(client: OAuthClient, redirectUri: string): boolean {
  if (client.redirectUris.includes(redirectUri)) return true;
  if (!client.allowLoopback) return false;
  try {
    const url = new URL(redirectUri);
    return (
      url.protocol === 'http:' &&
      ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) &&
      url.hash === ''
    );
  } catch {
    return false;
  }
}
