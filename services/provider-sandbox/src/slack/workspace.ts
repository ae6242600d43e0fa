/**
 * The Slack emulation's state: one workspace, its users, the OAuth app, authorization codes, user
 * tokens, direct-message channels and scheduled messages. Time reads the sandbox clock; a scheduled
 * message counts as sent once the clock has passed its `post_at`.
 */
import { randomBytes } from 'node:crypto';
import type { SandboxClock } from '../core/types.js';

export const TEAM = { id: 'T0FRONTLD', name: 'Frontload Demo', domain: 'frontload-demo' } as const;
export const APP_ID = 'A0FRONTLD1';
/** The one OAuth app the sandbox knows (the same pair as the Google local client). */
export const SLACK_CLIENT = { id: 'frontload-local', secret: 'frontload-local-secret' } as const;
/** Slack's documented limit for chat.scheduleMessage. */
export const MAX_SCHEDULE_AHEAD_SECONDS = 120 * 24 * 3600;
/** Slack's codes are temporary (no published lifetime); the sandbox keeps them ten minutes. */
const CODE_LIFETIME_MS = 10 * 60 * 1000;

export interface SlackUser {
  id: string;
  /** Slack's `name` (the handle). */
  name: string;
  realName: string;
  email: string;
  tz: string;
}

export interface SlackToken {
  token: string;
  userId: string;
  scopes: string[];
  revoked: boolean;
}

export interface PendingAuthorization {
  id: string;
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  userScopes: string[];
}

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  userId: string;
  userScopes: string[];
  expiresAtMs: number;
}

export type MessageState = 'scheduled' | 'sent' | 'deleted';

export interface SlackMessage {
  /** `scheduled_message_id` (Q…) for scheduled messages, the message `ts` for posted ones. */
  id: string;
  channel: string;
  fromUserId: string;
  /** The other member of the DM, when the channel is one. */
  toUserId: string | undefined;
  text: string;
  postAt: number;
  dateCreated: number;
  state: MessageState;
  /** Epoch seconds it was sent or deleted at (sandbox clock). */
  settledAt?: number;
}

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const slackId = (prefix: string, length = 10) => {
  const bytes = randomBytes(length);
  return prefix + [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
};
const handleOf = (email: string) => email.split('@')[0]?.replace(/[^a-z0-9._-]/gi, '') ?? email;

export class SlackWorkspace {
  private users = new Map<string, SlackUser>();
  private tokens = new Map<string, SlackToken>();
  private pending = new Map<string, PendingAuthorization>();
  private codes = new Map<string, IssuedCode>();
  /** `U1,U2` (sorted) → D… channel id, and back. */
  private dms = new Map<string, string>();
  private dmMembers = new Map<string, [string, string]>();
  private messages: SlackMessage[] = [];

  constructor(private readonly clock: SandboxClock) {}

  nowSeconds(): number {
    return Math.floor(this.clock.nowMs() / 1000);
  }

  addUser(input: { email: string; realName: string; name?: string; id?: string; tz?: string }): SlackUser {
    const email = input.email.toLowerCase();
    if (this.byEmail(email)) throw new SlackConflictError(`a Slack user with email ${email} exists`);
    const id = input.id ?? slackId('U');
    if (this.users.has(id)) throw new SlackConflictError(`Slack user ${id} exists`);
    const user: SlackUser = {
      id,
      name: input.name ?? handleOf(email),
      realName: input.realName,
      email,
      tz: input.tz ?? 'Europe/Berlin',
    };
    this.users.set(id, user);
    return user;
  }

  user(id: string): SlackUser | undefined {
    return this.users.get(id);
  }

  byEmail(email: string): SlackUser | undefined {
    const wanted = email.toLowerCase();
    return [...this.users.values()].find((u) => u.email === wanted);
  }

  listUsers(): SlackUser[] {
    return [...this.users.values()];
  }

  startAuthorization(input: Omit<PendingAuthorization, 'id'>): PendingAuthorization {
    const pending = { ...input, id: randomBytes(12).toString('base64url') };
    this.pending.set(pending.id, pending);
    return pending;
  }

  takeAuthorization(id: string): PendingAuthorization | undefined {
    const pending = this.pending.get(id);
    this.pending.delete(id);
    return pending;
  }

  issueCode(pending: PendingAuthorization, userId: string): string {
    const code = `${TEAM.id.slice(1)}.${randomBytes(16).toString('hex')}`;
    this.codes.set(code, {
      clientId: pending.clientId,
      redirectUri: pending.redirectUri,
      userId,
      userScopes: pending.userScopes,
      expiresAtMs: this.clock.nowMs() + CODE_LIFETIME_MS,
    });
    return code;
  }

  /** A code is good once: used, expired or unknown, it is `undefined`. */
  redeemCode(code: string): IssuedCode | undefined {
    const issued = this.codes.get(code);
    this.codes.delete(code);
    if (!issued || issued.expiresAtMs <= this.clock.nowMs()) return undefined;
    return issued;
  }

  issueToken(userId: string, scopes: string[]): SlackToken {
    const token: SlackToken = {
      token: `xoxp-${randomBytes(24).toString('hex')}`,
      userId,
      scopes: [...scopes],
      revoked: false,
    };
    this.tokens.set(token.token, token);
    return token;
  }

  token(value: string): SlackToken | undefined {
    return this.tokens.get(value);
  }

  /** Revokes every token of a user (control API: "the user removed the app"). */
  revokeUser(userId: string): number {
    let count = 0;
    for (const token of this.tokens.values()) {
      if (token.userId === userId && !token.revoked) {
        token.revoked = true;
        count += 1;
      }
    }
    return count;
  }

  /** The one DM channel between two users: the same id every time, whoever opens it. */
  openDm(a: string, b: string): string {
    const key = [a, b].sort().join(',');
    let id = this.dms.get(key);
    if (!id) {
      id = slackId('D');
      this.dms.set(key, id);
      this.dmMembers.set(id, [a, b]);
    }
    return id;
  }

  dmMembersOf(channel: string): [string, string] | undefined {
    return this.dmMembers.get(channel);
  }

  /** Whether `userId` may post to `channel` (the sandbox has DM channels only). */
  canPost(userId: string, channel: string): boolean {
    return this.dmMembers.get(channel)?.includes(userId) ?? false;
  }

  private otherMember(channel: string, userId: string): string | undefined {
    const members = this.dmMembers.get(channel);
    if (!members) return undefined;
    return members[0] === userId ? members[1] : members[0];
  }

  schedule(fromUserId: string, channel: string, text: string, postAt: number): SlackMessage {
    const message: SlackMessage = {
      id: slackId('Q'),
      channel,
      fromUserId,
      toUserId: this.otherMember(channel, fromUserId),
      text,
      postAt,
      dateCreated: this.nowSeconds(),
      state: 'scheduled',
    };
    this.messages.push(message);
    return message;
  }

  post(fromUserId: string, channel: string, text: string): SlackMessage {
    const nowMs = this.clock.nowMs();
    const message: SlackMessage = {
      id: `${Math.floor(nowMs / 1000)}.${String((nowMs % 1000) * 1000 + this.messages.length).padStart(6, '0')}`,
      channel,
      fromUserId,
      toUserId: this.otherMember(channel, fromUserId),
      text,
      postAt: Math.floor(nowMs / 1000),
      dateCreated: Math.floor(nowMs / 1000),
      state: 'sent',
      settledAt: Math.floor(nowMs / 1000),
    };
    this.messages.push(message);
    return message;
  }

  /** Marks every scheduled message whose `post_at` the clock has reached as sent. */
  settle(): void {
    const now = this.nowSeconds();
    for (const message of this.messages) {
      if (message.state === 'scheduled' && message.postAt <= now) {
        message.state = 'sent';
        message.settledAt = message.postAt;
      }
    }
  }

  /** Pending scheduled messages of a user, oldest `post_at` first. */
  pendingOf(userId: string, channel?: string): SlackMessage[] {
    this.settle();
    return this.messages
      .filter((m) => m.state === 'scheduled' && m.fromUserId === userId)
      .filter((m) => channel === undefined || m.channel === channel)
      .sort((a, b) => a.postAt - b.postAt || a.dateCreated - b.dateCreated);
  }

  /** Deletes a pending message; false when unknown, someone else's, already sent or deleted. */
  deleteScheduled(userId: string, channel: string, id: string): boolean {
    this.settle();
    const message = this.messages.find((m) => m.id === id && m.channel === channel);
    if (!message || message.fromUserId !== userId || message.state !== 'scheduled') return false;
    message.state = 'deleted';
    message.settledAt = this.nowSeconds();
    return true;
  }

  allMessages(): SlackMessage[] {
    this.settle();
    return this.messages.map((m) => ({ ...m }));
  }

  reset(): void {
    this.users.clear();
    this.tokens.clear();
    this.pending.clear();
    this.codes.clear();
    this.dms.clear();
    this.dmMembers.clear();
    this.messages = [];
  }
}

export class SlackConflictError extends Error {
  override name = 'SlackConflictError';
}
