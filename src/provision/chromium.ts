import { existsSync } from 'node:fs';
import { aptInstall } from './process';

/**
 * Headless Chromium (Debian's `chromium`) for PDF briefings and the browser tests. Installed with apt
 * when missing, like Redis; fonts with Cyrillic glyphs come along so Russian text renders in the PDF.
 */
export async function ensureChromium(executable: string, log: (line: string) => void): Promise<string> {
  if (existsSync(executable)) return executable;
  if (executable !== '/usr/bin/chromium') {
    throw new Error(`CHROMIUM_PATH=${executable} does not exist; install Chromium there or unset it`);
  }
  await aptInstall(['chromium', 'fonts-dejavu-core'], log);
  if (!existsSync(executable)) throw new Error('apt installed chromium, but /usr/bin/chromium is missing');
  return executable;
}

/** Flags for a headless run that talks to nothing but the page it is given. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];
