/**
 * The sandbox as one Fastify instance built from explicit options (no env reads), so tests start it
 * in-process and main.ts starts it from the parsed config.
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance, type FastifyPluginAsync, type FastifyServerOptions } from 'fastify';
import type { ClockMode } from './core/clock.js';
import { controlRoutes } from './core/control-routes.js';
import { createSandboxCore, type SandboxRuntime } from './core/create-core.js';
import { installProviderHooks } from './core/request-hooks.js';
import type { ProviderKind, SandboxCore } from './core/types.js';
import { googlePlugin } from './google/index.js';
import { microsoftPlugin } from './microsoft/index.js';
import { slackPlugin } from './slack/index.js';

export interface SandboxOptions {
  publicUrl: string;
  /** Where browsers reach the sandbox (authorize pages), when not at `publicUrl`. */
  browserUrl?: string | undefined;
  controlEnabled: boolean;
  allowHttpPush: boolean;
  seedDemo: boolean;
  logger?: FastifyServerOptions['logger'];
  /** Initial sandbox time (epoch ms); defaults to the wall clock at start. */
  startAtMs?: number;
  /** `frozen` (default, tests): time moves only through the control API; `flowing`: with the wall clock. */
  clockMode?: ClockMode;
  /** Seed of the generator behind rate-based faults. */
  faultSeed?: number;
  /** Called before the app is ready, e.g. for a test to add hooks that capture responses. */
  configure?: (app: FastifyInstance) => void;
}

export async function buildSandbox(
  options: SandboxOptions,
): Promise<{ app: FastifyInstance; core: SandboxRuntime }> {
  const core = createSandboxCore({
    publicUrl: options.publicUrl,
    browserUrl: options.browserUrl,
    controlEnabled: options.controlEnabled,
    allowHttpPush: options.allowHttpPush,
    startAtMs: options.startAtMs ?? Date.now(),
    ...(options.clockMode === undefined ? {} : { clockMode: options.clockMode }),
    ...(options.faultSeed === undefined ? {} : { faultSeed: options.faultSeed }),
  });
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    // Control bodies are validated strictly: unknown properties are an error, never silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  });
  if (options.controlEnabled) {
    await app.register(swagger, {
      openapi: {
        info: { title: 'Frontload provider sandbox control API', version: '1.0.0' },
        tags: [{ name: 'sandbox', description: 'Accounts, seeding, clock, faults, request log, reset' }],
      },
      // Only the control API is ours to document; the provider routes are Google's, Microsoft's and Slack's.
      hideUntagged: true,
    });
  }
  await registerProvider(app, core, 'google', googlePlugin);
  await registerProvider(app, core, 'microsoft', microsoftPlugin);
  await registerProvider(app, core, 'slack', slackPlugin);
  if (options.controlEnabled) {
    await app.register(controlRoutes, { core });
    app.get('/_sandbox/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  }
  app.addHook('onClose', async () => core.push.idle());
  options.configure?.(app);
  await app.ready();
  if (options.seedDemo) for (const [, control] of core.providers()) control.seedDemo?.();
  return { app, core };
}

async function registerProvider(
  app: FastifyInstance,
  core: SandboxRuntime,
  kind: ProviderKind,
  plugin: FastifyPluginAsync<{ core: SandboxCore }>,
) {
  // Each provider lives in its own encapsulated scope so its hooks, parsers and error handler stay its own.
  await app.register(async (scope) => {
    installProviderHooks(scope, core, kind);
    await scope.register(plugin, { core });
  });
}
