/**
 * The API process of the chaos stack: production's process (services/api/src/process.ts) with one
 * difference the simulation needs: its OAuth checks the id_tokens' times against the simulated clock
 * (sim-clock.ts), on which the sandbox issues them. The rest of the API keeps the wall clock, as before.
 *
 * argv: clockFile
 */
import { runApiProcess } from '../../../services/api/src/process.js';
import { fileClock } from '../sim-clock.js';

const [clockPath] = process.argv.slice(2);
if (!clockPath) {
  console.error('usage: api.ts <clockFile>');
  process.exit(2);
}
const now = fileClock(clockPath);
await runApiProcess({ oauthNow: () => now().getTime() });
