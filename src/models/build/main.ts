import { loadConfig } from '../../config/config';
import { buildModels } from './build-models';

/**
 * `npm run models:build`: builds every model of src/models/registry.json into `config.modelDir`,
 * skipping the ones whose files already match their checksums. Progress goes to stderr.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const results = await buildModels(config, (message) => process.stderr.write(`[models:build] ${message}\n`));
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
