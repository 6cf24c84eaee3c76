import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CHROMIUM_FLAGS } from '../provision/chromium';
import { run } from '../provision/process';

/**
 * Prints an HTML page to PDF with headless Chromium (`--print-to-pdf`). The page is self-contained, so
 * Chromium loads nothing else; a fresh profile per run keeps runs independent.
 */
export async function htmlToPdf(html: string, chromium: string): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dozor-pdf-'));
  try {
    const input = path.join(dir, 'digest.html');
    const output = path.join(dir, 'digest.pdf');
    await writeFile(input, html);
    const result = await run(chromium, [
      ...CHROMIUM_FLAGS,
      `--user-data-dir=${path.join(dir, 'profile')}`,
      '--no-pdf-header-footer',
      `--print-to-pdf=${output}`,
      pathToFileURL(input).href,
    ]);
    if (result.code !== 0) {
      throw new Error(`chromium exited with ${result.code}: ${result.stderr.slice(-500)}`);
    }
    return await readFile(output);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
