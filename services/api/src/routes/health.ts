/**
 * Liveness and readiness. `/healthz` answers as long as the process serves HTTP (a restart helps
 * nothing otherwise). `/readyz` checks each dependency with a short timeout and names the one
 * that is down, so a load balancer stops routing here until it is back — no restart needed.
 */
import type { FastifyInstance } from 'fastify';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 1_500;

async function runCheck({ name, check }: ReadinessCheck): Promise<[string, { ok: boolean; error?: string }]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return [name, { ok: true }];
  } catch (error) {
    return [name, { ok: false, error: error instanceof Error ? error.message : String(error) }];
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(checks: ReadinessCheck[]) {
  return async (app: FastifyInstance) => {
    app.get('/healthz', { logLevel: 'warn' }, async () => ({ status: 'ok' }));
    app.get('/readyz', { logLevel: 'warn' }, async (_request, reply) => {
      const results = Object.fromEntries(await Promise.all(checks.map(runCheck)));
      const down = Object.entries(results)
        .filter(([, r]) => !r.ok)
        .map(([name]) => name);
      return reply
        .status(down.length === 0 ? 200 : 503)
        .send({ status: down.length === 0 ? 'ready' : 'unready', down, checks: results });
    });
  };
}
