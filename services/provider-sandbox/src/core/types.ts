/**
 * The sandbox core contract. The provider emulations (src/google, src/microsoft, src/slack) are Fastify plugins
 * that receive a `SandboxCore` and use it for time, accounts, tokens, faults, the request log and push.
 * Nothing here knows about either provider's wire format.
 */
import type { FastifyRequest } from 'fastify';

/** The providers with calendars and sandbox accounts. */
export type CalendarProviderKind = 'google' | 'microsoft';
/** Every emulated provider (Slack has its own workspace model instead of sandbox accounts). */
export type ProviderKind = CalendarProviderKind | 'slack';

/** The sandbox's controllable "now". Every expiry, token lifetime and `updated` stamp reads it. */
export interface SandboxClock {
  /** Current sandbox time in epoch milliseconds. */
  nowMs(): number;
  /** Sets the clock (POST /_sandbox/clock). Moving backwards is refused. */
  set(epochMs: number): void;
  advance(ms: number): void;
  /** Called after every change of the clock (renewals, expiries and scheduled pushes react to it). */
  onChange(listener: (nowMs: number) => void): () => void;
}

export interface WorkingHours {
  /** ISO weekdays 1 (Monday) … 7 (Sunday). */
  days: number[];
  /** 'HH:MM' local to `timeZone` of the account. */
  start: string;
  end: string;
}

export interface SandboxAccount {
  id: string;
  provider: CalendarProviderKind;
  email: string;
  name: string;
  /** IANA zone (Google reports it as is; Graph reports the mapped Windows name). */
  timeZone: string;
  workingHours: WorkingHours;
  /** Google only: whether `eventType: focusTime` is allowed on this account's primary calendar. */
  focusTimeSupported: boolean;
  /**
   * Microsoft only: the Entra tenant (directory) the account belongs to, its id_token's `tid` and
   * issuer. Unset: the sandbox's one organisation tenant.
   */
  tenantId?: string;
}

export interface AccountStore {
  create(input: Omit<SandboxAccount, 'id'> & { id?: string }): SandboxAccount;
  get(id: string): SandboxAccount | undefined;
  byEmail(provider: ProviderKind, email: string): SandboxAccount | undefined;
  list(provider?: ProviderKind): SandboxAccount[];
}

export interface IssuedGrant {
  accountId: string;
  provider: ProviderKind;
  clientId: string;
  scopes: string[];
}

/** Access and refresh tokens for both providers (opaque random strings; lifetimes read the clock). */
export interface TokenStore {
  issueAccessToken(grant: IssuedGrant, lifetimeSeconds: number): { token: string; expiresAtMs: number };
  issueRefreshToken(grant: IssuedGrant): string;
  /** undefined when unknown, expired or revoked. */
  verifyAccessToken(token: string): (IssuedGrant & { expiresAtMs: number }) | undefined;
  /** undefined when unknown or revoked. */
  useRefreshToken(token: string): IssuedGrant | undefined;
  /** Revokes one refresh token (and, when `cascade`, every access token issued from the same grant). */
  revokeRefreshToken(token: string, cascade?: boolean): boolean;
  /** Revokes every token of an account (fault injection: "refresh token died"). */
  revokeAccount(accountId: string): number;
  revokeAccessToken(token: string): boolean;
}

export interface RequestLogEntry {
  at: number;
  provider: ProviderKind | 'sandbox';
  method: string;
  /** The route pattern, e.g. `GET /calendar/v3/calendars/:calendarId/events`. */
  route: string;
  accountId?: string;
  status: number;
  /** Attendee emails the real provider would have sent for this request (Google sendUpdates, Graph invitations). */
  /** Mails the provider would send; a cancellation carries the organizer's note when there is one. */
  emailsSent?: { to: string; kind: 'invitation' | 'update' | 'cancellation'; message?: string }[];
  /** Set when a fault rule answered the request. */
  faultId?: string;
}

export interface RequestLog {
  record(entry: RequestLogEntry): void;
  /** Adds emails to the entry of the request being served (call from a route handler). */
  noteEmails(request: FastifyRequest, emails: NonNullable<RequestLogEntry['emailsSent']>): void;
  /** Tells the log which account the current request acts for (call once the token is verified). */
  noteAccount(request: FastifyRequest, accountId: string): void;
  entries(filter?: { accountId?: string; provider?: ProviderKind; sinceMs?: number }): RequestLogEntry[];
  counters(): Record<string, { apiCalls: number; emailsSent: number }>;
  clear(): void;
}

export interface FaultRule {
  id: string;
  provider?: ProviderKind;
  /** Route pattern as logged (`GET /calendar/v3/calendars/:calendarId/events`) or a prefix ending in `*`. */
  route: string;
  accountId?: string;
  /** Answer with this status and the provider-shaped error body for it. */
  status?: number;
  /** Apply to the next `count` matching requests, then expire. */
  count?: number;
  /** Apply to this share (0..1) of matching requests, drawn from a seeded generator. */
  rate?: number;
  latencyMs?: number;
  /** Never answer (the client times out). */
  timeout?: boolean;
  retryAfterSeconds?: number;
}

export interface FaultInjector {
  add(rule: Omit<FaultRule, 'id'>): FaultRule;
  list(): FaultRule[];
  remove(id: string): boolean;
  clear(): void;
  /** Push delivery faults: drop or duplicate the next `count` notifications of a provider/account. */
  setPushFault(fault: {
    provider?: ProviderKind;
    accountId?: string;
    mode: 'drop' | 'duplicate' | 'delay';
    count: number;
    delayMs?: number;
  }): void;
  /** Consumes a push fault if one matches; returns what to do with this notification. */
  takePushFault(
    provider: ProviderKind,
    accountId: string,
  ): { mode: 'drop' | 'duplicate' | 'delay'; delayMs?: number } | undefined;
}

/** A POST the sandbox makes to a subscriber (Google channel address, Graph notificationUrl). */
export interface PushRequest {
  provider: ProviderKind;
  accountId: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface PushDeliverer {
  /** Delivers (honouring push faults); resolves with the subscriber's status, or undefined when dropped/failed. */
  deliver(request: PushRequest): Promise<number | undefined>;
  /** Every delivery attempted, for tests and the request log. */
  delivered(): (PushRequest & { at: number; status?: number })[];
}

/** Hooks a provider plugin registers so the control API can act on provider state. */
export interface ProviderControl {
  /** Seeds events in the provider's own input shape (Google Event resource / Graph event). */
  seedEvents(accountId: string, events: unknown[]): { created: number };
  /** Invalidates every sync token / delta link of an account (next use answers 410). */
  invalidateSyncTokens(accountId: string): void;
  /** The account's calendar as the provider would list it (for tests and the demo). */
  dumpEvents(accountId: string): unknown[];
  reset(): void;
  /**
   * The provider-shaped error answer for an injected fault status (Google `{"error":{...}}`, Graph
   * `{"error":{"code":...}}`). Optional: without it the fault hook answers with a generic JSON body.
   */
  faultResponse?(
    status: number,
    retryAfterSeconds?: number,
    /** The route pattern the fault hit (`POST /token`), for providers whose error shape differs by host. */
    route?: string,
  ): { body: unknown; headers?: Record<string, string> };
  /** Loads this provider's demo accounts and their week (src/demo/tlm-week.ts), relative to the clock. */
  seedDemo?(): void;
}

export interface SandboxCore {
  clock: SandboxClock;
  accounts: AccountStore;
  tokens: TokenStore;
  log: RequestLog;
  faults: FaultInjector;
  push: PushDeliverer;
  /** Base URL servers reach the sandbox at (OIDC issuer, token endpoint, API links, resource URIs). */
  baseUrl(): string;
  /** Base URL a browser reaches the sandbox at (the authorize pages); `baseUrl()` unless set apart. */
  browserUrl(): string;
  /** Whether `/_sandbox` control routes are mounted. */
  controlEnabled: boolean;
  /** Allow http:// push addresses (local mode); otherwise only https:// like the real providers. */
  allowHttpPush: boolean;
  /** Provider plugins register themselves here for the control API. */
  registerProvider(kind: ProviderKind, control: ProviderControl): void;
  provider(kind: ProviderKind): ProviderControl | undefined;
}
