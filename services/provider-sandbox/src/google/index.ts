// Entry point of the Google emulation (OAuth 2.0 + OIDC + Calendar v3).
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxCore } from '../core/types.js';
import { ChannelRegistry } from './calendar/channels.js';
import { PageBook } from './calendar/list.js';
import { calendarRoutes } from './calendar/routes-calendars.js';
import { eventRoutes } from './calendar/routes-events.js';
import { CalendarStore } from './calendar/store.js';
import { createGoogleControl } from './control.js';
import { googleControlRoutes } from './control-routes.js';
import { gerr, installGoogleErrorHandler } from './errors.js';
import { createClientRegistry } from './oauth/clients.js';
import { registerGoogleOAuth } from './oauth/index.js';

export const googlePlugin: FastifyPluginAsync<{ core: SandboxCore }> = async (scope, { core }) => {
  installGoogleErrorHandler(scope);
  // Google's JSON parser: an empty body is no body (DELETE and channels.stop send none), bad JSON is parseError.
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(gerr.parseError(), undefined);
    }
  });
  const clients = createClientRegistry();
  const book = await registerGoogleOAuth(scope, core, clients);
  const store = new CalendarStore((email) => core.accounts.byEmail('google', email) !== undefined);
  const pages = new PageBook();
  const channels = new ChannelRegistry(core);
  store.onChange((calendar) => channels.notify(calendar));
  const deps = { core, store };
  calendarRoutes(scope, deps);
  eventRoutes(scope, deps, pages, channels);
  if (core.controlEnabled) googleControlRoutes(scope, clients);
  core.registerProvider('google', createGoogleControl({ deps, pages, channels, clients, book }));
};
