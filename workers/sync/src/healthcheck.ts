/** Liveness probe (Kubernetes exec): exit 0 when this worker polled for jobs recently, else 1. */
import { runHealthcheck } from '@frontload/jobs';
import { WORKER_NAME } from './processors.js';

await runHealthcheck(WORKER_NAME);
