/** Sync worker process entry (see worker.ts and @frontload/worker-runtime). */
import { startWorkerRuntime } from '@frontload/worker-runtime';
import { syncWorker } from './worker.js';

await startWorkerRuntime(syncWorker);
