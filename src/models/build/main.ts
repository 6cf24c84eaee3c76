import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config';
import { buildModels } from './build-models';
import { downloadHubModels } from './hub-download';

/**
 * `npm run models:build`: builds every model of src/models/registry.json into `config.modelDir`,
 * skipping the ones whose files already match their checksums. `-- --source hub` (or
 * `DOZOR_MODEL_SOURCE=hub`) downloads the hub variant into the same folders instead. Progress goes to stderr.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const { values } = parseArgs({ options: { source: { type: 'string' } } });
  const source = values.source ?? config.models.source;
  if (source !== 'offline' && source !== 'hub') {
    throw new Error(`--source must be offline or hub, got "${source}"`);
  }
  const progress = (message: string): void => {
    process.stderr.write(`[models:build] ${message}\n`);
  };
  const paths = { stateDir: config.stateDir, modelDir: config.modelDir };
  const results =
    source === 'hub' ? await downloadHubModels(paths, progress) : await buildModels(paths, progress);
  for (const result of results) {
    process.stdout.write(
      `${result.model}\t${result.status}\t${(result.bytes / 1e6).toFixed(1)} MB\t${result.folder}\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[models:build] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
