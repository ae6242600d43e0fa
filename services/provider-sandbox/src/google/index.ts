// Entry point of the Google emulation (OAuth 2.0 + OIDC + Calendar v3); built in src/google/.
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxCore } from '../core/types.js';

export const googlePlugin: FastifyPluginAsync<{ core: SandboxCore }> = async () => {};
