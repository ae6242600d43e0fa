/** Planner worker process entry (see worker.ts and @frontload/worker-runtime). */
import { startWorkerRuntime } from '@frontload/worker-runtime';
import { plannerWorker } from './worker.js';

await startWorkerRuntime(plannerWorker);
