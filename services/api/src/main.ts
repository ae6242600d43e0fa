/** API process entry: see process.ts. */
import { runApiProcess } from './process.js';

await runApiProcess();
