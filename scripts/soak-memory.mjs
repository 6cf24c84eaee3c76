// Preloaded into the soak drill's child processes (`node --import`): appends this process's memory
// figures to DOZOR_SOAK_MEMORY_FILE every second (scripts/drills/soak.ts), so the drill can chart heap as well as RSS.
import { appendFileSync } from 'node:fs';
import process from 'node:process';
import { setInterval } from 'node:timers';

const file = process.env.DOZOR_SOAK_MEMORY_FILE;
if (file) {
  setInterval(() => {
    const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
    appendFileSync(file, `${JSON.stringify({ at: Date.now(), rss, heapUsed, heapTotal, external })}\n`);
  }, 1000).unref();
}
