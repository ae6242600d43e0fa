/** The Microsoft side of the sandbox control API (seed, invalidate delta links, dump, reset, fault bodies). */
import { randomUUID } from 'node:crypto';
import type { ProviderControl } from '../core/types.js';
import type { MicrosoftContext } from './context.js';
import type { DeltaTokens } from './delta.js';
import { graphErrorBody } from './errors.js';
import { EventInputSchema, type EventInput } from './event-schema.js';
import type { OAuthGrants } from './oauth-grants.js';
import { serializeEvent, UTC_OUTPUT } from './serialize.js';
import type { SubscriptionService } from './subscriptions.js';
import { readBody } from './validate.js';
import { masterView } from './views.js';

/** Graph's code and message for a status an injected fault answers with. */
const FAULTS: Record<number, [string, string]> = {
  400: ['BadRequest', 'Invalid request.'],
  401: ['InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'],
  403: ['ErrorAccessDenied', 'Access is denied. Check credentials and try again.'],
  404: ['ErrorItemNotFound', 'The specified object was not found in the store.'],
  409: [
    'ErrorIrresolvableConflict',
    'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
  ],
  410: ['SyncStateNotFound', 'The sync state generation is not found.'],
  412: [
    'ErrorIrresolvableConflict',
    'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
  ],
  500: ['InternalServerError', 'An internal server error occurred. The operation failed.'],
  503: ['ServiceNotAvailable', 'The service is temporarily unavailable. Please retry later.'],
  504: ['UnknownError', ''],
};

export interface ControlDeps {
  ctx: MicrosoftContext;
  deltaTokens: DeltaTokens;
  subscriptions: SubscriptionService;
  grants: OAuthGrants;
  seedDemo: () => void;
}

export function microsoftControl(deps: ControlDeps): ProviderControl {
  const { ctx } = deps;
  return {
    seedEvents(accountId, events) {
      const account = ctx.core.accounts.get(accountId);
      if (account?.provider !== 'microsoft')
        throw new Error(`account ${accountId} is not a Microsoft account`);
      // Validate everything first so a bad item seeds nothing.
      const inputs = events.map((e) => readBody<EventInput>(EventInputSchema, e, 'microsoft.graph.event'));
      for (const input of inputs) ctx.events.create(account, input);
      return { created: inputs.length };
    },
    invalidateSyncTokens(accountId) {
      ctx.store.invalidate(accountId);
    },
    dumpEvents(accountId) {
      return ctx.store
        .list(accountId)
        .map((e) => serializeEvent(masterView(e), UTC_OUTPUT, ctx.core.baseUrl()));
    },
    reset() {
      ctx.store.reset();
      deps.deltaTokens.clear();
      deps.subscriptions.reset();
      deps.grants.reset();
    },
    faultResponse(status, retryAfterSeconds) {
      const [code, message] = FAULTS[status] ?? ['UnknownError', 'An unknown error has occurred.'];
      const requestId = randomUUID();
      const throttled = status === 429 || status === 503;
      return {
        body: graphErrorBody(
          status,
          code,
          message,
          { requestId, clientRequestId: requestId },
          ctx.core.clock.nowMs(),
        ),
        headers: {
          'content-type': 'application/json',
          'request-id': requestId,
          'client-request-id': requestId,
          // Graph always tells throttled clients how long to wait (PROVIDERS.md §7, M-THROTG).
          ...(throttled ? { 'retry-after': String(retryAfterSeconds ?? 2) } : {}),
        },
      };
    },
    seedDemo: deps.seedDemo,
  };
}
