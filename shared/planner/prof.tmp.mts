import { plan } from './src/plan.ts';
import { readFileSync } from 'node:fs';
const inputs = JSON.parse(readFileSync('/tmp/fl/inputs150.json', 'utf8'));
for (let r = 0; r < 3; r++) {
  const c = process.cpuUsage(); let n = 0; const t = performance.now();
  while (performance.now() - t < 3000) { plan(inputs[n % inputs.length]); n++; }
  const u = process.cpuUsage(c);
  console.log('cpu ms/plan', ((u.user + u.system) / 1000 / n).toFixed(3), 'wall', (3000 / n).toFixed(3));
}
