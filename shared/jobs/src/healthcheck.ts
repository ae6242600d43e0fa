/**
 * The exec liveness probe of a worker process: exits 0 when its heartbeat is fresh, 1 when not.
 * Each worker's `src/healthcheck.ts` calls {@link runHealthcheck} with its process name.
 */
import { loadConfigOrExit } from '@frontload/config';
import { checkHeartbeat, heartbeatFile } from './heartbeat.js';

/** Checks `<DATA_DIR>/heartbeat/<worker>.json` against `WORKER_HEALTH_MAX_IDLE_SECONDS` and exits. */
export async function runHealthcheck(worker: string): Promise<never> {
  const env = loadConfigOrExit('worker');
  const verdict = await checkHeartbeat(
    heartbeatFile(env.DATA_DIR, worker),
    env.WORKER_HEALTH_MAX_IDLE_SECONDS,
  );
  (verdict.ok ? process.stdout : process.stderr).write(
    `${verdict.ok ? 'healthy' : 'unhealthy'}: ${verdict.reason}\n`,
  );
  process.exit(verdict.ok ? 0 : 1);
}
