import { loadConfig } from '../../src/config/config';
import { ensureChromium } from '../../src/provision/chromium';
import integrationSetup from '../global-setup';

/** Browser tests need the services (as integration tests do) and Debian's Chromium, installed when missing. */
export default async function globalSetup(): Promise<void> {
  await integrationSetup();
  await ensureChromium(loadConfig().chromiumPath, (line) => {
    process.stderr.write(`${line}\n`);
  });
}
