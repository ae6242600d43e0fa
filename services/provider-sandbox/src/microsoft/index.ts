/**
 * Entry point of the Microsoft emulation: identity platform v2 under /{tenant}/oauth2/v2.0 and Graph
 * v1.0 under /v1.0, wire-compatible with @microsoft/microsoft-graph-client and standard OAuth clients.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { SandboxCore } from '../core/types.js';
import { authenticate } from './auth.js';
import type { MicrosoftContext } from './context.js';
import { registerCalendarRoutes } from './calendar-routes.js';
import { microsoftControl } from './control.js';
import { DeltaTokens, registerDeltaRoutes } from './delta.js';
import { seedMicrosoftDemo } from './demo-seed.js';
import { EventService } from './event-service.js';
import { registerEventRoutes } from './events-routes.js';
import { installGraphErrors } from './graph-errors.js';
import { registerMeRoutes } from './me-routes.js';
import { OAuthGrants } from './oauth-grants.js';
import { oauthRoutes } from './oauth.js';
import { createEntraKeys } from './oidc.js';
import { registerResponseRoutes } from './responses.js';
import { registerScheduleRoutes } from './schedule.js';
import { calendarIdOf, MicrosoftStore } from './store.js';
import { notFound } from './errors.js';
import { registerSubscriptionRoutes, SubscriptionService } from './subscriptions.js';

export const microsoftPlugin: FastifyPluginAsync<{ core: SandboxCore }> = async (app, { core }) => {
  const store = new MicrosoftStore();
  const ctx: MicrosoftContext = { core, store, events: new EventService(core, store) };
  const deltaTokens = new DeltaTokens();
  const subscriptions = new SubscriptionService(ctx);
  const grants = new OAuthGrants(core);
  await app.register(oauthRoutes, { core, grants, keys: await createEntraKeys(core) });
  await app.register(
    async (graph: FastifyInstance) => {
      installGraphErrors(graph, core);
      // Authentication comes before body parsing, as Graph answers 401 before looking at the payload.
      graph.addHook('onRequest', async (request) => {
        const caller = authenticate(core, request);
        // Each mailbox has one calendar: /me/calendars/{id} must name it.
        const { calendarId } = request.params as { calendarId?: string };
        if (calendarId !== undefined && calendarId !== calendarIdOf(caller.account.id)) throw notFound();
      });
      registerMeRoutes(graph, ctx);
      registerCalendarRoutes(graph, ctx);
      registerEventRoutes(graph, ctx);
      registerResponseRoutes(graph, ctx);
      registerDeltaRoutes(graph, ctx, deltaTokens);
      registerScheduleRoutes(graph, ctx);
      registerSubscriptionRoutes(graph, ctx, subscriptions);
    },
    { prefix: '/v1.0' },
  );
  core.registerProvider(
    'microsoft',
    microsoftControl({ ctx, deltaTokens, subscriptions, grants, seedDemo: () => seedMicrosoftDemo(ctx) }),
  );
};
