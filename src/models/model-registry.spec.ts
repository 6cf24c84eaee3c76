import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  BUILD_COMMAND,
  MODEL_REGISTRY,
  ModelFilesError,
  assertModelsReady,
  getModelEntry,
  verifyModels,
} from './model-registry';

describe('the model registry', () => {
  it('lists multilingual-e5-small with a checksum for every file', () => {
    const entry = getModelEntry('multilingual-e5-small');
    expect(entry.dim).toBe(384);
    expect(Object.keys(entry.files)).toEqual(
      expect.arrayContaining([
        'tokenizer.json',
        `onnx/model_${getModelEntry('multilingual-e5-small').dtype}.onnx`,
      ]),
    );
  });

  it('rejects an unknown model name', () => {
    expect(() => getModelEntry('nope')).toThrow(/Unknown model "nope"/);
  });

  it('when the model folder is missing, names each missing path and the build command', async () => {
    const modelDir = mkdtempSync(path.join(tmpdir(), 'dozor-models-'));
    const problems = await verifyModels({ modelDir });
    expect(problems.map((p) => p.problem)).toEqual(
      Object.keys(MODEL_REGISTRY[0]?.files ?? {}).map(() => 'missing'),
    );
    await expect(assertModelsReady({ modelDir })).rejects.toThrow(ModelFilesError);
    await expect(assertModelsReady({ modelDir })).rejects.toThrow(
      new RegExp(
        `missing: ${modelDir}/multilingual-e5-small/onnx/model_${getModelEntry('multilingual-e5-small').dtype}.onnx[\\s\\S]*${BUILD_COMMAND}`,
      ),
    );
  });

  it('when a file is corrupt, says which one and both checksums', async () => {
    const modelDir = mkdtempSync(path.join(tmpdir(), 'dozor-models-'));
    mkdirSync(path.join(modelDir, 'multilingual-e5-small'), { recursive: true });
    writeFileSync(path.join(modelDir, 'multilingual-e5-small', 'config.json'), '{}');
    const problems = await verifyModels({ modelDir });
    const corrupt = problems.find((p) => p.file === 'config.json');
    expect(corrupt?.problem).toBe('corrupt');
    await expect(assertModelsReady({ modelDir })).rejects.toThrow(
      /corrupt: .*config\.json .*sha256 [0-9a-f]{64}/,
    );
  });
});
