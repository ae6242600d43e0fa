// Entry point of the Microsoft emulation (identity platform v2 + Graph v1.0); built in src/microsoft/.
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxCore } from '../core/types.js';

export const microsoftPlugin: FastifyPluginAsync<{ core: SandboxCore }> = async () => {};
