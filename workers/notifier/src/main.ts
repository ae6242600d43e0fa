/** Notifier worker process entry (see worker.ts and @frontload/worker-runtime). */
import { startWorkerRuntime } from '@frontload/worker-runtime';
import { notifierWorker } from './worker.js';

await startWorkerRuntime(notifierWorker);
