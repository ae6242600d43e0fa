/**
 * Worker process entry: config parsed once, one logger, the workers for this process's queues,
 * heartbeat for the liveness probe, graceful close on SIGTERM/SIGINT (see runWorkerProcess).
 */
import { loadConfigOrExit } from '@frontload/config';
import { runWorkerProcess } from '@frontload/jobs';
import { createLogger } from '@frontload/logging';
import { WORKER_NAME, queueBindings } from './processors.js';

const env = loadConfigOrExit('worker');
const logger = createLogger(env, WORKER_NAME);
runWorkerProcess({ name: WORKER_NAME, env, logger, queues: queueBindings() });
