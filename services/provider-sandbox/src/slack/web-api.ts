/**
 * The Slack Web API subset under /slack/api: every method answers HTTP 200 with `ok: false` and an
 * error code on failure (as Slack does), reads its arguments from the query string, a form body or a
 * JSON body, and the token from `Authorization: Bearer` or a `token` argument.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SandboxCore } from '../core/types.js';
import {
  MAX_SCHEDULE_AHEAD_SECONDS,
  TEAM,
  type SlackToken,
  type SlackUser,
  type SlackWorkspace,
} from './workspace.js';

export type Params = Record<string, string>;

/** An `ok: false` answer (HTTP 200). */
export class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

export function paramsOf(request: FastifyRequest): Params {
  const merged: Params = {};
  for (const source of [request.query, request.body]) {
    if (source === null || typeof source !== 'object') continue;
    for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
      if (value === undefined || value === null) continue;
      merged[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  return merged;
}

function bearer(request: FastifyRequest, params: Params): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1] ?? params.token;
}

export interface Caller {
  token: SlackToken;
  user: SlackUser;
  params: Params;
}

type Handler = (caller: Caller) => Record<string, unknown>;

/** Registers `POST /slack/api/<name>` (and GET, which Slack also accepts) behind token and scope checks. */
function method(
  scope: FastifyInstance,
  core: SandboxCore,
  workspace: SlackWorkspace,
  name: string,
  needed: string | undefined,
  handler: Handler,
) {
  scope.route({
    method: ['GET', 'POST'],
    url: `/slack/api/${name}`,
    handler: async (request) => {
      const params = paramsOf(request);
      const value = bearer(request, params);
      if (value === undefined || value === '') throw new SlackApiError('not_authed');
      const token = workspace.token(value);
      if (!token) throw new SlackApiError('invalid_auth');
      core.log.noteAccount(request, token.userId);
      if (token.revoked) throw new SlackApiError('token_revoked');
      const user = workspace.user(token.userId);
      if (!user) throw new SlackApiError('account_inactive');
      if (needed !== undefined && !token.scopes.includes(needed)) {
        throw new SlackApiError('missing_scope', { needed, provided: token.scopes.join(',') });
      }
      return { ok: true, ...handler({ token, user, params }) };
    },
  });
}

const required = (params: Params, key: string, error = 'invalid_arguments'): string => {
  const value = params[key]?.trim();
  if (value === undefined || value === '') throw new SlackApiError(error);
  return value;
};

function tzLabel(zone: string, atMs: number): { tz_label: string; tz_offset: number } {
  const date = new Date(atMs);
  const label =
    new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'long' })
      .formatToParts(date)
      .find((p) => p.type === 'timeZoneName')?.value ?? zone;
  const local = new Date(date.toLocaleString('en-US', { timeZone: zone }));
  const utc = new Date(date.toLocaleString('en-US', { timeZone: 'UTC' }));
  return { tz_label: label, tz_offset: Math.round((local.getTime() - utc.getTime()) / 1000) };
}

/** A Slack user object with the members of Slack's documented users.lookupByEmail sample. */
export function userObject(user: SlackUser, nowMs: number, baseUrl: string) {
  const avatar = `${baseUrl}/slack/avatars/${user.id}.png`;
  return {
    id: user.id,
    team_id: TEAM.id,
    name: user.name,
    deleted: false,
    color: '9f69e7',
    real_name: user.realName,
    tz: user.tz,
    ...tzLabel(user.tz, nowMs),
    profile: {
      avatar_hash: user.id.toLowerCase().slice(0, 12),
      status_text: '',
      status_emoji: '',
      real_name: user.realName,
      display_name: user.name,
      real_name_normalized: user.realName,
      display_name_normalized: user.name,
      email: user.email,
      image_24: avatar,
      image_32: avatar,
      image_48: avatar,
      image_72: avatar,
      image_192: avatar,
      image_512: avatar,
      team: TEAM.id,
    },
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: false,
    updated: 1_700_000_000,
    is_app_user: false,
    has_2fa: false,
  };
}

const encodeCursor = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64');
function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match?.[1]) throw new SlackApiError('invalid_cursor');
  return Number(match[1]);
}

function postAtOf(params: Params, now: number): number {
  const raw = required(params, 'post_at', 'invalid_time');
  if (!/^\d+(\.\d+)?$/.test(raw)) throw new SlackApiError('invalid_time');
  const postAt = Math.floor(Number(raw));
  if (postAt <= now) throw new SlackApiError('time_in_past');
  if (postAt > now + MAX_SCHEDULE_AHEAD_SECONDS) throw new SlackApiError('time_too_far');
  return postAt;
}

function messageText(params: Params): string {
  const text = params.text ?? '';
  if (text.trim() === '' && !params.blocks && !params.attachments) throw new SlackApiError('no_text');
  return text;
}

/** chat.scheduledMessages.list: the caller's pending messages, oldest post_at first, in cursor pages. */
function listScheduled(workspace: SlackWorkspace, caller: Caller) {
  const { params } = caller;
  const channel = params.channel === undefined || params.channel === '' ? undefined : params.channel;
  if (channel !== undefined && !workspace.canPost(caller.user.id, channel)) {
    throw new SlackApiError('invalid_channel');
  }
  const oldest = params.oldest ? Number(params.oldest) : undefined;
  const latest = params.latest ? Number(params.latest) : undefined;
  const limit = Math.min(Math.max(Number(params.limit ?? '100') || 100, 1), 1000);
  const offset = decodeCursor(params.cursor);
  const all = workspace
    .pendingOf(caller.user.id, channel)
    .filter(
      (m) => (oldest === undefined || m.postAt >= oldest) && (latest === undefined || m.postAt <= latest),
    );
  const page = all.slice(offset, offset + limit);
  return {
    scheduled_messages: page.map((m) => ({
      id: m.id,
      channel_id: m.channel,
      post_at: m.postAt,
      date_created: m.dateCreated,
      text: m.text,
    })),
    response_metadata: { next_cursor: offset + limit < all.length ? encodeCursor(offset + limit) : '' },
  };
}

type Add = (name: string, needed: string | undefined, handler: Handler) => void;

export function registerWebApi(scope: FastifyInstance, core: SandboxCore, workspace: SlackWorkspace) {
  const add: Add = (name, needed, handler) => method(scope, core, workspace, name, needed, handler);
  registerIdentityMethods(add, core, workspace);
  registerChatMethods(add, workspace);
  // Any other method name: Slack answers `unknown_method`.
  scope.route({
    method: ['GET', 'POST'],
    url: '/slack/api/*',
    handler: async () => {
      throw new SlackApiError('unknown_method');
    },
  });
}

/** auth.test, auth.revoke, users.lookupByEmail, conversations.open. */
function registerIdentityMethods(add: Add, core: SandboxCore, workspace: SlackWorkspace) {
  add('auth.test', undefined, ({ user }) => ({
    url: `https://${TEAM.domain}.slack.com/`,
    team: TEAM.name,
    user: user.name,
    team_id: TEAM.id,
    user_id: user.id,
  }));

  add('auth.revoke', undefined, ({ token, params }) => {
    // `test=true` reports what would happen without revoking.
    if (params.test !== 'true' && params.test !== '1') token.revoked = true;
    return { revoked: true };
  });

  add('users.lookupByEmail', 'users:read.email', ({ params }) => {
    const found = workspace.byEmail(required(params, 'email', 'users_not_found'));
    if (!found) throw new SlackApiError('users_not_found');
    return { user: userObject(found, core.clock.nowMs(), core.baseUrl()) };
  });

  add('conversations.open', 'im:write', ({ user, params }) => {
    if (params.channel !== undefined && params.channel !== '') {
      if (!workspace.canPost(user.id, params.channel)) throw new SlackApiError('channel_not_found');
      return { channel: { id: params.channel } };
    }
    const others = required(params, 'users', 'users_list_not_supplied')
      .split(',')
      .map((u) => u.trim())
      .filter((u) => u !== '');
    // Group DMs (several users) are not emulated.
    if (others.length !== 1 || others[0] === undefined) throw new SlackApiError('not_implemented');
    if (!workspace.user(others[0])) throw new SlackApiError('user_not_found');
    return { channel: { id: workspace.openDm(user.id, others[0]) } };
  });
}

/** chat.scheduleMessage, chat.scheduledMessages.list, chat.deleteScheduledMessage, chat.postMessage. */
function registerChatMethods(add: Add, workspace: SlackWorkspace) {
  const ownChannel = (caller: Caller, error = 'channel_not_found') => {
    const channel = required(caller.params, 'channel', error);
    if (!workspace.canPost(caller.user.id, channel)) throw new SlackApiError(error);
    return channel;
  };

  add('chat.scheduleMessage', 'chat:write', (caller) => {
    const channel = ownChannel(caller);
    const text = messageText(caller.params);
    const postAt = postAtOf(caller.params, workspace.nowSeconds());
    const message = workspace.schedule(caller.user.id, channel, text, postAt);
    return {
      channel,
      scheduled_message_id: message.id,
      post_at: message.postAt,
      message: { text: message.text, type: 'delayed_message', user: caller.user.id, team: TEAM.id },
    };
  });

  add('chat.scheduledMessages.list', undefined, (caller) => listScheduled(workspace, caller));

  add('chat.deleteScheduledMessage', 'chat:write', (caller) => {
    const channel = ownChannel(caller);
    const id = required(caller.params, 'scheduled_message_id', 'invalid_scheduled_message_id');
    if (!workspace.deleteScheduled(caller.user.id, channel, id)) {
      throw new SlackApiError('invalid_scheduled_message_id');
    }
    return {};
  });

  add('chat.postMessage', 'chat:write', (caller) => {
    const channel = ownChannel(caller);
    const message = workspace.post(caller.user.id, channel, messageText(caller.params));
    return {
      channel,
      ts: message.id,
      message: { type: 'message', text: message.text, user: caller.user.id, ts: message.id, team: TEAM.id },
    };
  });
}
